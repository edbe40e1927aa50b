package org.veriflow.client;

/**
 * Receives the progress of long work the SDK does (ingesting readings, training epochs, replays, audits,
 * uploads), so that each client shows it its own way: a command-line tool draws a bar on a terminal or
 * prints a line per step, a service exports a metric, a test ignores it. The SDK never prints.
 *
 * <p>Calls come from the thread doing the work, in order, with {@code done} never decreasing within one
 * task; implementations must be quick and must not throw.
 */
@FunctionalInterface
public interface ProgressListener {
  /** Ignores every update. */
  ProgressListener NONE = (task, done, total, detail) -> {};

  /**
   * Reports that {@code done} of {@code total} units of {@code task} are finished.
   *
   * @param task what is being done, for people ("training", "readings of snapshot 3f2a…"); never null
   * @param done units finished so far, 0 to {@code total}
   * @param total units in all, or 0 when unknown
   * @param detail a short note on the latest unit ("loss 0.01234"), or the empty string; never null
   */
  void progress(String task, long done, long total, String detail);

  /**
   * Reports that {@code task} finished; by default one last {@link #progress} call with {@code done ==
   * total}.
   *
   * @param task the task, as given to {@link #progress}
   * @param total the units done in all
   * @param detail a short summary ("all 1,682 signatures valid"), or the empty string
   */
  default void finished(String task, long total, String detail) {
    progress(task, total, total, detail);
  }
}
