package org.veriflow.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the veriflow command in-process and captures its output and exit code. */
final class CliRunner {
  record Outcome(int exitCode, String out, String err) {}

  private CliRunner() {}

  static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Veriflow.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Outcome(code, out.toString(), err.toString());
  }
}
