package org.veriflow.ml.recipe;

import org.veriflow.ml.metrics.ConfusionMatrix;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.metrics.History;
import org.veriflow.ml.model.Model;

/**
 * The result of running a {@link Recipe}.
 *
 * @param recipe         the recipe run
 * @param recipeHash     its hash
 * @param model          the fitted model
 * @param modelHash      SHA-256 of the model's canonical file
 * @param history        per-epoch history for network models, empty otherwise
 * @param metrics        evaluation metrics by name ({@code train.mse}, {@code validation.accuracy},
 *                       {@code test.auc}, ...), sorted
 * @param trainRows      rows in the training split
 * @param validationRows rows in the validation split
 * @param testRows       rows in the test split
 * @param confusion      for classifiers, the confusion matrix of each non-empty split by name ({@code
 *                       train}, {@code validation}, {@code test}); empty otherwise
 */
public record TrainingRun(Recipe recipe, Sha256 recipeHash, Model model, Sha256 modelHash,
        Optional<History> history, SortedMap<String, Double> metrics, int trainRows, int validationRows,
        int testRows, SortedMap<String, ConfusionMatrix> confusion) {

    public TrainingRun {
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(recipeHash, "recipeHash");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelHash, "modelHash");
        Objects.requireNonNull(history, "history");
        metrics = Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
        confusion = Collections.unmodifiableSortedMap(new TreeMap<>(confusion));
    }
}
