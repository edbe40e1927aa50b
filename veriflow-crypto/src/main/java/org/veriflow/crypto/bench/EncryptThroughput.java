package org.veriflow.crypto.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.veriflow.core.crypto.Hash;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.DataKey;
import org.veriflow.crypto.Digests;
import org.veriflow.crypto.StreamingEncryption;

/**
 * Load measurement of dataset encryption, without JMH: writes a file of pseudo-random bytes (seed 42), then
 * times, in interleaved rounds on the same disk, a plain copy ({@link Files#copy}), reading it
 * through SHA-256, {@link StreamingEncryption#encrypt} and {@link StreamingEncryption#decrypt}
 * (file to file), and reports the median MiB/s of each, its ratio to the copy, and the largest
 * heap use sampled during each.
 *
 * <pre>
 * java -cp … org.veriflow.crypto.bench.EncryptThroughput [size-MiB (1024)] [directory (/tmp)] [rounds (3)]
 * </pre>
 *
 * <p>Every file it writes is deleted before it exits.
 */
@SuppressForbidden(reason = "a command-line tool that reports on standard output")
public final class EncryptThroughput {
  private static final int MIB = 1 << 20;
  private static final byte[] AD = "bench/dataset/1".getBytes(StandardCharsets.US_ASCII);

  private EncryptThroughput() {}

  public static void main(String[] args) throws Exception {
    long sizeMib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    Path parent = Path.of(args.length > 1 ? args[1] : "/tmp");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    if (sizeMib <= 0 || rounds <= 0) {
      throw new IllegalArgumentException("size and rounds must be positive");
    }
    Path dir = Files.createTempDirectory(parent, "veriflow-encrypt-bench-");
    try {
      run(dir, sizeMib * MIB, rounds);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static void run(Path dir, long size, int rounds) throws IOException, CryptoException, InterruptedException {
    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "java %s, %d processors, max heap %d MiB%n",
        Runtime.version(), rt.availableProcessors(), rt.maxMemory() / MIB);
    Path source = dir.resolve("source.bin");
    Path copy = dir.resolve("copy.bin");
    Path encrypted = dir.resolve("encrypted.vfde");
    Path decrypted = dir.resolve("decrypted.bin");
    writeSource(source, size);
    System.out.printf(Locale.ROOT, "file: %d MiB in %s%n", size / MIB, dir);

    DataKey key = DataKey.generate();
    String[] names = {"copy (Files.copy)", "read + SHA-256", "encrypt", "decrypt"};
    List<List<Double>> seconds = new ArrayList<>();
    long[] peakHeap = new long[names.length];
    for (int i = 0; i < names.length; i++) {
      seconds.add(new ArrayList<>());
    }
    Digests lastEncrypt = null;
    for (int round = 1; round <= rounds; round++) {
      for (int phase = 0; phase < names.length; phase++) {
        Files.deleteIfExists(copy);
        Files.deleteIfExists(decrypted);
        if (phase == 2) {
          Files.deleteIfExists(encrypted);
        }
        System.gc();
        HeapSampler sampler = new HeapSampler();
        sampler.start();
        long start = System.nanoTime();
        switch (phase) {
          case 0 -> Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
          case 1 -> sha256(source);
          case 2 -> {
            try (InputStream in = Files.newInputStream(source); OutputStream out = Files.newOutputStream(encrypted)) {
              lastEncrypt = StreamingEncryption.encrypt(key, in, out, AD);
            }
          }
          default -> {
            Digests d;
            try (InputStream in = Files.newInputStream(encrypted); OutputStream out = Files.newOutputStream(decrypted)) {
              d = StreamingEncryption.decrypt(key, in, out, AD);
            }
            if (lastEncrypt == null || !d.equals(lastEncrypt)) {
              throw new IllegalStateException("decryption digests " + d + " differ from encryption's " + lastEncrypt);
            }
          }
        }
        double s = (System.nanoTime() - start) / 1e9;
        peakHeap[phase] = Math.max(peakHeap[phase], sampler.stopAndPeak());
        seconds.get(phase).add(s);
        System.out.printf(Locale.ROOT, "round %d  %-18s %7.2f s  %8.1f MiB/s%n", round, names[phase], s, size / (double) MIB / s);
      }
    }
    double copyRate = size / (double) MIB / median(seconds.get(0));
    System.out.printf(Locale.ROOT, "%nmedian of %d rounds, %d MiB, ciphertext %d bytes (+%d)%n",
        rounds, size / MIB, lastEncrypt.ciphertextBytes(), lastEncrypt.ciphertextBytes() - size);
    System.out.printf(Locale.ROOT, "| %-18s | %8s | %9s | %12s | %15s |%n", "operation", "seconds", "MiB/s", "ratio to copy", "peak heap used");
    for (int phase = 0; phase < names.length; phase++) {
      double med = median(seconds.get(phase));
      double rate = size / (double) MIB / med;
      System.out.printf(Locale.ROOT, "| %-18s | %8.2f | %9.1f | %12.2f | %11.1f MiB |%n",
          names[phase], med, rate, rate / copyRate, peakHeap[phase] / (double) MIB);
    }
  }

  private static void writeSource(Path file, long size) throws IOException {
    byte[] block = new byte[MIB];
    SplittableRandom random = new SplittableRandom(42);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; ) {
        for (int i = 0; i < block.length; i += 8) {
          long v = random.nextLong();
          for (int j = 0; j < 8; j++) {
            block[i + j] = (byte) (v >>> (8 * j));
          }
        }
        int n = (int) Math.min(block.length, size - written);
        out.write(block, 0, n);
        written += n;
      }
    }
  }

  private static Hash sha256(Path file) throws IOException {
    MessageDigest md = Hash.digest();
    byte[] buffer = new byte[StreamingEncryption.READ_CHUNK_BYTES];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        md.update(buffer, 0, n);
      }
    }
    return Hash.of(md.digest());
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** Samples the heap in use every 5 ms until stopped; the peak includes garbage not yet collected. */
  private static final class HeapSampler {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "heap-sampler");
      t.setDaemon(true);
      return t;
    });

    void start() {
      timer.scheduleAtFixedRate(() -> peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max), 0, 5, TimeUnit.MILLISECONDS);
    }

    long stopAndPeak() throws InterruptedException {
      timer.shutdownNow();
      timer.awaitTermination(10, TimeUnit.SECONDS);
      return Math.max(peak.get(), memory.getHeapMemoryUsage().getUsed());
    }
  }
}
