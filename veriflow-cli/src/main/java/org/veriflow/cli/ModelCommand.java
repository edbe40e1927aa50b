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
  /** A stage as users see it: null for an unset stage (the one a model comes from when it is registered). */
  static String stage(String stage) {
    return stage == null || stage.isEmpty() || stage.equals(ModelStage.MODEL_STAGE_UNSPECIFIED.name()) || stage.equals(ModelStage.UNRECOGNIZED.name())
        ? null : stage;
  }

  /** A stage change of a model's history in JSON; {@code from} is null for the registration. */
  record StageChange(long height, String from, String to, String by, String reason, String transaction) {}

  /** A validator's replay attestation in JSON. */
  record Attestation(long height, String validator, boolean match, String artifactSha256) {}

  @Command(name = "get", description = "Show a model: its datasets and hashes, stage, the history of its stages and its attestations.")
  static final class Get implements Callable<Integer> {
    /** The JSON result: the model record, its stage history and its attestations. */
    record Shown(String modelId, String stage, String trainer, String recipeSha256, String artifactSha256, java.util.List<String> datasets,
        java.util.Map<String, Double> metrics, java.util.List<StageChange> history, java.util.List<Attestation> attestations) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "MODEL")
    String model;

    @Override
    public Integer call() {
      Responses.Model m = options.client().models().model(model);
      var out = spec.commandLine().getOut();
      if (output.printJson(out, new Shown(m.modelId(), stage(m.stage()), m.trainer(), m.recipeSha256(), m.artifactSha256(), m.snapshotIds(),
          m.metrics(), m.history().stream().map(c -> new StageChange(c.height(), stage(c.from()), stage(c.to()), c.by(), c.reason(), c.txId())).toList(),
          m.attestations().stream().map(a -> new Attestation(a.height(), a.validator(), a.match(), a.artifactSha256())).toList()))) {
        return Veriflow.OK;
      }
      out.println("model:     " + m.modelId() + " (" + java.util.Objects.requireNonNullElse(stage(m.stage()), "no stage") + ")");
      out.println("trainer:   " + m.trainer());
      out.println("recipe:    " + m.recipeSha256());
      out.println("artifact:  " + m.artifactSha256());
      out.println("datasets:  " + String.join(", ", m.snapshotIds()));
      out.println("metrics:   " + OutputOptions.keyValues(m.metrics()));
      for (Responses.StageChange c : m.history()) {
        out.println("stage:     height " + c.height() + " " + (stage(c.from()) == null ? "" : c.from() + " -> ") + c.to() + " by " + c.by()
            + (c.reason().isEmpty() ? "" : ": " + c.reason()));
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
    @Mixin OutputOptions output;

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
        if (stage(stage.name()) == null) {
          throw new IllegalArgumentException("not a stage a model can be moved to");
        }
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--to must be APPROVED, DEPRECATED or REJECTED, not '" + to + "'");
      }
      VeriflowClient client = options.client();
      Submit.andWait(options.session(client), b -> b.changeModelStage(model, stage, reason), spec.commandLine().getOut(), output);
      return Veriflow.OK;
    }
  }

  @Command(name = "train", description = {"Train on a dataset snapshot with veriflow-ml and record the model on chain: the export is",
      "checked against the snapshot's hashes, the artifact and loss curve are uploaded as blobs, and the",
      "record holds the canonical recipe, the dataset's hashes, the artifact hash and the metrics. Prints the transaction id."})
  static final class Train implements Callable<Integer> {
    /** The JSON result: the registering transaction, the model's hashes and metrics, and where its files are. */
    record Trained(String model, String transaction, long height, String artifactSha256, String recipeSha256, String lossCurveSha256,
        java.util.Map<String, Double> metrics, String directory) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--recipe", required = true, paramLabel = "FILE", description = "The training recipe (JSON; data.reference is the snapshot id).")
    java.nio.file.Path recipeFile;

    @Option(names = "--id", required = true, description = "The model id: lower-case letters, digits and '-'.")
    String id;

    @Option(names = "--out", defaultValue = "models", paramLabel = "DIR", description = "Where to write the model file, loss curve and chart (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path outDir;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      var err = spec.commandLine().getErr();
      org.veriflow.ml.recipe.Recipe recipe;
      try {
        recipe = org.veriflow.ml.recipe.Recipe.parse(java.nio.file.Files.readAllBytes(recipeFile));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("recipe " + recipeFile + ": " + e.getMessage(), e);
      }
      VeriflowClient client = options.client();
      Training.Registered r = Training.trainAndRegister(options.session(client), recipe, id, outDir, ProgressBar.on(err));
      if (!output.printJson(out, new Trained(id, r.tx().id(), r.tx().height().orElse(-1L), r.artifact().hex(), recipe.hash().hex(),
          r.lossCurve().hex(), r.run().metrics(), r.dir().toString()))) {
        out.println(r.tx().id());
      }
      spec.commandLine().getErr().println("model " + id + " registered: artifact " + r.artifact() + ", recipe " + recipe.hash().hex()
          + ", metrics " + OutputOptions.keyValues(r.run().metrics()));
      spec.commandLine().getErr().println("files in " + r.dir() + " (model.bin, loss-curve.csv, loss-curve.png)");
      return Veriflow.OK;
    }
  }

  @Command(name = "replay", description = {"Proof of training by replay: retrain a model from its on-chain recipe and dataset and",
      "attest whether the artifact is the recorded one (the --key identity must be a validator). Prints the transaction id."})
  static final class Replay implements Callable<Integer> {
    /** The JSON result: the replay's artifact, the recorded one, and the attesting transaction. */
    record Replayed(String model, String artifactSha256, String recordedArtifactSha256, boolean match, String transaction, long height) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "MODEL")
    String model;

    @Option(names = "--work", defaultValue = "replay", paramLabel = "DIR", description = "Scratch directory for the dataset export (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path workDir;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      VeriflowClient client = options.client();
      org.veriflow.ml.recipe.Replay.Outcome outcome = ModelReplay.replay(client, model, workDir, ProgressBar.on(spec.commandLine().getErr()));
      if (outcome instanceof org.veriflow.ml.recipe.Replay.Failure f) {
        throw new IllegalStateException("model " + model + " cannot be replayed: " + f.reason() + ": " + f.sentence());
      }
      boolean match = outcome instanceof org.veriflow.ml.recipe.Replay.Match;
      Sha256 got = match ? ((org.veriflow.ml.recipe.Replay.Match) outcome).artifact() : ((org.veriflow.ml.recipe.Replay.Mismatch) outcome).artifact();
      String recorded = match ? got.hex() : ((org.veriflow.ml.recipe.Replay.Mismatch) outcome).recorded().hex();
      Hash artifact = Hash.of(got.bytes());
      if (output.json()) {
        Responses.TxInfo tx = Submit.andWait(options.session(client), b -> b.attestModel(model, artifact), new java.io.PrintWriter(java.io.Writer.nullWriter()));
        output.printJson(out, new Replayed(model, got.hex(), recorded, match, tx.id(), tx.height().orElse(-1L)));
        return Veriflow.OK;
      }
      out.println(match ? "replay gives the recorded artifact " + got : "replay gives artifact " + got + ", the record says " + recorded);
      Submit.andWait(options.session(client), b -> b.attestModel(model, artifact), out);
      return Veriflow.OK;
    }
  }

  @Command(name = "predict", description = {"Ask a verified or approved model; the node logs the answer on chain as a decision",
      "before it replies. The request is signed with --key, whose identity is the requester.", "Prints the output, the attributions and the decision id."})
  static final class Predict implements Callable<Integer> {
    /** The JSON result: the logging transaction and each answer; {@code output} is the model's output as JSON. */
    record Predicted(String model, String transaction, long height, String batchRoot, java.util.List<Answer> decisions) {}

    record Answer(String decisionId, @com.fasterxml.jackson.annotation.JsonRawValue String output, String inputSha256,
        java.util.List<Attribution> attributions) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--model", required = true, description = "The model id.")
    String model;

    @Option(names = "--input", required = true, paramLabel = "JSON", description = "Feature values, e.g. '{\"temperature\": 27.7}'; repeat to log several under one root.")
    java.util.List<String> inputs;

    @Option(names = "--keep-input", description = "Let the chain keep the input itself, not only its digest.")
    boolean keepInput;

    @Override
    public Integer call() {
      var out = spec.commandLine().getOut();
      // The request is signed: the node records the key's identity as the requester.
      Responses.Predictions p = options.client().models().predict(model, inputs, keepInput, options.signingKey());
      if (output.printJson(out, new Predicted(p.modelId(), p.txId(), p.height(), p.batchRoot(), p.decisions().stream()
          .map(d -> new Answer(d.decisionId(), d.outputJson(), d.inputSha256(), Attribution.of(d.attributions()))).toList()))) {
        return Veriflow.OK;
      }
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
