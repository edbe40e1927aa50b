package org.veriflow.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.veriflow.client.ProgressListener;

/**
 * Shows the progress of long work on standard error, never on standard output, so that a result
 * captured by a script ({@code TX=$(veriflow model train ...)}) holds only the result.
 *
 * <p>On a terminal ({@link Mode#TERMINAL}) a task is one line redrawn in place with a carriage
 * return, at most every {@value #REDRAW_MILLIS} ms, and ended with a newline when the task finishes.
 * Anywhere else ({@link Mode#LINES}: a pipe, a file, a CI log) no carriage return is written: a task
 * whose total is known prints one line each time it passes another tenth of it, a task of unknown
 * total one line at most every {@value #QUIET_SECONDS} s, and every task one line when it finishes.
 *
 * <p>Not thread-safe: one renderer serves one sequence of tasks, as {@link ProgressListener}
 * promises its calls.
 */
final class ProgressBar implements ProgressListener {
  /** How progress is drawn. */
  enum Mode {
    /** A carriage-return bar redrawn in place, for a person at a terminal. */
    TERMINAL,
    /** Whole lines only, for pipes, files and logs. */
    LINES;

    /**
     * The mode for this process's standard error: {@link #TERMINAL} when the JVM has a console
     * (standard input and output are a terminal, which for a command-line tool run by a person means
     * standard error is one too), else {@link #LINES}.
     *
     * @return the mode to use for this process
     */
    static Mode ofThisProcess() {
      return System.console() != null ? TERMINAL : LINES;
    }
  }

  static final long REDRAW_MILLIS = 100;
  static final long QUIET_SECONDS = 10;
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final Mode mode;
  private final LongSupplier nanos;
  private String task;
  private boolean drawn;
  private long lastNanos;
  private long lastTenth;

  /**
   * A renderer writing to {@code err} in {@code mode}, timed by {@code nanos}.
   *
   * @param err where progress goes: the command's standard error
   * @param mode how to draw it
   * @param nanos a monotonic clock in nanoseconds ({@code System::nanoTime}), injected for tests
   */
  ProgressBar(PrintWriter err, Mode mode, LongSupplier nanos) {
    this.err = Objects.requireNonNull(err, "err");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.nanos = Objects.requireNonNull(nanos, "nanos");
  }

  /**
   * A renderer on {@code err} in the mode of this process ({@link Mode#ofThisProcess}).
   *
   * @param err the command's standard error
   * @return the renderer
   */
  static ProgressBar on(PrintWriter err) {
    return new ProgressBar(err, Mode.ofThisProcess(), System::nanoTime);
  }

  @Override
  public void progress(String task, long done, long total, String detail) {
    long now = nanos.getAsLong();
    boolean first = !task.equals(this.task);
    if (first) {
      endLine();
      this.task = task;
      lastTenth = 0;
      lastNanos = now;
    }
    if (mode == Mode.TERMINAL) {
      if (first || now - lastNanos >= TimeUnit.MILLISECONDS.toNanos(REDRAW_MILLIS) || (total > 0 && done >= total)) {
        lastNanos = now;
        err.print("\r" + frame(task, done, total, detail));
        err.flush();
        drawn = true;
      }
    } else if (total > 0) {
      long tenth = Math.min(10, done * 10 / total);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        err.println(line(task, done, total, detail));
        err.flush();
      }
    } else if (now - lastNanos >= TimeUnit.SECONDS.toNanos(QUIET_SECONDS)) {
      lastNanos = now;
      err.println(line(task, done, total, detail));
      err.flush();
    }
  }

  @Override
  public void finished(String task, long total, String detail) {
    if (mode == Mode.TERMINAL) {
      if (!task.equals(this.task)) {
        endLine();
      }
      err.println("\r" + frame(task, total, total, detail));
    } else {
      err.println(String.format(Locale.ROOT, "%s: done, %,d%s", task, total, detail.isEmpty() ? "" : "  " + detail));
    }
    err.flush();
    this.task = null;
    drawn = false;
  }

  /** Ends a bar left open by a task that was not reported finished. */
  private void endLine() {
    if (drawn) {
      err.println();
      drawn = false;
    }
  }

  private static String frame(String task, long done, long total, String detail) {
    String tail = detail.isEmpty() ? "" : "  " + detail;
    if (total <= 0) {
      return String.format(Locale.ROOT, "%s: %,d%s", task, done, tail);
    }
    int filled = (int) Math.min(WIDTH, done * WIDTH / total);
    return String.format(Locale.ROOT, "%s [%s%s] %,d/%,d%s", task, "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, tail);
  }

  private static String line(String task, long done, long total, String detail) {
    String tail = detail.isEmpty() ? "" : "  " + detail;
    if (total <= 0) {
      return String.format(Locale.ROOT, "%s: %,d%s", task, done, tail);
    }
    return String.format(Locale.ROOT, "%s: %d%% (%,d/%,d)%s", task, done * 100 / total, done, total, tail);
  }
}
