package org.veriflow.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.veriflow.client.audit.Audit;
import org.veriflow.client.audit.AuditReport;
import org.veriflow.client.audit.Check;
import org.veriflow.client.audit.ProvJson;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.models.Training;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "audit", description = {"Walk a lineage and check every link without trusting the node: hashes recomputed, signatures",
    "verified, inclusion proofs checked against orderer-signed headers. Prints what was checked and what failed;",
    "exit 0 if every check passed, 1 if any failed."},
    subcommands = {AuditCommand.ModelAudit.class, AuditCommand.DecisionAudit.class})
final class AuditCommand {
  /** Options shared by both audits. */
  static final class Common {
    @Option(names = "--prov", paramLabel = "FILE", description = "Also write the lineage as W3C PROV-JSON.")
    Path prov;

    @Option(names = "--replay", description = "Also retrain the model here from its recipe and the chain's data, and compare the artifact (a federated model: recompute each round and compare its result).")
    boolean replay;

    @Option(names = "--work", paramLabel = "DIR", description = "Keep the dataset exports, artifact and replay files here (default: a temporary directory, removed afterwards).")
    Path workDir;

    @Option(names = "--threads", paramLabel = "N", description = "Threads verifying reading signatures (default: one per processor).")
    Integer threads;

    @Mixin OutputOptions output;
  }

  /**
   * The JSON result: what was audited, whether every link passed, the counts, and every check.
   *
   * @param subject what was audited ("model humidity-v1", "decision 3f2a…")
   * @param node the node that was asked
   * @param passed true if no check failed
   * @param passedChecks checks that passed
   * @param failedChecks checks that failed
   * @param skippedChecks checks skipped
   * @param seconds how long the audit took
   * @param checks every check, in the order made
   */
  record Audited(String subject, String node, boolean passed, long passedChecks, long failedChecks, long skippedChecks, double seconds,
      java.util.List<Link> checks) {}

  /**
   * One check of the JSON result.
   *
   * @param section the part of the lineage ("record", "snapshot …", "readings")
   * @param name what was checked
   * @param status OK, FAILED or SKIPPED
   * @param code the failure's code, or null
   * @param detail what was found
   */
  record Link(String section, String name, String status, String code, String detail) {}

  @Command(name = "model", description = {"Audit a model: its record and transactions, the recipe, each dataset snapshot and every reading",
      "in it (signed bytes, device signature, batch transaction, inclusion), the artifact and loss curve in the blob",
      "store, validators' replays and the stage. A federated model: its task, registration by the last attestation,",
      "provenance recipe, each round (result, chain of global models, signed attestations, signed updates), each",
      "participant's signed join and dataset, and the loss curve recomputed from the rounds."})
  static final class ModelAudit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin Common common;

    @Parameters(paramLabel = "MODEL", description = "The model id.")
    String model;

    @Override
    public Integer call() throws IOException {
      return run(spec, options, common, (client, work, opts) -> Audit.model(client, model, work, ProgressBar.on(spec.commandLine().getErr()), opts));
    }
  }

  @Command(name = "decision", description = {"Audit a decision: its proof chain, the model file it names, the model's stage when it was",
      "logged, a replay of the decision on its input, then the whole model audit."})
  static final class DecisionAudit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin Common common;

    @Parameters(paramLabel = "DECISION", description = "The decision id (64 hex characters).")
    String decision;

    @Option(names = "--input", paramLabel = "JSON", description = "The decision's input, when the chain did not keep it; its canonical form must hash to the logged input digest.")
    String input;

    @Override
    public Integer call() throws IOException {
      return run(spec, options, common, (client, work, opts) -> Audit.decision(client, decision, work, ProgressBar.on(spec.commandLine().getErr()),
          input == null ? opts : opts.withInput(input)));
    }
  }

  @FunctionalInterface
  private interface Walker {
    AuditReport audit(VeriflowClient client, Path workDir, Audit.Options options) throws IOException;
  }

  private static int run(CommandSpec spec, NodeOptions options, Common common, Walker walker) throws IOException {
    if (common.threads != null && common.threads < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1, not " + common.threads);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Audit.Options opts = Audit.Options.defaults();
    if (common.threads != null) {
      opts = opts.withThreads(common.threads);
    }
    if (common.replay) {
      opts = opts.withModelReplayer((client, recipe, dir) -> Training.train(client, recipe, dir, ProgressBar.on(err)).run().modelHash().hex());
    }
    boolean temporary = common.workDir == null;
    Path work = temporary ? Files.createTempDirectory("veriflow-audit-") : common.workDir;
    AuditReport report;
    try {
      report = walker.audit(options.client(), work, opts);
    } finally {
      if (temporary) {
        deleteTree(work);
      }
    }
    if (!common.output.printJson(out, audited(report))) {
      out.print(report.format());
      out.flush();
    }
    if (common.prov != null) {
      ProvJson.write(report, common.prov);
      err.println("PROV-JSON lineage written to " + common.prov);
    }
    return report.passed() ? Veriflow.OK : Veriflow.FAILURE;
  }

  private static Audited audited(AuditReport r) {
    return new Audited(r.subject(), r.node(), r.passed(), r.count(Check.Status.OK), r.count(Check.Status.FAILED),
        r.count(Check.Status.SKIPPED), r.elapsed().toMillis() / 1000.0,
        r.checks().stream().map(c -> new Link(c.section(), c.name(), c.status().name(), c.failed() ? c.code().name() : null, c.detail())).toList());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
