package org.veriflow.ml.recipe;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.veriflow.ml.EngineVersion;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Proof of training by replay: checks a model's record and retrains it from its recipe and data,
 * then compares the artifact. The one replay of a model, used by a validator node and by any client
 * that replays a model it reads from a node.
 *
 * <p>In order: the record's engine version is this engine's; the recorded recipe parses; its
 * canonical hash is the recorded recipe hash; the recipe needs this engine; the recipe's data
 * reference is one of the recorded datasets, whose recorded data hash is the recipe's; the data the
 * {@link DataSource} produces hashes to it; the engine trains; the model file's hash is compared with
 * the recorded artifact hash. The first check that fails ends the replay with a {@link Failure}
 * whose sentence names both sides.
 *
 * <p>Pure apart from the data source: the same record and data give the same outcome on every
 * machine, whatever the parallelism. Stateless and thread-safe.
 */
public final class Replay {

    private Replay() {
    }

    /** Why a replay produced no artifact: the record cannot be replayed as it stands. */
    public enum Reason {
        /** The model was trained with another engine version than this one. */
        ENGINE_VERSION,
        /** The recorded recipe does not parse. */
        INVALID_RECIPE,
        /** The recorded recipe is not in canonical form: it does not hash to the recorded recipe hash. */
        RECIPE_HASH,
        /** The recipe needs another engine version than this one. */
        RECIPE_ENGINE_VERSION,
        /** The recipe's data reference is not one of the model's recorded datasets. */
        DATASET_NOT_RECORDED,
        /** The recipe's data hash is not the hash recorded for its dataset. */
        DATA_HASH,
        /** The data reference names nothing on the chain. */
        DATA_NOT_FOUND,
        /** The data the chain holds for the reference does not hash to the recipe's data hash. */
        DATA_MISMATCH,
        /** The engine refused the recipe or its data. */
        ENGINE_REFUSED,
        /** Training failed (diverged). */
        TRAINING_FAILED
    }

    /**
     * A dataset the model's record names.
     *
     * @param reference the data reference as a recipe names it (a snapshot id, or {@code dataset:id/version})
     * @param dataSha256 the SHA-256 the record holds for the dataset's bytes
     */
    public record RecordedDataset(String reference, Sha256 dataSha256) {
        public RecordedDataset {
            Objects.requireNonNull(reference, "reference");
            Objects.requireNonNull(dataSha256, "dataSha256");
        }
    }

    /**
     * What a model's record says, as plain values.
     *
     * @param engineVersion the engine version the model was trained with
     * @param recipe the recorded recipe's bytes
     * @param recipeSha256 the recorded recipe hash
     * @param datasets the recorded datasets, in the record's order
     * @param artifactSha256 the recorded model file hash
     */
    public record Request(String engineVersion, byte[] recipe, Sha256 recipeSha256, List<RecordedDataset> datasets,
            Sha256 artifactSha256) {
        public Request {
            Objects.requireNonNull(engineVersion, "engineVersion");
            recipe = Objects.requireNonNull(recipe, "recipe").clone();
            Objects.requireNonNull(recipeSha256, "recipeSha256");
            datasets = List.copyOf(datasets);
            Objects.requireNonNull(artifactSha256, "artifactSha256");
        }

        @Override
        public byte[] recipe() {
            return recipe.clone();
        }
    }

    /** Produces the bytes of the dataset a recipe names. */
    @FunctionalInterface
    public interface DataSource {
        /**
         * Returns the bytes of the dataset {@code reference} names.
         *
         * @param reference the recipe's data reference, one of the recorded datasets
         * @param dataSha256 the hash the recipe and the record give for those bytes
         * @return the bytes, which the replay hashes and compares with {@code dataSha256}
         * @throws DataRefused if the chain does not hold what the record names (the record's fault: the
         *     replay ends with a {@link Failure})
         * @throws DataUnavailable if this caller cannot produce the bytes for a reason that is not the
         *     record's (only a custodian can decrypt them, a download failed): the replay does not end
         *     and the exception reaches the caller
         */
        byte[] fetch(String reference, Sha256 dataSha256) throws DataRefused, DataUnavailable;
    }

    /** The chain does not hold the data the record names, as the data source found. */
    public static final class DataRefused extends Exception {
        private static final long serialVersionUID = 1L;
        private final Reason reason;

        /**
         * @param reason {@link Reason#DATA_NOT_FOUND} or {@link Reason#DATA_MISMATCH}
         * @param sentence what was found, for people
         * @throws IllegalArgumentException for another reason
         */
        public DataRefused(Reason reason, String sentence) {
            super(sentence);
            if (reason != Reason.DATA_NOT_FOUND && reason != Reason.DATA_MISMATCH) {
                throw new IllegalArgumentException("a data source refuses data as DATA_NOT_FOUND or DATA_MISMATCH, not " + reason);
            }
            this.reason = reason;
        }

        /** @return {@link Reason#DATA_NOT_FOUND} or {@link Reason#DATA_MISMATCH} */
        public Reason reason() {
            return reason;
        }
    }

    /** The data source cannot produce the data here, for a reason that is not the record's. */
    public static final class DataUnavailable extends Exception {
        private static final long serialVersionUID = 1L;

        /**
         * @param sentence why, for people
         * @param cause what failed, or null
         */
        public DataUnavailable(String sentence, Throwable cause) {
            super(sentence, cause);
        }
    }

    /** What a replay found. */
    public sealed interface Outcome permits Match, Mismatch, Failure {
    }

    /**
     * The replay gave the recorded artifact.
     *
     * @param run the training the replay ran
     */
    public record Match(TrainingRun run) implements Outcome {
        /** @return the artifact's hash, the recorded one */
        public Sha256 artifact() {
            return run.modelHash();
        }
    }

    /**
     * The replay gave another artifact than the recorded one.
     *
     * @param run the training the replay ran
     * @param recorded the recorded artifact hash
     */
    public record Mismatch(TrainingRun run, Sha256 recorded) implements Outcome {
        /** @return the hash of the artifact the replay gave */
        public Sha256 artifact() {
            return run.modelHash();
        }
    }

    /**
     * The record cannot be replayed; no artifact.
     *
     * @param reason the stable code
     * @param sentence what failed, naming both sides where there are two
     */
    public record Failure(Reason reason, String sentence) implements Outcome {
        public Failure {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(sentence, "sentence");
        }
    }

    /**
     * Checks {@code request} and replays it.
     *
     * @param request the model's record
     * @param data produces the dataset's bytes
     * @param parallelism the engine's threads
     * @param listener called after each epoch; it may throw an unchecked exception to abort the replay,
     *     which then reaches the caller as it is
     * @param stopped true once the caller is stopping: a training failure while it is true (or while the
     *     thread is interrupted) is the caller's, not the record's, and is rethrown instead of becoming a
     *     {@link Failure}
     * @return the outcome: {@link Match}, {@link Mismatch} or {@link Failure}
     * @throws DataUnavailable if the data source cannot produce the data here
     * @throws IllegalStateException if training stopped while {@code stopped} was true, the thread was
     *     interrupted, or an {@link Error} caused it
     */
    public static Outcome run(Request request, DataSource data, Parallelism parallelism, TrainingListener listener,
            BooleanSupplier stopped) throws DataUnavailable {
        if (!request.engineVersion().equals(EngineVersion.CURRENT)) {
            return new Failure(Reason.ENGINE_VERSION, "the model was trained with engine " + request.engineVersion()
                    + "; this validator runs " + EngineVersion.CURRENT);
        }
        Recipe recipe;
        try {
            recipe = Recipe.parse(request.recipe());
        } catch (IllegalArgumentException e) {
            return new Failure(Reason.INVALID_RECIPE, "the recorded recipe is invalid: " + e.getMessage());
        }
        Sha256 recipeHash = recipe.hash();
        if (!recipeHash.equals(request.recipeSha256())) {
            return new Failure(Reason.RECIPE_HASH, "the recorded recipe is not in canonical form: it hashes to " + recipeHash
                    + ", the record says " + request.recipeSha256());
        }
        if (!recipe.engineVersion().equals(EngineVersion.CURRENT)) {
            return new Failure(Reason.RECIPE_ENGINE_VERSION, "the recipe needs engine " + recipe.engineVersion()
                    + "; this validator runs " + EngineVersion.CURRENT);
        }
        String reference = recipe.dataReference();
        Sha256 dataHash = recipe.dataSha256();
        RecordedDataset dataset = null;
        for (RecordedDataset d : request.datasets()) {
            if (d.reference().equals(reference)) {
                dataset = d;
            }
        }
        if (dataset == null) {
            return new Failure(Reason.DATASET_NOT_RECORDED, "the recipe's data reference '" + reference
                    + "' is not one of the model's recorded datasets");
        }
        if (!dataset.dataSha256().equals(dataHash)) {
            return new Failure(Reason.DATA_HASH, "the recipe's data hash " + dataHash + " is not the hash "
                    + dataset.dataSha256() + " recorded for dataset " + reference);
        }
        byte[] bytes;
        try {
            bytes = data.fetch(reference, dataHash);
        } catch (DataRefused e) {
            return new Failure(e.reason(), e.getMessage());
        }
        Sha256 got = Sha256.of(bytes);
        if (!got.equals(dataHash)) {
            return new Failure(Reason.DATA_MISMATCH, "dataset " + reference + " has SHA-256 " + got + ", the recipe names "
                    + dataHash);
        }
        TrainingRun run;
        try {
            run = RecipeRunner.run(recipe, bytes, parallelism, listener);
        } catch (IllegalArgumentException e) {
            return new Failure(Reason.ENGINE_REFUSED, "the engine refused the recipe or its data: " + e.getMessage());
        } catch (IllegalStateException e) {
            if (stopped.getAsBoolean() || Thread.currentThread().isInterrupted() || e.getCause() instanceof Error) {
                throw e;
            }
            // Divergence is deterministic: the recipe cannot have produced the recorded artifact.
            return new Failure(Reason.TRAINING_FAILED, "training failed: " + e.getMessage());
        }
        return run.modelHash().equals(request.artifactSha256()) ? new Match(run) : new Mismatch(run, request.artifactSha256());
    }
}
