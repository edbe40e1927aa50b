package org.veriflow.cli;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.veriflow.client.ProgressListener;

/**
 * Prints an audit's progress: a line per step (a section starting, a failed check), and counters of
 * long work redrawn in place ({@code \r}) at most every 250 ms, closed by a line with the time taken.
 * Not thread-safe: the audit reports from one thread.
 */
final class AuditProgress implements ProgressListener {
  private final PrintWriter out;
  private final Map<String, Counter> counters = new HashMap<>();

  /** A counter's state. */
  private static final class Counter {
    final long start = System.nanoTime();
    long total;
    long lastDraw;
  }

  AuditProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void progress(String task, long done, long total, String detail) {
    if (total == 0) {
      out.println(detail.isEmpty() ? task : detail);
      out.flush();
      return;
    }
    Counter c = counters.computeIfAbsent(task, t -> new Counter());
    c.total = total;
    long now = System.nanoTime();
    if (c.lastDraw == 0 || now - c.lastDraw > 250_000_000L) {
      c.lastDraw = now;
      out.print("\r" + task + ": " + done + "/" + total);
      out.flush();
    }
  }

  @Override
  public void finished(String task, long total, String detail) {
    Counter c = counters.remove(task);
    if (c == null) {
      out.println(detail.isEmpty() ? task : detail);
    } else {
      out.println(String.format(Locale.ROOT, "\r%s: %d/%d %s in %.1f s", task, total, c.total, detail, (System.nanoTime() - c.start) / 1e9));
    }
    out.flush();
  }
}
