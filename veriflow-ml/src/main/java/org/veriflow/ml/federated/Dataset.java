package org.veriflow.ml.federated;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.veriflow.ml.data.CsvReader;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.tensor.Matrix;

/**
 * A CSV read for a federated recipe: the feature matrix in original units and the label as class
 * indices (classifiers) or target values (regressor). Immutable after construction.
 */
final class Dataset {

    final FederatedRecipe recipe;
    /** Features in original units, rows × features. Never modified. */
    final Matrix features;
    /** Class index per row (classifiers), or null. */
    final int[] classIndex;
    /** Labels as read (classifiers), or null. */
    final List<String> labels;
    /** Target per row (regressor), or null. */
    final double[] targets;

    private Dataset(FederatedRecipe recipe, Matrix features, int[] classIndex, List<String> labels, double[] targets) {
        this.recipe = recipe;
        this.features = features;
        this.classIndex = classIndex;
        this.labels = labels;
        this.targets = targets;
    }

    /**
     * Reads {@code csv}: the features as numbers, the label as a category (classifiers) or a number
     * (regressor).
     *
     * @throws IllegalArgumentException if the CSV is malformed or empty, a column is missing, a value is
     *     not a finite number, or a label is not one of the recipe's classes
     */
    static Dataset read(FederatedRecipe recipe, byte[] csv, String what) {
        List<String> numeric = new ArrayList<>(recipe.features());
        boolean classifier = recipe.classifier();
        if (!classifier) {
            numeric.add(recipe.label());
        }
        Table table;
        try {
            table = CsvReader.read(csv, numeric, classifier ? recipe.label() : null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + what + " CSV does not fit the recipe: " + e.getMessage(), e);
        }
        Matrix x = table.matrix(recipe.features());
        if (!classifier) {
            return new Dataset(recipe, x, null, null, table.column(recipe.label()));
        }
        List<String> labels = table.labels();
        int[] index = new int[labels.size()];
        for (int i = 0; i < index.length; i++) {
            int k = Collections.binarySearch(recipe.classes(), labels.get(i));
            if (k < 0) {
                throw new IllegalArgumentException("the " + what + " CSV's label '" + labels.get(i) + "' at row "
                        + (i + 1) + " is not one of the recipe's classes " + recipe.classes());
            }
            index[i] = k;
        }
        return new Dataset(recipe, x, index, labels, null);
    }

    int rows() {
        return features.rows();
    }

    /** The network's targets: one-hot rows, a single 0/1 column (binary logistic regression), or values. */
    Matrix networkTargets() {
        int n = rows();
        if (!recipe.classifier()) {
            return Matrix.column(targets);
        }
        boolean oneLogit = recipe.algorithm() == Algorithm.LOGISTIC_REGRESSION && recipe.classes().size() == 2;
        Matrix y = Matrix.zeros(n, oneLogit ? 1 : recipe.classes().size());
        for (int i = 0; i < n; i++) {
            if (oneLogit) {
                y.set(i, 0, classIndex[i]);
            } else {
                y.set(i, classIndex[i], 1.0);
            }
        }
        return y;
    }
}
