package org.veriflow.ml.federated;

import java.util.Objects;
import org.veriflow.ml.metrics.Metrics;
import org.veriflow.ml.model.LogisticRegression;
import org.veriflow.ml.model.MlpClassifier;
import org.veriflow.ml.model.MlpRegressor;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.tensor.Matrix;

/**
 * A model's quality on every row of a CSV.
 *
 * <p>For a classifier, {@code loss} is the mean log loss (natural logarithm, probabilities clipped to
 * [1e-15, 1]) and {@code accuracy} the fraction of rows whose most probable class (the first on ties)
 * is the label. For the regressor, {@code loss} is the mean squared error and {@code accuracy} the
 * coefficient of determination R² ({@code 1 - SS_res / SS_tot}; 0 for a constant target predicted
 * exactly, negative infinity for a constant target predicted wrongly), so that higher is better for
 * both. Sums run over rows in order: the result is a pure function of the model and the bytes.
 *
 * @param loss     mean log loss or mean squared error
 * @param accuracy fraction correct (classifier) or R² (regressor)
 * @param rows     rows evaluated
 */
public record Evaluation(double loss, double accuracy, long rows) {

    /**
     * Evaluates {@code model} on all rows of {@code csv}.
     *
     * @param recipe the task's recipe (features, label, classes)
     * @param model  a model of the recipe's shape (as {@link FederatedRecipe#initialModel()} and every
     *               aggregate are)
     * @param csv    a CSV with the recipe's feature and label columns
     * @return the evaluation
     * @throws IllegalArgumentException if the model is not of the recipe's shape, the CSV is malformed or
     *     empty, a column is missing, a value is not a finite number, or a label is not one of the
     *     recipe's classes
     */
    public static Evaluation of(FederatedRecipe recipe, Model model, byte[] csv) {
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(model, "model");
        if (new ModelShape(recipe.initialModel()).parameters(model.toCanonicalBytes()) == null) {
            throw new IllegalArgumentException("the model is not of the recipe's shape (algorithm, features, label, "
                    + "classes, input scaling and architecture)");
        }
        return of(Dataset.read(recipe, csv, "evaluation"), model);
    }

    /** Evaluates a model already known to be of the recipe's shape. */
    static Evaluation of(Dataset data, Model model) {
        int n = data.rows();
        if (model instanceof MlpRegressor regressor) {
            double[] predicted = regressor.predict(data.features);
            return new Evaluation(Metrics.meanSquaredError(data.targets, predicted), Metrics.r2(data.targets, predicted),
                    n);
        }
        Matrix p = model instanceof MlpClassifier c ? c.predictProbabilities(data.features)
                : ((LogisticRegression) model).predictProbabilities(data.features);
        double loss = 0.0;
        long correct = 0;
        for (int i = 0; i < n; i++) {
            double[] row = p.row(i);
            int k = data.classIndex[i];
            loss -= StrictMath.log(Math.min(1.0, Math.max(1e-15, row[k])));
            int best = 0;
            for (int j = 1; j < row.length; j++) {
                if (row[j] > row[best]) {
                    best = j;
                }
            }
            if (best == k) {
                correct++;
            }
        }
        return new Evaluation(loss / n, (double) correct / n, n);
    }
}
