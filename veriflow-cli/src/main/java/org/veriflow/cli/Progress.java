package org.veriflow.cli;

import java.io.PrintWriter;

/** A one-line progress counter for long work, redrawn at most every 500 ms. */
final class Progress {
  private final PrintWriter out;
  private final String label;
  private long lastDraw;
  private long last;

  Progress(PrintWriter out, String label) {
    this.out = out;
    this.label = label;
  }

  void update(long n) {
    last = n;
    long now = System.nanoTime();
    if (now - lastDraw > 500_000_000L) {
      lastDraw = now;
      out.print("\r" + label + ": " + n);
      out.flush();
    }
  }

  void done() {
    if (lastDraw != 0) {
      out.println("\r" + label + ": " + last + " done");
    }
  }
}
