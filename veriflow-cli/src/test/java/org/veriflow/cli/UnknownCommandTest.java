package org.veriflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A misspelt command, the way a script's typo was found to print the top-level help and exit 0:
 * whatever follows it, an unknown command is a usage error (exit 2) naming it; help itself still
 * exits 0.
 */
class UnknownCommandTest {
  @Test
  void unknownCommand_whateverFollows_exitsTwoNamingIt() {
    for (List<String> args : List.of(List.of("NOSUCH", "--help"), List.of("NOSUCH"), List.of("NOSUCH", "-h"), List.of("NOSUCH", "--version"),
        List.of("NOSUCH", "status", "--json"), List.of("NOSUCH", "--help", "extra"))) {
      Veriflow.Captured o = Veriflow.capture(args.toArray(String[]::new));
      assertEquals(Veriflow.USAGE, o.exitCode(), args + " exits " + o.exitCode() + ": " + o.out() + o.err());
      assertTrue(o.err().contains("unknown command 'NOSUCH'"), args + ": " + o.err());
      assertTrue(o.out().isEmpty(), args + " prints help: " + o.out());
    }
  }

  @Test
  void unknownSubcommandOfAGroup_withHelp_exitsTwoNamingIt() {
    Veriflow.Captured o = Veriflow.capture("stream", "NOSUCH", "--help");
    assertEquals(Veriflow.USAGE, o.exitCode(), o.out() + o.err());
    assertTrue(o.err().contains("unknown command 'NOSUCH'"), o.err());
  }

  @Test
  void help_rootAndCommand_stillExitZero() {
    assertEquals(Veriflow.OK, Veriflow.capture("--help").exitCode());
    assertEquals(Veriflow.OK, Veriflow.capture("stream", "--help").exitCode());
    assertEquals(Veriflow.OK, Veriflow.capture("help", "stream").exitCode());
    assertEquals(Veriflow.OK, Veriflow.capture("--version").exitCode());
  }
}
