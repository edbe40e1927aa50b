package org.veriflow.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.veriflow.core.crypto.Hash;

/** SHA-256 through {@link Hash#sha256(byte[])}: 64 bytes (one Merkle node's children) and 1 KiB. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HashBenchmark {
  @Param({"64", "1024"})
  public int bytes;

  private byte[] data;

  @Setup
  public void setUp() {
    data = new byte[bytes];
    new SplittableRandom(1).nextBytes(data);
  }

  @Benchmark
  public Hash sha256() {
    return Hash.sha256(data);
  }
}
