package org.veriflow.client.audit;

import java.io.PrintWriter;

/** A counter of long work redrawn in place ({@code \r}) at most every 250 ms. Not thread-safe. */
final class ProgressLine {
  private final PrintWriter out;
  private final String label;
  private final long total;
  private final long start = System.nanoTime();
  private long lastDraw;
  private long last;

  ProgressLine(PrintWriter out, String label, long total) {
    this.out = out;
    this.label = label;
    this.total = total;
  }

  void update(long done) {
    last = done;
    long now = System.nanoTime();
    if (lastDraw == 0 || now - lastDraw > 250_000_000L) {
      lastDraw = now;
      out.print("\r" + label + ": " + done + "/" + total);
      out.flush();
    }
  }

  void done(String what) {
    out.println(String.format(java.util.Locale.ROOT, "\r%s: %d/%d %s in %.1f s", label, last, total, what, (System.nanoTime() - start) / 1e9));
    out.flush();
  }
}
