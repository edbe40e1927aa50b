package org.veriflow.client.models;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.ml.recipe.Recipe;
import org.veriflow.ml.recipe.RecipeRunner;
import org.veriflow.ml.recipe.TrainingRun;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Training on chain-verified data, shared by {@code model train} and {@code model replay}: the
 * recipe's data reference is a dataset snapshot; its export is checked against the snapshot's
 * on-chain hashes and against the recipe's data hash before the engine sees a byte of it.
 */
final class Training {
  /** A finished training and the snapshot it used. */
  record Result(TrainingRun run, Responses.Snapshot snapshot) {}

  private Training() {}

  static Result train(VeriflowClient client, Recipe recipe, Path workDir, PrintWriter out) throws IOException, ProofException {
    String snapshotId = recipe.dataReference();
    Files.createDirectories(workDir);
    Path csv = workDir.resolve(snapshotId + ".csv");
    Responses.SnapshotExport export = client.exportSnapshot(snapshotId, csv);
    if (!export.csvSha256().equals(recipe.dataSha256().hex())) {
      throw new IllegalArgumentException("the recipe's data hash " + recipe.dataSha256().hex() + " is not the on-chain hash "
          + export.csvSha256() + " of snapshot " + snapshotId);
    }
    out.println("dataset " + snapshotId + ": " + export.rows() + " readings, hashes checked against the chain");
    byte[] data = Files.readAllBytes(csv);
    try (Parallelism threads = Parallelism.allProcessors()) {
      TrainingRun run = RecipeRunner.run(recipe, data, threads, (epoch, max) -> {
        int width = 30;
        int done = (int) ((long) epoch.epoch() * width / max);
        out.printf("\r[%s%s] epoch %d/%d  loss %.5f%s", "#".repeat(done), ".".repeat(width - done), epoch.epoch(), max, epoch.trainLoss(),
            epoch.hasValidation() ? String.format(java.util.Locale.ROOT, "  validation %.5f", epoch.validationLoss()) : "");
        out.flush();
      });
      out.println();
      return new Result(run, export.snapshot());
    }
  }

  /** A model trained, its files written, uploaded, and recorded on chain. */
  record Registered(TrainingRun run, Responses.Snapshot snapshot, org.veriflow.core.crypto.Hash artifact,
      org.veriflow.core.crypto.Hash lossCurve, Path dir, Responses.TxInfo tx) {}

  /**
   * Trains {@code recipe} on its snapshot ({@link #train}), writes {@code outDir/id/model.bin},
   * {@code loss-curve.csv} and {@code loss-curve.png}, uploads the model file and the loss curve as
   * blobs, and submits {@code models.register}, waiting for its block.
   *
   * @throws IllegalStateException if the registration fails on chain
   */
  static Registered trainAndRegister(VeriflowClient client, org.veriflow.client.TransactionBuilder sender, Recipe recipe, String id,
      Path outDir, PrintWriter out) throws IOException, ProofException {
    Result t = train(client, recipe, outDir, out);
    TrainingRun run = t.run();
    Path dir = outDir.resolve(id);
    Files.createDirectories(dir);
    Path modelFile = dir.resolve("model.bin");
    Files.write(modelFile, org.veriflow.ml.model.ModelFile.write(run.model()));
    Path curve = dir.resolve("loss-curve.csv");
    Files.write(curve, run.history().map(org.veriflow.ml.metrics.History::toCsvBytes).orElse(new byte[0]));
    if (run.history().isPresent()) {
      Files.write(dir.resolve("loss-curve.png"), org.veriflow.ml.metrics.HistoryChart.png(run.history().get(), 800, 450));
    }
    org.veriflow.core.crypto.Hash artifact = client.putBlob(modelFile);
    org.veriflow.core.crypto.Hash lossCurve = client.putBlob(curve);
    if (!artifact.hex().equals(run.modelHash().hex())) {
      throw new IllegalStateException("the stored model file hashes to " + artifact + ", the engine says " + run.modelHash().hex());
    }
    org.veriflow.protocol.proto.models.RegisterModel.Builder m = org.veriflow.protocol.proto.models.RegisterModel.newBuilder()
        .setModelId(id)
        .setRecipe(com.google.protobuf.ByteString.copyFrom(recipe.canonicalBytes()))
        .setRecipeSha256(com.google.protobuf.ByteString.copyFrom(recipe.hash().bytes()))
        .addDatasets(org.veriflow.protocol.proto.models.DatasetRef.newBuilder().setSnapshotId(t.snapshot().snapshotId())
            .setCsvSha256(com.google.protobuf.ByteString.copyFrom(org.veriflow.core.Hex.decode(t.snapshot().csvSha256())))
            .setReadingsRoot(com.google.protobuf.ByteString.copyFrom(org.veriflow.core.Hex.decode(t.snapshot().readingsRoot()))))
        .setArtifactSha256(com.google.protobuf.ByteString.copyFrom(artifact.bytes()))
        .setLossCurveSha256(com.google.protobuf.ByteString.copyFrom(lossCurve.bytes()))
        .setEngineVersion(recipe.engineVersion());
    run.metrics().forEach((name, value) -> m.addMetrics(org.veriflow.protocol.proto.models.Metric.newBuilder().setName(name).setValue(value)));
    Responses.TxInfo tx = Submit.andWait(client, sender.registerModel(m.build()), out);
    return new Registered(run, t.snapshot(), artifact, lossCurve, dir, tx);
  }
}
