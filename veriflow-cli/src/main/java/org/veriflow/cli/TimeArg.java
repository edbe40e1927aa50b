package org.veriflow.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** A time on the command line: an ISO-8601 instant ({@code 2026-01-01T00:00:00Z}) or epoch milliseconds. */
final class TimeArg {
  private TimeArg() {}

  static long parse(picocli.CommandLine.Model.CommandSpec spec, String option, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      try {
        return Instant.parse(value).toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            option + " must be an ISO-8601 instant such as 2026-01-01T00:00:00Z or milliseconds since the epoch, not '" + value + "'");
      }
    }
  }
}
