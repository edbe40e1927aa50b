package org.veriflow.cli;

import java.io.PrintWriter;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.models.Training;

/**
 * Prints a training's progress: the dataset check as a line, the epochs as a bar redrawn in place
 * ({@code \r}), ended by a line break when training finishes. Not thread-safe: training reports from
 * one thread.
 */
final class TrainingProgress implements ProgressListener {
  private static final int WIDTH = 30;
  private final PrintWriter out;

  TrainingProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void progress(String task, long done, long total, String detail) {
    if (!task.equals(Training.TASK) || total <= 0) {
      out.println(task + ": " + detail);
      out.flush();
      return;
    }
    int filled = (int) (done * WIDTH / total);
    out.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] epoch " + done + "/" + total + "  " + detail);
    out.flush();
  }

  @Override
  public void finished(String task, long total, String detail) {
    if (task.equals(Training.TASK)) {
      out.println();
    } else {
      out.println(task + ": " + detail);
    }
    out.flush();
  }
}
