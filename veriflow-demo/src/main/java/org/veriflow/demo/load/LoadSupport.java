package org.veriflow.demo.load;

import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;

/** What the load generators share: set-up checks, the verification ceiling, percentiles. */
final class LoadSupport {
  private LoadSupport() {}

  /** Reports a step of a load generator: its description, no unit count, and an optional figure. */
  static void step(ProgressListener progress, String task, String detail) {
    progress.progress(task, 0, 0, detail);
  }

  static void step(ProgressListener progress, String task) {
    step(progress, task, "");
  }

  static Responses.TxInfo expectCommitted(Responses.TxInfo info) {
    if (!info.committed()) {
      throw new IllegalStateException("set-up transaction " + info.id() + " is " + info.status() + " " + info.code().orElse(""));
    }
    return info;
  }

  /**
   * The signature-verification ceiling: how many of {@code n} checks ({@code verify.test(i)} checks
   * item i) run per second on all cores, after a warm-up, over about two seconds.
   */
  static double verificationsPerSecond(int n, IntPredicate verify) {
    IntStream.range(0, Math.min(n, 2000)).parallel().filter(verify).count();
    long done = 0;
    long start = System.nanoTime();
    while (System.nanoTime() - start < 2_000_000_000L) {
      done += IntStream.range(0, n).parallel().filter(verify).count();
    }
    return done / ((System.nanoTime() - start) / 1e9);
  }

  /** The {@code q} quantile of sorted nanosecond values, in milliseconds. */
  static double percentileMillis(long[] sortedNanos, double q) {
    int idx = (int) Math.min(sortedNanos.length - 1, Math.ceil(q * sortedNanos.length) - 1);
    return sortedNanos[Math.max(0, idx)] / 1e6;
  }
}
