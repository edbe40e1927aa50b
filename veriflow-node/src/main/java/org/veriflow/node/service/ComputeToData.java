package org.veriflow.node.service;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.contracts.models.Models;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.Metric;
import org.veriflow.protocol.proto.models.RegisterModel;
import org.veriflow.ml.metrics.History;
import org.veriflow.ml.model.ModelFile;
import org.veriflow.ml.recipe.Recipe;
import org.veriflow.ml.recipe.RecipeRunner;
import org.veriflow.ml.recipe.TrainingRun;
import org.veriflow.ml.tensor.Parallelism;

/**
 * The custodian's training for a compute-only grant (docs/datasets.md, "Compute-to-data"), once its
 * {@code COMPUTE} access is committed: decrypts the version's plaintext ({@link CustodianData}),
 * trains the recipe with the deterministic engine, stores the model file and the loss curve in the
 * node's blob store, and registers the model with the node's own key ({@code models.register},
 * trainer = this node) naming the dataset version and its plaintext hash. Only hashes, the recipe and
 * metrics leave the node. Jobs run one at a time on a daemon thread. Thread-safe.
 */
public final class ComputeToData implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ComputeToData.class);

  /** What a job produced: the registered model's hashes and its registration, or a refusal. */
  public record Result(String modelId, Hash artifact, Hash lossCurve, TrainingRun run, TxOutcome registration) {}

  private final BlobStore blobs;
  private final NodeSubmitter submitter;
  private final CustodianData data;
  private final Duration waitTimeout;
  private final int threads;
  private final ExecutorService worker;

  /**
   * @param waitTimeout longest the job waits for the model's registration to commit
   * @param threads engine threads per job, 1 to 1024
   */
  public ComputeToData(BlobStore blobs, NodeSubmitter submitter, CustodianData data, Duration waitTimeout, int threads) {
    if (threads < 1 || threads > 1024) {
      throw new IllegalArgumentException("compute needs 1 to 1024 engine threads, not " + threads);
    }
    this.blobs = blobs;
    this.submitter = submitter;
    this.data = data;
    this.waitTimeout = waitTimeout;
    this.threads = threads;
    AtomicInteger n = new AtomicInteger();
    this.worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "veriflow-compute-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Trains {@code recipe} on version {@code d} and registers the model as {@code modelId}, on the
   * job thread. The future fails with {@link Refused} for a refusal with a code
   * ({@code NOT_CUSTODIAN}, {@code DATASET_ERASED}, {@code UNKNOWN_BLOB}, {@code
   * CUSTODY_KEY_INVALID}, {@code CIPHERTEXT_INVALID}, {@code PLAINTEXT_MISMATCH}, {@code
   * TRAINING_FAILED}, {@code NOT_RECORDED}, or the code of a failed {@code models.register}).
   */
  public CompletableFuture<Result> train(DatasetRecord d, Recipe recipe, String modelId) {
    return CompletableFuture.supplyAsync(() -> run(d, recipe, modelId), worker);
  }

  private Result run(DatasetRecord d, Recipe recipe, String modelId) {
    String what = "dataset " + d.getDatasetId() + " version " + d.getVersion();
    byte[] plaintext;
    try {
      plaintext = data.plaintext(d);
    } catch (CustodianData.Unavailable e) {
      throw new Refused(409, e.code, e.getMessage());
    }
    TrainingRun run;
    try (Parallelism parallelism = Parallelism.threads(threads)) {
      LOG.info("compute: training model {} on {} ({} bytes)", modelId, what, plaintext.length);
      run = RecipeRunner.run(recipe, plaintext, parallelism, (epoch, max) -> { });
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new Refused(422, "TRAINING_FAILED", "the engine could not train the recipe on " + what + ": " + e.getMessage());
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
    byte[] model = ModelFile.write(run.model());
    Hash artifact = Hash.sha256(model);
    if (!artifact.hex().equals(run.modelHash().hex())) {
      throw new IllegalStateException("the model file hashes to " + artifact + ", the engine says " + run.modelHash().hex());
    }
    byte[] curve = run.history().map(History::toCsvBytes).orElse(new byte[0]);
    Hash lossCurve = Hash.sha256(curve);
    store(artifact, model);
    store(lossCurve, curve);
    RegisterModel.Builder m = RegisterModel.newBuilder()
        .setModelId(modelId)
        .setRecipe(ByteString.copyFrom(recipe.canonicalBytes()))
        .setRecipeSha256(ByteString.copyFrom(recipe.hash().bytes()))
        .addDatasets(DatasetRef.newBuilder().setDatasetId(d.getDatasetId()).setDatasetVersion(d.getVersion())
            .setCsvSha256(d.getPlaintextSha256()).setReadingsRoot(d.getReadingsRoot()))
        .setArtifactSha256(ByteString.copyFrom(artifact.bytes()))
        .setLossCurveSha256(ByteString.copyFrom(lossCurve.bytes()))
        .setEngineVersion(recipe.engineVersion());
    run.metrics().forEach((name, value) -> m.addMetrics(Metric.newBuilder().setName(name).setValue(value)));
    TxOutcome o;
    try {
      o = submitter.submit(Models.NAME, "register", m.build()).get(waitTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (IllegalStateException e) {
      throw new Refused(503, "NOT_RECORDED", "the model was trained but its registration was refused: " + e.getMessage());
    } catch (TimeoutException e) {
      throw new Refused(504, "NOT_RECORDED", "the registration of model " + modelId + " was not committed within "
          + waitTimeout.toMillis() + " ms; it may still be committed later");
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for a node transaction failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused(503, "NOT_RECORDED", "interrupted while model " + modelId + " was being registered");
    }
    switch (o.status()) {
      case COMMITTED -> LOG.info("compute: model {} trained on {} registered at height {}", modelId, what, o.height());
      case FAILED -> throw new Refused(409, o.code(), o.message());
      case REJECTED -> throw new Refused(503, "NOT_RECORDED", "the registration of model " + modelId + " was dropped before a block ("
          + o.code() + ": " + o.message() + ")");
    }
    return new Result(modelId, artifact, lossCurve, run, o);
  }

  private void store(Hash hash, byte[] bytes) {
    try {
      if (blobs.put(hash, new ByteArrayInputStream(bytes)) instanceof BlobStore.Refused r) {
        throw new Refused(507, "BLOB_NOT_STORED", "the node could not store blob " + hash.hex() + ": " + r.message());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store blob " + hash.hex(), e);
    }
  }

  /** Stops taking jobs and interrupts the running one. */
  @Override
  public void close() {
    worker.shutdownNow();
  }
}
