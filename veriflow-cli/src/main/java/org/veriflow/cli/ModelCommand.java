package org.veriflow.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.models.ModelReplay;
import org.veriflow.client.models.Training;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ml.io.Sha256;
import org.veriflow.protocol.proto.models.ModelStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "model", description = "Models on chain: provenance, lifecycle stages, replay attestations.",
    subcommands = {ModelCommand.Train.class, ModelCommand.Replay.class, ModelCommand.Get.class, ModelCommand.Stage.class,
        ModelCommand.Predict.class})
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
      Submit.andWait(options.session(client), b -> b.changeModelStage(model, stage, reason), spec.commandLine().getOut());
      return Veriflow.OK;
    }
  }

  @Command(name = "train", description = {"Train on a dataset snapshot with veriflow-ml and record the model on chain: the export is",
      "checked against the snapshot's hashes, the artifact and loss curve are uploaded as blobs, and the",
      "record holds the canonical recipe, the dataset's hashes, the artifact hash and the metrics. Prints the transaction id."})
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;

    @Option(names = "--recipe", required = true, paramLabel = "FILE", description = "The training recipe (JSON; data.reference is the snapshot id).")
    java.nio.file.Path recipeFile;

    @Option(names = "--id", required = true, description = "The model id: lower-case letters, digits and '-'.")
    String id;

    @Option(names = "--out", defaultValue = "models", paramLabel = "DIR", description = "Where to write the model file, loss curve and chart (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path outDir;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      org.veriflow.ml.recipe.Recipe recipe;
      try {
        recipe = org.veriflow.ml.recipe.Recipe.parse(java.nio.file.Files.readAllBytes(recipeFile));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("recipe " + recipeFile + ": " + e.getMessage(), e);
      }
      VeriflowClient client = options.client();
      Training.Registered r = Training.trainAndRegister(options.session(client), recipe, id, outDir, new TrainingProgress(out));
      out.println(r.tx().id());
      spec.commandLine().getErr().println("model " + id + " registered: artifact " + r.artifact() + ", recipe " + recipe.hash().hex()
          + ", metrics " + r.run().metrics());
      spec.commandLine().getErr().println("files in " + r.dir() + " (model.bin, loss-curve.csv, loss-curve.png)");
      return Veriflow.OK;
    }
  }

  @Command(name = "replay", description = {"Proof of training by replay: retrain a model from its on-chain recipe and dataset and",
      "attest whether the artifact is the recorded one (the --key identity must be a validator). Prints the transaction id."})
  static final class Replay implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;

    @Parameters(paramLabel = "MODEL")
    String model;

    @Option(names = "--work", defaultValue = "replay", paramLabel = "DIR", description = "Scratch directory for the dataset export (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path workDir;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      VeriflowClient client = options.client();
      org.veriflow.ml.recipe.Replay.Outcome outcome = ModelReplay.replay(client, model, workDir, new TrainingProgress(out));
      if (outcome instanceof org.veriflow.ml.recipe.Replay.Failure f) {
        throw new IllegalStateException("model " + model + " cannot be replayed: " + f.reason() + ": " + f.sentence());
      }
      Sha256 got = outcome instanceof org.veriflow.ml.recipe.Replay.Match m ? m.artifact() : ((org.veriflow.ml.recipe.Replay.Mismatch) outcome).artifact();
      out.println(outcome instanceof org.veriflow.ml.recipe.Replay.Match ? "replay gives the recorded artifact " + got
          : "replay gives artifact " + got + ", the record says " + ((org.veriflow.ml.recipe.Replay.Mismatch) outcome).recorded());
      Hash artifact = Hash.of(got.bytes());
      Submit.andWait(options.session(client), b -> b.attestModel(model, artifact), out);
      return Veriflow.OK;
    }
  }

  @Command(name = "predict", description = {"Ask a verified or approved model; the node logs the answer on chain as a decision",
      "before it replies. Prints the output, the attributions and the decision id."})
  static final class Predict implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;

    @Option(names = "--model", required = true, description = "The model id.")
    String model;

    @Option(names = "--input", required = true, paramLabel = "JSON", description = "Feature values, e.g. '{\"temperature\": 27.7}'; repeat to log several under one root.")
    java.util.List<String> inputs;

    @Option(names = "--keep-input", description = "Let the chain keep the input itself, not only its digest.")
    boolean keepInput;

    @Override
    public Integer call() {
      var out = spec.commandLine().getOut();
      String requester = options.key == null ? null : options.signingKey().id().value();
      Responses.Predictions p = options.client().predict(model, inputs, keepInput, requester);
      for (Responses.Prediction d : p.decisions()) {
        out.println("output:    " + d.outputJson());
        for (Responses.FeatureAttribution a : d.attributions()) {
          out.println("because:   " + a.feature() + " = " + a.value() + " contributes " + a.attribution());
        }
        out.println("decision:  " + d.decisionId());
      }
      spec.commandLine().getErr().println("logged in transaction " + p.txId() + " at block " + p.height()
          + (p.decisions().size() > 1 ? " under root " + p.batchRoot() : ""));
      return Veriflow.OK;
    }
  }
}
