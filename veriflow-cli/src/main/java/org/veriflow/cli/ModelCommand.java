package org.veriflow.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.proto.models.ModelStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "model", description = "Models on chain: provenance, lifecycle stages, replay attestations.",
    subcommands = {ModelCommand.Get.class, ModelCommand.Stage.class})
final class ModelCommand {
  @Command(name = "get", description = "Show a model: its datasets and hashes, stage, the history of its stages and its attestations.")
  static final class Get implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;

    @Parameters(paramLabel = "MODEL")
    String model;

    @Override
    public Integer call() {
      Responses.Model m = options.client().model(model);
      var out = spec.commandLine().getOut();
      out.println("model:     " + m.modelId() + " (" + m.stage() + ")");
      out.println("trainer:   " + m.trainer());
      out.println("recipe:    " + m.recipeSha256());
      out.println("artifact:  " + m.artifactSha256());
      out.println("datasets:  " + String.join(", ", m.snapshotIds()));
      out.println("metrics:   " + m.metrics());
      for (Responses.StageChange c : m.history()) {
        out.println("stage:     height " + c.height() + " " + c.from() + " -> " + c.to() + " by " + c.by() + (c.reason().isEmpty() ? "" : ": " + c.reason()));
      }
      for (Responses.Attestation a : m.attestations()) {
        out.println("replay:    height " + a.height() + " by " + a.validator() + ": " + (a.match() ? "same artifact" : "DIFFERENT artifact " + a.artifactSha256()));
      }
      return Veriflow.OK;
    }
  }

  @Command(name = "stage", description = {"Move a model to APPROVED, DEPRECATED or REJECTED (an administrator or an identity with",
      "role 'approver'; the trainer may deprecate). VERIFIED is reached only through validators' replays."})
  static final class Stage implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;

    @Parameters(paramLabel = "MODEL")
    String model;

    @Option(names = "--to", required = true, description = "APPROVED, DEPRECATED or REJECTED.")
    String to;

    @Option(names = "--reason", defaultValue = "", description = "Why, kept in the model's history.")
    String reason;

    @Override
    public Integer call() {
      ModelStage stage;
      try {
        stage = ModelStage.valueOf(to.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--to must be APPROVED, DEPRECATED or REJECTED, not '" + to + "'");
      }
      VeriflowClient client = options.client();
      Submit.andWait(client, options.builder(client).changeModelStage(model, stage, reason), spec.commandLine().getOut());
      return Veriflow.OK;
    }
  }
}
