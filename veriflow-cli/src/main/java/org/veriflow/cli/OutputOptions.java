package org.veriflow.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * The {@code --output text|json} option of every command that prints a result. In JSON the result
 * is one object whose fields docs/cli.md lists under the command; diagnostics and progress stay on
 * standard error in both formats.
 */
final class OutputOptions {
  /** The format of a command's result on standard output. */
  enum Format {
    /** Lines for people (the default). */
    text,
    /** One JSON object, for programs. */
    json
  }

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
      description = "text or json: the result as one JSON object, its fields listed in docs/cli.md (default: ${DEFAULT-VALUE}).")
  Format format = Format.text;

  /** @return whether the result is to be printed as JSON */
  boolean json() {
    return format == Format.json;
  }

  /**
   * Prints {@code result} as one JSON object on {@code out} if JSON was asked for; otherwise prints
   * nothing, and the caller prints its text.
   *
   * @param out the command's standard output
   * @param result a record whose components are the documented fields
   * @return true if the result was printed (JSON), false if the caller is to print text
   */
  boolean printJson(PrintWriter out, Object result) {
    if (!json()) {
      return false;
    }
    out.println(JsonOutput.write(result));
    out.flush();
    return true;
  }

  /**
   * A map as text: {@code KEY=value} pairs sorted by key, a space apart ({@code BAD_SIGNATURE=4
   * LEGAL=120}); the empty string for an empty map.
   *
   * @param map the map; its values are printed with {@code String.valueOf}
   * @return the pairs
   */
  static String keyValues(Map<String, ?> map) {
    return new TreeMap<>(map).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
  }
}
