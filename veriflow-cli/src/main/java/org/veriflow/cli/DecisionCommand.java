package org.veriflow.cli;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.annotation.JsonRawValue;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.models.DecisionReplay;
import org.veriflow.core.merkle.ProofException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "decision", description = "Logged AI decisions: show one, or verify it by replay.",
    subcommands = {DecisionCommand.Get.class, DecisionCommand.Verify.class})
final class DecisionCommand {
  @Command(name = "get", description = "Show a logged decision: model, input digest (and input if kept), output, attributions, batch.")
  static final class Get implements Callable<Integer> {
    /** The JSON result; {@code input} and {@code output} are the canonical JSON texts, input null when not kept, requester when not stated. */
    record Shown(String decisionId, String modelId, String modelSha256, @JsonRawValue String input, String inputSha256,
        @JsonRawValue String output, java.util.List<Attribution> attributions, String requester, String agent, String transaction, long height,
        int index, int batchSize, String batchRoot) {}

    static Shown shown(Responses.Decision d) {
      return new Shown(d.decisionId(), d.modelId(), d.modelSha256(), d.input().orElse(null), d.inputSha256(), d.output(),
          Attribution.of(d.attributions()), d.requester().isEmpty() ? null : d.requester(), d.agent(), d.txId(), d.height(), d.index(),
          d.batchSize(), d.batchRoot());
    }

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "DECISION")
    String id;

    @Override
    public Integer call() {
      Responses.Decision d = options.client().models().decision(id);
      if (!output.printJson(spec.commandLine().getOut(), shown(d))) {
        print(d, spec.commandLine().getOut());
      }
      return Veriflow.OK;
    }
  }

  @Command(name = "verify", description = {"Check a decision's proof (its bytes, its batch root, the logging transaction in the",
      "signed log), then replay it: the recorded model on the recorded (or --input) input must give",
      "exactly the logged output and attributions. Exit code 1 if any check fails."})
  static final class Verify implements Callable<Integer> {
    /** The JSON result: each check's outcome and its reason; the replay is null when the proof failed. */
    record Verified(String decisionId, Check proof, Check replay) {}

    record Check(boolean passed, String reason) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "DECISION")
    String id;

    @Option(names = "--input", paramLabel = "JSON", description = "The input, for a decision that did not keep it.")
    String input;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      VeriflowClient client = options.client();
      Responses.Decision d;
      try {
        d = client.models().verifyDecision(id);
      } catch (ProofException e) {
        if (!output.printJson(out, new Verified(id, new Check(false, e.getMessage()), null))) {
          out.println("FAILED  proof: " + e.getMessage());
        }
        return Veriflow.FAILURE;
      }
      String proved = "decision " + d.decisionId() + " is leaf " + d.index() + " of " + d.batchSize() + " under root "
          + d.batchRoot() + ", logged by " + d.agent() + " in transaction " + d.txId() + " (block " + d.height() + ", in the signed log)";
      if (output.json()) {
        DecisionReplay.Result r = DecisionReplay.replay(client, d, Optional.ofNullable(input).map(s -> s.getBytes(StandardCharsets.UTF_8)));
        output.printJson(out, new Verified(d.decisionId(), new Check(true, proved), new Check(r.passed(), r.reason())));
        return r.passed() ? Veriflow.OK : Veriflow.FAILURE;
      }
      out.println("ok      proof: decision " + d.decisionId() + " is leaf " + d.index() + " of " + d.batchSize() + " under root "
          + d.batchRoot() + ", logged by " + d.agent() + " in transaction " + d.txId() + " (block " + d.height() + ", in the signed log)");
      DecisionReplay.Result r = DecisionReplay.replay(client, d, Optional.ofNullable(input).map(s -> s.getBytes(StandardCharsets.UTF_8)));
      out.println((r.passed() ? "ok      replay: " : "FAILED  replay: ") + r.reason());
      return r.passed() ? Veriflow.OK : Veriflow.FAILURE;
    }
  }

  static void print(Responses.Decision d, java.io.PrintWriter out) {
    out.println("decision:  " + d.decisionId());
    out.println("model:     " + d.modelId() + " (model file " + d.modelSha256() + ")");
    out.println("input:     " + d.input().orElse("(not kept)") + "  sha256 " + d.inputSha256());
    out.println("output:    " + d.output());
    for (Responses.FeatureAttribution a : d.attributions()) {
      out.println("because:   " + a.feature() + " = " + a.value() + " contributes " + a.attribution());
    }
    out.println("requester: " + (d.requester().isEmpty() ? "(not stated)" : d.requester()));
    out.println("agent:     " + d.agent());
    out.println("logged:    transaction " + d.txId() + ", block " + d.height() + ", leaf " + d.index() + " of " + d.batchSize()
        + " under root " + d.batchRoot());
  }
}
