package org.veriflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final StringWriter text = new StringWriter();
  private long nanos;

  private ProgressBar bar(ProgressBar.Mode mode) {
    return new ProgressBar(new PrintWriter(text, true), mode, () -> nanos);
  }

  @Test
  void lines_knownTotal_oneLinePerTenthAndNoCarriageReturn() {
    ProgressBar bar = bar(ProgressBar.Mode.LINES);
    for (int i = 1; i <= 1000; i++) {
      bar.progress("readings", i, 1000, "");
    }
    bar.finished("readings", 1000, "all signatures valid");
    assertThat(text.toString()).doesNotContain("\r");
    assertThat(text.toString().lines()).containsExactly(
        "readings: 10% (100/1,000)", "readings: 20% (200/1,000)", "readings: 30% (300/1,000)", "readings: 40% (400/1,000)",
        "readings: 50% (500/1,000)", "readings: 60% (600/1,000)", "readings: 70% (700/1,000)", "readings: 80% (800/1,000)",
        "readings: 90% (900/1,000)", "readings: 100% (1,000/1,000)", "readings: done, 1,000  all signatures valid");
  }

  @Test
  void lines_fewSteps_oneLinePerStep() {
    ProgressBar bar = bar(ProgressBar.Mode.LINES);
    for (int epoch = 1; epoch <= 4; epoch++) {
      bar.progress("training", epoch, 4, "loss 0.1");
    }
    assertThat(text.toString().lines()).containsExactly("training: 25% (1/4)  loss 0.1", "training: 50% (2/4)  loss 0.1",
        "training: 75% (3/4)  loss 0.1", "training: 100% (4/4)  loss 0.1");
  }

  @Test
  void lines_unknownTotal_atMostOneLinePerQuietPeriod() {
    ProgressBar bar = bar(ProgressBar.Mode.LINES);
    for (int i = 1; i <= 100; i++) {
      nanos += TimeUnit.SECONDS.toNanos(1);
      bar.progress("verifying blocks", i, 0, "");
    }
    bar.finished("verifying blocks", 100, "blocks");
    // One line each time another quiet period has passed since the task began (at 11, 21, ... 91 s), and the last.
    assertThat(text.toString().lines()).hasSize(100 / (int) ProgressBar.QUIET_SECONDS)
        .first().isEqualTo("verifying blocks: 11");
    assertThat(text.toString().lines()).last().isEqualTo("verifying blocks: done, 100  blocks");
  }

  @Test
  void terminal_redrawsInPlaceAtMostEveryRedrawPeriodAndEndsTheLine() {
    ProgressBar bar = bar(ProgressBar.Mode.TERMINAL);
    for (int i = 1; i <= 10; i++) {
      nanos += TimeUnit.MILLISECONDS.toNanos(ProgressBar.REDRAW_MILLIS / 2);
      bar.progress("training", i, 10, "");
    }
    bar.finished("training", 10, "");
    String s = text.toString();
    assertThat(s).startsWith("\rtraining [###...........................] 1/10").endsWith("\rtraining [##############################] 10/10"
        + System.lineSeparator());
    // The first frame, one every other call (half a period apart), the last update, and the finished frame.
    assertThat(s.chars().filter(c -> c == '\r').count()).isEqualTo(1 + 4 + 1 + 1);
    assertThat(s.split(System.lineSeparator(), -1)).hasSize(2);
  }

  @Test
  void terminal_newTaskWhileBarOpen_startsOnItsOwnLine() {
    ProgressBar bar = bar(ProgressBar.Mode.TERMINAL);
    bar.progress("export", 5, 10, "");
    bar.progress("training", 1, 10, "");
    assertThat(text.toString()).isEqualTo("\rexport [###############...............] 5/10" + System.lineSeparator()
        + "\rtraining [###...........................] 1/10");
  }
}
