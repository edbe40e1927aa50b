package org.veriflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command in the tree answers {@code --help} with its usage and exit code 0. */
class HelpTreeTest {
  @Test
  void help_everyCommand_exitsZeroWithUsage() {
    List<List<String>> paths = new ArrayList<>();
    collect(new CommandLine(new Veriflow()), new ArrayList<>(), paths);
    assertTrue(paths.size() > 40, "the tree has only " + paths.size() + " commands");
    List<String> failures = new ArrayList<>();
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Veriflow.Captured o = Veriflow.capture(args.toArray(String[]::new));
      String name = String.join(" ", path);
      if (o.exitCode() != Veriflow.OK) {
        failures.add("'" + name + " --help' exits " + o.exitCode() + ": " + o.err().strip());
      } else if (!o.out().contains("Usage: veriflow" + (name.isEmpty() ? "" : " " + name))) {
        failures.add("'" + name + " --help' prints no usage: " + o.out().lines().findFirst().orElse("(nothing)"));
      } else if (!o.err().isEmpty()) {
        failures.add("'" + name + " --help' writes to standard error: " + o.err().strip());
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void version_root_printsVersion() {
    Veriflow.Captured o = Veriflow.capture("--version");
    assertEquals(Veriflow.OK, o.exitCode());
    assertTrue(o.out().startsWith("veriflow "), o.out());
  }

  /** Every command's path below the root (the root itself as the empty path), each once. */
  private static void collect(CommandLine cl, List<String> path, List<List<String>> into) {
    into.add(List.copyOf(path));
    cl.getSubcommands().forEach((name, sub) -> {
      if (!sub.getCommandName().equals(name)) {
        return; // an alias names a command already walked
      }
      List<String> next = new ArrayList<>(path);
      next.add(name);
      collect(sub, next, into);
    });
  }
}
