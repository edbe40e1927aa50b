package org.veriflow.client.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.VeriflowClient;
import org.veriflow.ml.recipe.Recipe;

/**
 * Audits walk a lineage on a node and check every link of it, without trusting the node: hashes are
 * recomputed, signatures verified and inclusion proofs checked against orderer-signed block headers
 * (with the orderer keys the node lists in {@code GET /v1/chain}).
 *
 * <ul>
 *   <li>{@link #model}: the model record and its transactions, the recipe, each dataset snapshot and
 *       every reading in it (signed bytes, device signature, batch transaction, inclusion), the
 *       artifact and loss curve in the blob store, validators' replays and the stage; optionally a
 *       local replay of the training. A federated model (its record's federated task, named by its
 *       recipe {@code veriflow-fl-model/1} too) is walked down to its task instead: its registration
 *       by the task's last attestation, the provenance recipe, the task recipe and initial model, each
 *       round (result hash, chain of global models, attestations and their signed transactions in the
 *       log, signed updates), the participants' signed join transactions, datasets and readings, the loss curve
 *       recomputed from the rounds; with a {@link ModelReplayer} set, each round recomputed here
 *       (the replayer itself is not called for a federated model).
 *   <li>{@link #decision}: the decision's proof chain, its model file, the model's stage when the
 *       decision was logged, a replay of the decision, then the whole model audit.
 * </ul>
 *
 * A failed link is a {@link Check} in the report, never an exception; exceptions mean the auditor's
 * own machine failed (a work file could not be written). Thread-safe: each call has its own state.
 */
public final class Audit {
  private Audit() {}

  /** Re-runs a model's training from its recipe and the chain's data; returns the artifact's SHA-256 in hex. */
  @FunctionalInterface
  public interface ModelReplayer {
    String replay(VeriflowClient client, Recipe recipe, Path workDir) throws Exception;
  }

  /**
   * How to audit.
   *
   * @param modelReplayer retrains the model locally and compares the artifact; absent: that check is skipped
   * @param input a decision's input (JSON) when the chain did not keep it; absent: that replay is skipped
   * @param threads how many threads verify reading signatures (at least 1)
   */
  public record Options(Optional<ModelReplayer> modelReplayer, Optional<String> input, int threads) {
    public Options {
      Objects.requireNonNull(modelReplayer, "modelReplayer");
      Objects.requireNonNull(input, "input");
      if (threads < 1) {
        throw new IllegalArgumentException("an audit needs at least one thread, not " + threads);
      }
    }

    /** No local replay, no supplied input, one thread per processor. */
    public static Options defaults() {
      return new Options(Optional.empty(), Optional.empty(), Runtime.getRuntime().availableProcessors());
    }

    public Options withModelReplayer(ModelReplayer replayer) {
      return new Options(Optional.of(replayer), input, threads);
    }

    public Options withInput(String json) {
      return new Options(modelReplayer, Optional.of(json), threads);
    }

    public Options withThreads(int n) {
      return new Options(modelReplayer, input, n);
    }
  }

  /** {@link #model(VeriflowClient, String, Path, ProgressListener, Options)} with {@link Options#defaults()}. */
  public static AuditReport model(VeriflowClient client, String modelId, Path workDir, ProgressListener progress) throws IOException {
    return model(client, modelId, workDir, progress, Options.defaults());
  }

  /**
   * Audits a model.
   *
   * @param workDir where the dataset exports and the artifact are written (created if missing; kept)
   * @param progress receives the walk's progress: {@code progress("checking " + section, 0, 0, "")} as each
   *     section starts; {@code progress(section, 0, 0, check.line())} for each failed check; {@code
   *     finished("export of snapshot " + id12, rows, "exported … rows to … in … s")} after a snapshot's
   *     export; and for each snapshot's readings, {@code progress("readings of snapshot " + id12, checked,
   *     rows, "")} as pages are checked, then {@code finished(task, checked, "checked")} (or {@code
   *     "stopped"} if the node failed meanwhile)
   * @throws IOException if {@code workDir} cannot be written
   * @throws org.veriflow.client.ClientException {@code UNREACHABLE} if the node cannot be reached at all
   */
  public static AuditReport model(VeriflowClient client, String modelId, Path workDir, ProgressListener progress, Options options)
      throws IOException {
    Files.createDirectories(workDir);
    long start = System.nanoTime();
    try (Walk walk = new Walk(client, workDir, progress, options, new ForkJoinPool(options.threads()))) {
      Lineage lineage = walk.model(modelId);
      return new AuditReport("model " + modelId, client.base().toString(), walk.checks(), lineage, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  /**
   * Audits a decision and the model that made it; see {@link #model}.
   *
   * @throws IOException if {@code workDir} cannot be written
   */
  public static AuditReport decision(VeriflowClient client, String decisionId, Path workDir, ProgressListener progress, Options options)
      throws IOException {
    Files.createDirectories(workDir);
    long start = System.nanoTime();
    try (Walk walk = new Walk(client, workDir, progress, options, new ForkJoinPool(options.threads()))) {
      Lineage lineage = walk.decision(decisionId);
      return new AuditReport("decision " + decisionId, client.base().toString(), walk.checks(), lineage,
          Duration.ofNanos(System.nanoTime() - start));
    }
  }
}
