package org.veriflow.ml.federated;

import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.NetworkModels;
import org.veriflow.ml.nn.EpochMetric;
import org.veriflow.ml.nn.Loss;
import org.veriflow.ml.nn.Network;
import org.veriflow.ml.nn.Trainer;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;

/**
 * One participant's training in one round: the global model trained further on the participant's own
 * rows.
 *
 * <p>The network starts from the global model's parameters and is trained on every row of the CSV
 * (no validation split, no early stopping) for the recipe's epochs, with the recipe's optimiser and
 * learning-rate schedule starting afresh (optimiser state and update count at zero each round), the
 * rows shuffled from {@code Xoshiro256StarStar.forStream(seed, 2)} and dropout masks drawn from
 * {@code seed} as {@link Network} describes. Inputs are standardised with the recipe's fixed input
 * scaling, never refitted. The result is a pure function of the arguments, whatever the parallelism.
 */
public final class LocalTraining {

    private LocalTraining() {
    }

    /**
     * Trains the global model on {@code csv}.
     *
     * @param recipe      the task's recipe
     * @param global      the round's global model (of the recipe's shape)
     * @param csv         the participant's rows: the recipe's feature columns (numbers) and label column
     *                    (one of the classes for a classifier, a number for the regressor)
     * @param seed        the training seed, normally {@link FederatedSeeds#local}
     * @param parallelism threads for the matrix work (never changes the result)
     * @param listener    called after every epoch
     * @return the trained model, its canonical file and hash, the rows used and the local metrics
     * @throws IllegalArgumentException if the global model is not of the recipe's shape, the CSV is
     *     malformed or empty, a column is missing, a value is not a finite number, or a label is not one
     *     of the recipe's classes
     * @throws IllegalStateException    if training diverges (a non-finite loss or parameter)
     */
    public static LocalUpdate train(FederatedRecipe recipe, Model global, byte[] csv, long seed,
            Parallelism parallelism, TrainingListener listener) {
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(global, "global");
        Objects.requireNonNull(parallelism, "parallelism");
        Objects.requireNonNull(listener, "listener");
        if (new ModelShape(recipe.initialModel()).parameters(global.toCanonicalBytes()) == null) {
            throw new IllegalArgumentException("the global model is not of the recipe's shape (algorithm, features, "
                    + "label, classes, input scaling and architecture)");
        }
        Dataset data = Dataset.read(recipe, csv, "training");
        Model model = train(data, global, seed, parallelism, listener);
        Evaluation fit = Evaluation.of(data, model);
        SortedMap<String, Double> metrics = new TreeMap<>();
        metrics.put("train.loss", fit.loss());
        if (recipe.classifier()) {
            metrics.put("train.accuracy", fit.accuracy());
        }
        byte[] file = model.toCanonicalBytes();
        return new LocalUpdate(model, file, org.veriflow.ml.io.Sha256.of(file), data.rows(), metrics);
    }

    /** Trains a copy of {@code global} (known to be of the recipe's shape) on {@code data}. */
    static Model train(Dataset data, Model global, long seed, Parallelism parallelism, TrainingListener listener) {
        FederatedRecipe recipe = data.recipe;
        Network network = recipe.network(seed).withParameterValues(Parameters.of(global));
        Loss loss;
        EpochMetric metric;
        if (!recipe.classifier()) {
            loss = Loss.MEAN_SQUARED_ERROR;
            metric = EpochMetric.meanAbsoluteError(1.0);
        } else {
            loss = recipe.algorithm() == Algorithm.LOGISTIC_REGRESSION && recipe.classes().size() == 2
                    ? Loss.BINARY_CROSS_ENTROPY : Loss.SOFTMAX_CROSS_ENTROPY;
            metric = EpochMetric.accuracy();
        }
        Trainer.fit(network, loss, recipe.scaler().transform(data.features), data.networkTargets(), null, null,
                recipe.trainingConfig(seed), metric, parallelism, listener);
        double[] trained = network.parameterValues();
        for (int i = 0; i < trained.length; i++) {
            if (!Double.isFinite(trained[i])) {
                throw new IllegalStateException("local training diverged: parameter " + i + " is " + trained[i]
                        + "; lower the learning rate");
            }
        }
        return NetworkModels.withNetwork(global, network);
    }
}
