package org.veriflow.cli;

import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.VeriflowClient;
import org.veriflow.demo.load.ModelsBench;
import org.veriflow.demo.load.ReadingsLoad;
import org.veriflow.demo.load.SlowClientsLoad;
import org.veriflow.demo.load.SubmitLoad;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = "Load generators.", subcommands = {BenchCommand.Submit.class, BenchCommand.ReadingsCmd.class, BenchCommand.ModelsCmd.class,
    BenchCommand.SlowClients.class})
final class BenchCommand {
  /** Prints each step of a load generator on a line of its own, with its figure when it has one. */
  static ProgressListener steps(java.io.PrintWriter out) {
    return (task, done, total, detail) -> out.println(detail.isEmpty() ? task : task + ": " + detail);
  }

  @Command(name = "submit", description = {
      "Submit N credit transfers from S senders and report committed transfers per second and p50/p99",
      "submit-to-durable latency, next to this machine's signature-verification ceiling measured in the same run.",
      "--key must be an administrator with credits (e.g. DIR/keys/admin.key from 'veriflow init').",
      "With --nodes (members of one cluster), set-up goes through the first and the requests round-robin over all."})
  static final class Submit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    // A separate option rather than a repeatable --node: NodeOptions' --node is one URL for every command.
    @Option(names = "--nodes", split = ",", paramLabel = "URL",
        description = "Nodes to submit to round-robin, comma-separated or repeated, instead of --node.")
    List<String> nodes;

    @Option(names = "--txs", defaultValue = "20000", description = "Transfers to submit (default: ${DEFAULT-VALUE}).")
    int txs;

    @Option(names = "--senders", defaultValue = "64", description = "Distinct senders (default: ${DEFAULT-VALUE}).")
    int senders;

    @Option(names = "--concurrency", defaultValue = "1024", description = "Transactions in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--batch", defaultValue = "100", description = "Transactions per request; 1 submits each on its own (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      List<VeriflowClient> clients;
      if (nodes == null) {
        clients = List.of(options.client());
      } else if (spec.commandLine().getParseResult().hasMatchedOption("--node")) {
        throw new CommandLine.ParameterException(spec.commandLine(), "give either --node or --nodes, not both");
      } else {
        clients = nodes.stream().map(url -> options.client(URI.create(url), java.time.Duration.ofSeconds(60))).toList();
      }
      SubmitLoad.Result r = new SubmitLoad(clients, options.signingKey(), steps(output.json() ? spec.commandLine().getErr() : out))
          .run(txs, senders, concurrency, batch);
      if (output.printJson(out, r)) {
        return r.failed() == 0 ? Veriflow.OK : Veriflow.FAILURE;
      }
      out.printf("committed %d transfers (%d failed) in %.2f s: %.0f tx/s%n", r.committed(), r.failed(), r.seconds(), r.txPerSecond());
      out.printf("submit-to-durable latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", r.p50Millis(), r.p99Millis(), r.maxMillis());
      out.printf("signature ceiling: %.0f verifications/s on %d cores; throughput is %.0f%% of it%n", r.verifyPerSecond(), r.cores(), 100 * r.ratio());
      return r.failed() == 0 ? Veriflow.OK : Veriflow.FAILURE;
    }
  }

  @Command(name = "readings", description = {
      "Ingest N device-signed readings through one gateway in transactions of B readings and report legal readings",
      "per second, next to this machine's signature-verification ceiling measured in the same run.",
      "--key must be an administrator (it registers the gateway organisation)."})
  static final class ReadingsCmd implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--readings", defaultValue = "100000", description = "Readings to ingest (default: ${DEFAULT-VALUE}).")
    int readings;

    @Option(names = "--devices", defaultValue = "50", description = "Devices signing them (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--batch", defaultValue = "1000", description = "Readings per transaction, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--in-flight", defaultValue = "8", description = "Transactions in flight (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      ReadingsLoad.Result r = new ReadingsLoad(options.client(), options.signingKey(), steps(output.json() ? spec.commandLine().getErr() : out))
          .run(readings, devices, batch, inFlight);
      if (output.printJson(out, r)) {
        return r.legal() == r.readings() ? Veriflow.OK : Veriflow.FAILURE;
      }
      out.printf("ingested %d legal readings of %d in %.2f s: %.0f readings/s (transactions of %d)%n", r.legal(), r.readings(), r.seconds(), r.readingsPerSecond(), r.batch());
      out.printf("submit-to-durable latency per transaction: p50 %.1f ms, p99 %.1f ms%n", r.p50Millis(), r.p99Millis());
      out.printf("signature ceiling: %.0f verifications/s on %d cores; ingest is %.0f%% of it%n", r.verifyPerSecond(), r.cores(), 100 * r.ratio());
      return r.legal() == r.readings() ? Veriflow.OK : Veriflow.FAILURE;
    }
  }

  @Command(name = "models", description = {
      "Models on chain against a node whose verifier is on: ingest N signed readings, snapshot, train (timed), let the",
      "node replay (replay time from its metrics), audit the model (timed, next to the readings' signature checks alone),",
      "then log decisions one per request and in batches. --key must be an administrator."})
  static final class ModelsCmd implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--readings", defaultValue = "100000", description = "Readings to train on (default: ${DEFAULT-VALUE}).")
    int readings;

    @Option(names = "--epochs", defaultValue = "20", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--decisions", defaultValue = "2000", description = "Decisions logged one per request (default: ${DEFAULT-VALUE}).")
    int decisions;

    @Option(names = "--batches", defaultValue = "40", description = "Requests of --batch-size decisions each (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--batch-size", defaultValue = "500", description = "Decisions per batched request (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--concurrency", defaultValue = "32", description = "Requests in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--work", defaultValue = "bench-models", paramLabel = "DIR", description = "Scratch directory (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path work;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      ModelsBench.Result r = new ModelsBench(options.client(), options.signingKey(), output.json() ? spec.commandLine().getErr() : out,
          ProgressBar.on(spec.commandLine().getErr()), work).run(readings, epochs, decisions, batches, batchSize, concurrency);
      if (output.printJson(out, r)) {
        return r.auditPassed() ? Veriflow.OK : Veriflow.FAILURE;
      }
      out.printf(java.util.Locale.ROOT, "replay / training: %.2f s / %.2f s = %.2f%n", r.replaySeconds(), r.trainSeconds(), r.replaySeconds() / r.trainSeconds());
      out.printf(java.util.Locale.ROOT, "audit of %,d readings: %.2f s = %.2f x the signature checks alone (%.2f s)%n", r.readings(), r.auditSeconds(),
          r.auditSeconds() / r.signatureSeconds(), r.signatureSeconds());
      out.printf(java.util.Locale.ROOT, "decisions: %.0f/s one per request, %.0f/s %d per request (%.1f x)%n", r.singlePerSecond(), r.batchedPerSecond(),
          r.batchSize(), r.batchedPerSecond() / r.singlePerSecond());
      return r.auditPassed() ? Veriflow.OK : Veriflow.FAILURE;
    }
  }

  @Command(name = "slow-clients", description = {
      "Hold slow-loris connections against a node in increasing steps (headers announcing a 1,000,000-byte body, then",
      "one byte per --trickle-ms) and time /health and GET /v1/chain from a fresh connection at each step; reports",
      "the most slow connections held while /health answered within 1 s. Spreading them over --sources loopback",
      "addresses (127.0.0.1, .2, ...) makes them look like that many clients."})
  static final class SlowClients implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--health", paramLabel = "URL", description = "The liveness URL to probe (default: /health on the node's operations port, its API port + 1000).")
    String health;

    @Option(names = "--steps", split = ",", defaultValue = "100,250,500,1000", description = "Slow connections at each step (default: ${DEFAULT-VALUE}).")
    int[] steps;

    @Option(names = "--sources", defaultValue = "1", description = "Loopback source addresses to spread them over, 1 to 250 (default: ${DEFAULT-VALUE}).")
    int sources;

    @Option(names = "--trickle-ms", defaultValue = "1000", description = "Interval between two bytes of a slow body (default: ${DEFAULT-VALUE}).")
    long trickleMillis;

    @Option(names = "--hold-ms", defaultValue = "5000", description = "How long each step holds its connections before probing (default: ${DEFAULT-VALUE}).")
    long holdMillis;

    @Option(names = "--probes", defaultValue = "5", description = "Probes of /health and of the API at each step (default: ${DEFAULT-VALUE}).")
    int probes;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      URI api = URI.create(options.node);
      URI healthUrl = health != null ? URI.create(health)
          : new URI(api.getScheme(), null, api.getHost(), api.getPort() + 1000, "/health", null, null);
      java.util.Optional<javax.net.ssl.SSLContext> tls = "https".equals(api.getScheme()) ? java.util.Optional.of(options.tls().context())
          : java.util.Optional.empty();
      SlowClientsLoad.Result r = new SlowClientsLoad(api, healthUrl, tls, steps(output.json() ? spec.commandLine().getErr() : out))
          .run(steps, sources, java.time.Duration.ofMillis(trickleMillis), java.time.Duration.ofMillis(holdMillis), probes);
      if (output.printJson(out, r)) {
        return Veriflow.OK;
      }
      out.printf("survived %d slow connections from %d source address(es) with /health within %d ms%n", r.survived(), r.sources(),
          SlowClientsLoad.HEALTH_BOUND.toMillis());
      return Veriflow.OK;
    }
  }
}
