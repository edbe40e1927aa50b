package org.veriflow.client.models;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.veriflow.client.ClientException;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.TransactionStatus;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.ml.metrics.History;
import org.veriflow.ml.metrics.HistoryChart;
import org.veriflow.ml.model.ModelFile;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.recipe.Recipe;
import org.veriflow.ml.recipe.RecipeRunner;
import org.veriflow.ml.recipe.TrainingRun;
import org.veriflow.ml.tensor.Parallelism;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.Metric;
import org.veriflow.protocol.proto.models.RegisterModel;

/**
 * Training on chain-verified data: the recipe's data reference is a dataset snapshot; its export is
 * checked against the snapshot's on-chain hashes and against the recipe's data hash before the
 * engine sees a byte of it. Stateless and thread-safe.
 *
 * <p>Progress: {@code progress.finished("dataset " + snapshotId, rows, rows + " readings, hashes checked
 * against the chain")} once the export is checked; {@code progress.progress(}{@value #TASK}{@code ,
 * epoch, maxEpochs, "loss 0.01234")} after each epoch (with {@code "  validation 0.01234"} appended
 * when there is a validation split); {@code progress.finished(}{@value #TASK}{@code , epochs, "")}
 * when training ends.
 */
public final class Training {
  /** The progress task of the training epochs. */
  public static final String TASK = "training";

  /**
   * A finished training and the snapshot it used.
   *
   * @param run the engine's result
   * @param snapshot the snapshot trained on, as the node recorded it
   */
  public record Result(TrainingRun run, Responses.Snapshot snapshot) {}

  private Training() {}

  /**
   * Exports the recipe's snapshot to {@code workDir/<snapshot>.csv}, checks it, and trains.
   *
   * @param client the node
   * @param recipe the recipe; its data reference is a snapshot id
   * @param workDir where the export is written (created if missing; kept)
   * @param progress receives the export's and the epochs' progress
   * @return the training and its snapshot
   * @throws ProofException if the export does not reproduce the snapshot's on-chain hashes
   * @throws IllegalArgumentException if the recipe's data hash is not the snapshot's on-chain CSV hash,
   *     or the engine refuses the recipe or its data
   * @throws IllegalStateException if training diverges
   * @throws ClientException if the node refuses the export (e.g. the snapshot is unknown) or cannot be reached
   * @throws IOException if the export cannot be written or read
   */
  public static Result train(VeriflowClient client, Recipe recipe, Path workDir, ProgressListener progress)
      throws IOException, ProofException {
    String snapshotId = recipe.dataReference();
    Files.createDirectories(workDir);
    Path csv = workDir.resolve(snapshotId + ".csv");
    Responses.SnapshotExport export = client.streams().exportSnapshot(snapshotId, csv);
    if (!export.csvSha256().equals(recipe.dataSha256().hex())) {
      throw new IllegalArgumentException("the recipe's data hash " + recipe.dataSha256().hex() + " is not the on-chain hash "
          + export.csvSha256() + " of snapshot " + snapshotId);
    }
    progress.finished("dataset " + snapshotId, export.rows(), export.rows() + " readings, hashes checked against the chain");
    byte[] data = Files.readAllBytes(csv);
    try (Parallelism threads = Parallelism.allProcessors()) {
      TrainingRun run = RecipeRunner.run(recipe, data, threads, listener(progress));
      progress.finished(TASK, run.history().map(h -> (long) h.epochs().size()).orElse(0L), "");
      return new Result(run, export.snapshot());
    }
  }

  /** Reports each epoch to {@code progress} as the {@value #TASK} task. */
  static TrainingListener listener(ProgressListener progress) {
    return (epoch, max) -> progress.progress(TASK, epoch.epoch(), max, String.format(Locale.ROOT, "loss %.5f", epoch.trainLoss())
        + (epoch.hasValidation() ? String.format(Locale.ROOT, "  validation %.5f", epoch.validationLoss()) : ""));
  }

  /**
   * A model trained, its files written, uploaded, and recorded on chain.
   *
   * @param run the engine's result
   * @param snapshot the snapshot trained on
   * @param artifact the model file's SHA-256, as stored in the blob store
   * @param lossCurve the loss curve's SHA-256, as stored
   * @param dir the directory holding {@code model.bin}, {@code loss-curve.csv} and {@code loss-curve.png}
   * @param tx the committed {@code models.register} transaction
   */
  public record Registered(TrainingRun run, Responses.Snapshot snapshot, Hash artifact, Hash lossCurve, Path dir,
      Responses.TxInfo tx) {}

  /**
   * Trains {@code recipe} on its snapshot ({@link #train}), writes {@code outDir/id/model.bin},
   * {@code loss-curve.csv} and {@code loss-curve.png}, uploads the model file and the loss curve as
   * blobs, and submits {@code models.register}, waiting for its block.
   *
   * @param sender the trainer's session
   * @param recipe the recipe; its data reference is a snapshot id
   * @param id the model id
   * @param outDir where the export and the model's directory go
   * @param progress receives the export's and the epochs' progress
   * @return what was registered
   * @throws ModelException {@link ModelFailure#ARTIFACT_MISMATCH} if the blob store holds another model
   *     file than the engine wrote; {@link ModelFailure#REGISTRATION_REFUSED}, {@link
   *     ModelFailure#REGISTRATION_FAILED} or {@link ModelFailure#PENDING} if the registration did not commit
   * @throws ProofException if the export does not reproduce the snapshot's on-chain hashes
   * @throws IOException if a file cannot be written or read
   * @throws IllegalArgumentException if the recipe's data hash is not the snapshot's, or the engine refuses the recipe
   * @throws IllegalStateException if training diverges
   * @throws ClientException if the node refuses the export or an upload, or cannot be reached
   */
  public static Registered trainAndRegister(Session sender, Recipe recipe, String id, Path outDir, ProgressListener progress)
      throws IOException, ProofException, ModelException {
    VeriflowClient client = sender.client();
    Result t = train(client, recipe, outDir, progress);
    TrainingRun run = t.run();
    Path dir = outDir.resolve(id);
    Files.createDirectories(dir);
    Path modelFile = dir.resolve("model.bin");
    Files.write(modelFile, ModelFile.write(run.model()));
    Path curve = dir.resolve("loss-curve.csv");
    Files.write(curve, run.history().map(History::toCsvBytes).orElse(new byte[0]));
    if (run.history().isPresent()) {
      Files.write(dir.resolve("loss-curve.png"), HistoryChart.png(run.history().get(), 800, 450));
    }
    Hash artifact = client.putBlob(modelFile, sender.key());
    Hash lossCurve = client.putBlob(curve, sender.key());
    if (!artifact.hex().equals(run.modelHash().hex())) {
      throw new ModelException(ModelFailure.ARTIFACT_MISMATCH, "the stored model file hashes to " + artifact + ", the engine says "
          + run.modelHash().hex(), null);
    }
    RegisterModel.Builder m = RegisterModel.newBuilder()
        .setModelId(id)
        .setRecipe(ByteString.copyFrom(recipe.canonicalBytes()))
        .setRecipeSha256(ByteString.copyFrom(recipe.hash().bytes()))
        .addDatasets(DatasetRef.newBuilder().setSnapshotId(t.snapshot().snapshotId())
            .setCsvSha256(ByteString.copyFrom(Hex.decode(t.snapshot().csvSha256())))
            .setReadingsRoot(ByteString.copyFrom(Hex.decode(t.snapshot().readingsRoot()))))
        .setArtifactSha256(ByteString.copyFrom(artifact.bytes()))
        .setLossCurveSha256(ByteString.copyFrom(lossCurve.bytes()))
        .setEngineVersion(recipe.engineVersion());
    run.metrics().forEach((name, value) -> m.addMetrics(Metric.newBuilder().setName(name).setValue(value)));
    RegisterModel register = m.build();
    Responses.TxInfo tx;
    try {
      tx = sender.submit(b -> b.registerModel(register), true);
    } catch (ClientException e) {
      if (e.status() == 0) {
        throw e;
      }
      throw new ModelException(ModelFailure.REGISTRATION_REFUSED, "the node refused the registration of model " + id + ": "
          + e.code() + ": " + e.getMessage(), e);
    }
    if (TransactionStatus.failed(tx)) {
      throw new ModelException(ModelFailure.REGISTRATION_FAILED, "transaction " + tx.id() + " failed at height " + tx.height().orElse(-1L)
          + ": " + tx.code().orElse("") + ": " + tx.message().orElse(""), null);
    }
    if (!tx.committed()) {
      throw new ModelException(ModelFailure.PENDING, "transaction " + tx.id() + " is still " + tx.status()
          + "; check it later with 'veriflow tx get " + tx.id() + "'", null);
    }
    return new Registered(run, t.snapshot(), artifact, lossCurve, dir, tx);
  }
}
