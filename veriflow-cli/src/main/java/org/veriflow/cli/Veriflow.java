package org.veriflow.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code veriflow} command. Exit codes: 0 success, 1 failure, 2 usage error. Errors are one
 * sentence; stack traces only with {@code --verbose}.
 */
@Command(
    name = "veriflow",
    mixinStandardHelpOptions = true,
    versionProvider = Veriflow.Version.class,
    description = "A permissioned blockchain that makes AI trustworthy end to end.",
    subcommands = {
      DemoCommand.class,
      InitCommand.class,
      NodeCommand.class,
      ClusterCommand.class,
      KeysCommand.class,
      IdentityCommand.class,
      CreditsCommand.class,
      StreamCommand.class,
      ReadingCommand.class,
      DatasetCommand.class,
      ModelCommand.class,
      FlCommand.class,
      AuditCommand.class,
      DecisionCommand.class,
      LineageCommand.class,
      TxCommand.class,
      BlockCommand.class,
      ProofCommand.class,
      LedgerCommand.class,
      BenchCommand.class,
      SimulateCommand.class,
      ImportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Veriflow {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * What a run of the command in this process did: its exit code and everything it printed.
   *
   * @param exitCode the exit code {@link #run} returned
   * @param out what it printed on standard output
   * @param err what it printed on standard error
   */
  public record Captured(int exitCode, String out, String err) {}

  /**
   * Runs the command line in this process, capturing what it prints: for programs and tests that
   * drive the command without a shell. Never exits the JVM.
   *
   * @param args the arguments, as after {@code veriflow} on a command line
   * @return the exit code and both outputs
   */
  public static Captured capture(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code = run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Captured(code, out.toString(), err.toString());
  }

  /** Runs the command line with the given streams and returns the exit code; never exits the JVM. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Veriflow());
    addHelpOptions(cl);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(e -> FAILURE);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean verbose = parseResult.originalArgs().contains("--verbose");
      commandLine.getErr().println("error: " + message(e));
      if (verbose) {
        e.printStackTrace(commandLine.getErr());
      }
      return e instanceof CommandLine.ParameterException ? USAGE : FAILURE;
    });
    // Help and version are answered only for a command line that names known commands.
    cl.setExecutionStrategy(parseResult -> {
      refuseUnmatched(parseResult);
      return new CommandLine.RunLast().execute(parseResult);
    });
    cl.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("error: " + usageError(e));
      e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
      return USAGE;
    });
    return cl.execute(args);
  }

  /**
   * Refuses a parse that left arguments unmatched, which picocli lets through when help or the
   * version is asked for: {@code veriflow NOSUCH --help} is an unknown command, not a request for
   * the top-level help.
   */
  private static void refuseUnmatched(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
      if (!r.unmatched().isEmpty()) {
        throw new CommandLine.UnmatchedArgumentException(r.commandSpec().commandLine(), r.unmatched());
      }
    }
  }

  /** A usage error's sentence: an unmatched word where a command has its subcommands is an unknown command. */
  private static String usageError(CommandLine.ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException u && !e.getCommandLine().getSubcommands().isEmpty()
        && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
      String word = u.getUnmatched().get(0);
      return "unknown command '" + word + "' for '" + e.getCommandLine().getCommandSpec().qualifiedName() + "'";
    }
    return e.getMessage();
  }

  private static void addHelpOptions(CommandLine cl) {
    cl.getCommandSpec().mixinStandardHelpOptions(true);
    for (CommandLine sub : cl.getSubcommands().values()) {
      addHelpOptions(sub);
    }
  }

  static String message(Throwable e) {
    if (e instanceof org.veriflow.client.ClientException ce) {
      return org.veriflow.cli.cluster.Problems.of(ce);
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return m;
  }

  /** Parses a key type option; an unknown type is a usage error. */
  static org.veriflow.core.crypto.SignatureAlgorithm keyType(picocli.CommandLine.Model.CommandSpec spec, String value) {
    try {
      return org.veriflow.core.crypto.SignatureAlgorithm.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Reads the version from the jar manifest, or says it is a development build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Veriflow.class.getPackage().getImplementationVersion();
      return new String[] {"veriflow " + (v == null ? "(development build)" : v)};
    }
  }
}
