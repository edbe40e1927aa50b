package org.veriflow.client.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.veriflow.client.ClientException;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.recipe.Recipe;
import org.veriflow.ml.recipe.Replay;
import org.veriflow.ml.recipe.TrainingRun;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Proof of training by replay from a client: reads a model's record from a node and runs the one
 * replay a validator runs ({@link Replay}) on it, with the dataset exported from the node's readings
 * and checked against the snapshot's on-chain hashes. Stateless and thread-safe.
 *
 * <p>Models trained on a datasets-contract version ({@code dataset:id/version}) cannot be replayed
 * here: only the version's custodian can decrypt its plaintext.
 *
 * <p>Progress as {@link Training#train}.
 */
public final class ModelReplay {
  private static final String VERSION_PREFIX = "dataset:";

  private ModelReplay() {}

  /**
   * Replays model {@code modelId}.
   *
   * @param client the node
   * @param modelId the model's id
   * @param workDir where the snapshot's export is written (created if missing; kept)
   * @param progress receives the export's and the epochs' progress
   * @return {@link Replay.Match}, {@link Replay.Mismatch} with both hashes, or {@link Replay.Failure}
   *     with its reason when the record cannot be replayed as it stands
   * @throws ModelException {@link ModelFailure#DATA_UNAVAILABLE} if the recipe names a dataset version
   *     (only its custodian can replay it)
   * @throws ProofException if the node's export does not reproduce the snapshot's on-chain hashes
   * @throws ClientException if the node refuses a request other than for an unknown snapshot, or cannot be reached
   * @throws IOException if the export cannot be written or read
   */
  public static Replay.Outcome replay(VeriflowClient client, String modelId, Path workDir, ProgressListener progress)
      throws IOException, ProofException, ModelException {
    Responses.ModelDetail detail = client.models().modelDetail(modelId);
    byte[] recipe = detail.recipe();
    String reference = reference(recipe);
    if (reference != null && reference.startsWith(VERSION_PREFIX)) {
      throw new ModelException(ModelFailure.DATA_UNAVAILABLE, "model " + modelId + " was trained on " + reference
          + ", whose plaintext only its custodian can decrypt; it cannot be replayed here", null);
    }
    List<Replay.RecordedDataset> datasets = new ArrayList<>();
    for (Responses.DatasetHashes d : detail.datasets()) {
      if (!d.snapshotId().isEmpty()) {
        datasets.add(new Replay.RecordedDataset(d.snapshotId(), Sha256.fromHex(d.csvSha256())));
      }
    }
    Replay.Request request = new Replay.Request(detail.engineVersion(), recipe, Sha256.fromHex(detail.model().recipeSha256()),
        datasets, Sha256.fromHex(detail.model().artifactSha256()));
    Files.createDirectories(workDir);
    try (Parallelism threads = Parallelism.allProcessors()) {
      Replay.Outcome outcome = Replay.run(request, (snapshotId, expected) -> export(client, snapshotId, expected, workDir, progress),
          threads, Training.listener(progress), () -> false);
      TrainingRun run = outcome instanceof Replay.Match m ? m.run() : outcome instanceof Replay.Mismatch m ? m.run() : null;
      if (run != null) {
        progress.finished(Training.TASK, run.history().map(h -> (long) h.epochs().size()).orElse(0L), "");
      }
      return outcome;
    } catch (Replay.DataUnavailable e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof ProofException proof) {
        throw proof;
      }
      throw new ModelException(ModelFailure.DATA_UNAVAILABLE, e.getMessage(), e.getCause());
    }
  }

  /** The recipe's data reference, or null if the recipe does not parse (the replay then says why). */
  private static String reference(byte[] recipe) {
    try {
      return Recipe.parse(recipe).dataReference();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] export(VeriflowClient client, String snapshotId, Sha256 expected, Path workDir, ProgressListener progress)
      throws Replay.DataRefused, Replay.DataUnavailable {
    Path csv = workDir.resolve(snapshotId + ".csv");
    Responses.SnapshotExport export;
    try {
      export = client.streams().exportSnapshot(snapshotId, csv);
    } catch (ClientException e) {
      if (e.code().equals("UNKNOWN_SNAPSHOT")) {
        throw new Replay.DataRefused(Replay.Reason.DATA_NOT_FOUND, "dataset " + snapshotId + " is not a snapshot on this chain");
      }
      throw e;
    } catch (IOException | ProofException e) {
      throw new Replay.DataUnavailable("snapshot " + snapshotId + " could not be exported: " + e.getMessage(), e);
    }
    if (!export.csvSha256().equals(expected.hex())) {
      throw new Replay.DataRefused(Replay.Reason.DATA_MISMATCH, "snapshot " + snapshotId + " has CSV SHA-256 " + export.csvSha256()
          + ", the recipe names " + expected);
    }
    progress.finished("dataset " + snapshotId, export.rows(), export.rows() + " readings, hashes checked against the chain");
    try {
      return Files.readAllBytes(csv);
    } catch (IOException e) {
      throw new Replay.DataUnavailable("the export of snapshot " + snapshotId + " cannot be read: " + e.getMessage(), e);
    }
  }
}
