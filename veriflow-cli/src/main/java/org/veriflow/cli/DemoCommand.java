package org.veriflow.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.demo.report.DemoReport;
import org.veriflow.demo.SeedExperiment;
import org.veriflow.demo.report.DemoResult;
import org.veriflow.demo.sensors.ReadingImporter;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main job: the seed paper's validity and traceability experiments, end to end on a fresh
 * embedded node ({@link SeedExperiment}), with a report in {@code OUT/report}.
 */
@Command(name = "demo", description = {"Reproduce the paper's validity and traceability experiments end to end on a fresh embedded",
    "node in --out DIR: signed sensor readings under attack, the ledger's verdicts, models trained on the chain-verified",
    "snapshot and without a ledger, replayed by the node's verifier, predictions logged as decisions, one decision audited.",
    "Writes DIR/report/index.html and report.json."},
    subcommands = {LedgerTourCommand.class, DemoCommand.Federated.class})
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", defaultValue = "demo-output", paramLabel = "DIR", description = "Output directory; its node/ is made afresh (default: ${DEFAULT-VALUE}).")
  Path outDir;

  @Option(names = "--data", arity = "1..2", paramLabel = "FORMAT [FILE]", description = {"Run on a real recording instead of the simulated night:",
      "'lwsndr [FILE]' (FILE optional: the bundled LWSNDR single-hop data) or 'intel-lab FILE'."})
  java.util.List<String> data;

  @Option(names = "--limit", paramLabel = "N", description = "Read at most N lines of the recording.")
  Integer limit;

  @Option(names = "--sensors", defaultValue = "2", description = "Simulated sensors (default: ${DEFAULT-VALUE}).")
  int sensors;

  @Option(names = "--hours", defaultValue = "7", description = "Length of the simulated night, 00:00 onwards, in hours (default: ${DEFAULT-VALUE}).")
  double hours;

  @Option(names = "--interval-s", defaultValue = "30", description = "Seconds between two readings of one sensor (default: ${DEFAULT-VALUE}).")
  int intervalSeconds;

  @Option(names = "--attack-share", defaultValue = "0.1", description = "Share of the readings the attacker attacks (default: ${DEFAULT-VALUE}).")
  double attackShare;

  @Option(names = "--seed", defaultValue = "20261121", description = "Seeds the simulation, the attack and the trainings (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--verbose", description = "Print stack traces with errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    SeedExperiment.Source source = source();
    if (!(attackShare > 0 && attackShare <= 1)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--attack-share must be in (0, 1]");
    }
    Path out0 = outDir.toAbsolutePath();
    Path nodeDir = out0.resolve("node");
    LedgerTourCommand.wipe(nodeDir);
    // Plain HTTP on purpose: the node lives only for this run, in this process, bound to 127.0.0.1 on a free port,
    // and its only client is this command; no one else can reach it.
    NodeSetup.Result setup = NodeSetup.init(nodeDir, "veriflow-demo", 0, SignatureAlgorithm.ED25519, Instant.now(), NodeSetup.Transport.INSECURE);
    out.println("A new chain in " + nodeDir + "; its administrator's key is " + nodeDir.resolve("keys/admin.key"));
    DemoResult result;
    try (Node node = Node.start(NodeConfig.load(nodeDir, Map.of(), Map.of()), Clock.systemUTC(), e -> {
      spec.commandLine().getErr().println("error: the demo node stopped: " + Veriflow.message(e));
      Runtime.getRuntime().halt(NodeCommand.FATAL);
    })) {
      VeriflowClient client = new VeriflowClient(URI.create("http://127.0.0.1:" + node.httpPort()));
      out.println("node serving chain '" + client.chain().chainId() + "' on " + client.base() + " (its verifier replays every model)");
      result = new SeedExperiment(client, setup.admin(), out, ProgressBar.on(spec.commandLine().getErr()), new SeedExperiment.Config(source, attackShare, seed, out0))
          .run(nodeDir.toString());
    }
    Path report = out0.resolve("report");
    DemoReport.write(result, report);
    out.println();
    out.println(DemoReport.terminalSummary(result));
    out.println("Report: " + report.resolve("index.html") + " (figures for programs: " + report.resolve("report.json") + ")");
    out.println("The node is kept in " + nodeDir + ". Start it again and explore:");
    out.println("  ./veriflow node start --dir " + nodeDir + " --http-port 7070");
    out.println("  ./veriflow model get " + SeedExperiment.VALIDITY_MODEL);
    out.println("  ./veriflow audit decision " + result.audit().decisionId());
    out.printf(Locale.ROOT, "Done in %.1f s.%n", result.seconds());
    boolean verified = result.models().stream().allMatch(m -> m.status().equals("APPROVED") || m.status().equals("VERIFIED"));
    return verified && result.audit().passed() ? Veriflow.OK : Veriflow.FAILURE;
  }

  private SeedExperiment.Source source() {
    if (data == null) {
      if (sensors < 2 || sensors > 64 || hours <= 0 || hours > 24 || intervalSeconds < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--sensors must be 2 to 64, --hours in (0, 24], --interval-s at least 1");
      }
      return new SeedExperiment.Simulated(sensors, Duration.ofSeconds(intervalSeconds), Duration.ofSeconds(Math.round(hours * 3600)));
    }
    ReadingImporter.Format format;
    try {
      format = ReadingImporter.Format.parse(data.get(0));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--data: " + e.getMessage());
    }
    if (format == ReadingImporter.Format.CSV) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--data takes lwsndr or intel-lab");
    }
    Path file = data.size() > 1 ? Path.of(data.get(1)) : null;
    if (file == null && format != ReadingImporter.Format.LWSNDR) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--data intel-lab needs the recording's FILE");
    }
    if (limit != null && limit < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1");
    }
    return new SeedExperiment.Recorded(format, file, limit == null ? Integer.MAX_VALUE : limit);
  }

  /**
   * {@code demo federated}: five organisations train an office-occupancy model together on a fresh
   * embedded node ({@link org.veriflow.demo.federated.FederatedDemo}); the node aggregates with its
   * own aggregator key, so that its verifier, another identity, recomputes and attests every round.
   */
  @Command(name = "federated", description = {"Federated learning end to end on a fresh embedded node in --out DIR: five organisations",
      "with their own signed office sensor streams train one occupancy model, one of them Byzantine and one a free-rider,",
      "once per aggregation rule; every round aggregated by the node's aggregator key and recomputed by its verifier;",
      "rewards paid on chain. Writes DIR/report/index.html and report.json."})
  static final class Federated implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", defaultValue = "demo-federated-output", paramLabel = "DIR",
        description = "Output directory; its node/ is made afresh (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--rounds", defaultValue = "10", description = "Rounds per task (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--rule", split = ",", paramLabel = "RULE",
        description = {"Aggregation rules to run, comma-separated, FEDAVG among them",
            "(default: FEDAVG,MEDIAN,TRIMMED_MEAN,MULTI_KRUM,FLTRUST)."})
    java.util.List<String> rules;

    @Option(names = "--robust-rule", paramLabel = "RULE",
        description = "The robust rule of the headline accuracy, one of those run (default: MULTI_KRUM).")
    String robustRule;

    @Option(names = "--days", defaultValue = "7", description = "Simulated days of each office (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--interval-min", defaultValue = "10", description = "Minutes between two readings of a device (default: ${DEFAULT-VALUE}).")
    int intervalMinutes;

    @Option(names = "--local-epochs", defaultValue = "2", description = "Local epochs per round (default: ${DEFAULT-VALUE}).")
    int localEpochs;

    @Option(names = "--seed", defaultValue = "20261207", description = "Seeds the offices and the initial model (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      org.veriflow.demo.federated.FederatedDemo.Config config = config();
      Path out0 = outDir.toAbsolutePath();
      Path nodeDir = out0.resolve("node");
      LedgerTourCommand.wipe(nodeDir);
      NodeSetup.Result setup = NodeSetup.init(nodeDir, "veriflow-federated-demo", 0, SignatureAlgorithm.ED25519, Instant.now(),
          NodeSetup.Transport.INSECURE);
      org.veriflow.core.crypto.SigningKey aggregator = org.veriflow.core.crypto.SigningKey.generate(SignatureAlgorithm.ED25519);
      Path aggregatorKey = nodeDir.resolve("keys/aggregator.key");
      org.veriflow.client.KeyFiles.write(aggregatorKey, aggregator);
      out.println("A new chain in " + nodeDir + "; its administrator's key is " + nodeDir.resolve("keys/admin.key")
          + ", the aggregator's " + aggregatorKey);
      org.veriflow.demo.federated.FederatedResult result;
      // Plain HTTP, as for the main demo: the node lives only for this run, bound to 127.0.0.1.
      try (Node node = Node.start(NodeConfig.load(nodeDir, Map.of(), Map.of(NodeConfig.FL_AGGREGATOR_KEY_FILE.name(), aggregatorKey.toString())),
          Clock.systemUTC(), e -> {
            spec.commandLine().getErr().println("error: the demo node stopped: " + Veriflow.message(e));
            Runtime.getRuntime().halt(NodeCommand.FATAL);
          })) {
        VeriflowClient client = new VeriflowClient(URI.create("http://127.0.0.1:" + node.httpPort()));
        out.println("node serving chain '" + client.chain().chainId() + "' on " + client.base()
            + " (its aggregator key aggregates the rounds, its verifier recomputes them)");
        org.veriflow.client.Responses.TxInfo registered = new org.veriflow.client.Session(client, setup.admin()).submit(b -> b.registerIdentity(
            aggregator.publicKey(), org.veriflow.protocol.proto.contracts.IdentityKind.ORGANISATION, "Federation aggregator", java.util.List.of()), true);
        if (!registered.committed()) {
          throw new IllegalStateException("the aggregator's identity was not registered: " + registered.code().orElse(registered.status()));
        }
        result = new org.veriflow.demo.federated.FederatedDemo(client, setup.admin(), aggregator.id().value(), out, config).run();
      }
      Path report = out0.resolve("report");
      org.veriflow.demo.federated.FederatedReport.write(result, report);
      out.println();
      out.print(org.veriflow.demo.federated.FederatedReport.terminalSummary(result));
      out.println("Report: " + report.resolve("index.html") + " (figures for programs: " + report.resolve("report.json") + ")");
      out.printf(Locale.ROOT, "Done in %.1f s.%n", result.seconds());
      boolean verified = result.rules().stream().allMatch(r -> r.status().equals("COMPLETED")
          && r.rounds().stream().allMatch(row -> row.attestations().stream().anyMatch(a -> a.match())));
      return verified ? Veriflow.OK : Veriflow.FAILURE;
    }

    private org.veriflow.protocol.proto.fl.AggregationRule rule(String name) {
      try {
        org.veriflow.protocol.proto.fl.AggregationRule r = org.veriflow.protocol.proto.fl.AggregationRule.valueOf(
            name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        if (org.veriflow.demo.federated.FederatedDemo.RULES.contains(r)) {
          return r;
        }
      } catch (IllegalArgumentException e) {
        // Named below.
      }
      throw new CommandLine.ParameterException(spec.commandLine(), "unknown rule '" + name + "'; the demo's rules are "
          + org.veriflow.demo.federated.FederatedDemo.RULES);
    }

    private org.veriflow.demo.federated.FederatedDemo.Config config() {
      java.util.List<org.veriflow.protocol.proto.fl.AggregationRule> chosen = new java.util.ArrayList<>();
      if (rules == null) {
        chosen.addAll(org.veriflow.demo.federated.FederatedDemo.RULES);
      } else {
        for (String r : rules) {
          chosen.add(rule(r));
        }
      }
      if (intervalMinutes < 1 || 24 * 60 % intervalMinutes != 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--interval-min must divide a day (1 to 1440), not " + intervalMinutes);
      }
      org.veriflow.protocol.proto.fl.AggregationRule headline = robustRule == null
          ? (chosen.contains(org.veriflow.demo.federated.FederatedDemo.DEFAULT_ROBUST_RULE) ? org.veriflow.demo.federated.FederatedDemo.DEFAULT_ROBUST_RULE
              : chosen.stream().filter(x -> x != org.veriflow.protocol.proto.fl.AggregationRule.FEDAVG).findFirst().orElse(null))
          : rule(robustRule);
      try {
        return new org.veriflow.demo.federated.FederatedDemo.Config(days, Duration.ofMinutes(intervalMinutes), rounds, localEpochs, chosen, 10_000,
            seed, outDir.toAbsolutePath().resolve("work"), Duration.ofMinutes(20), headline);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
  }
}
