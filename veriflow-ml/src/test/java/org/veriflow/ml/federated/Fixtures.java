package org.veriflow.ml.federated;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.random.Xoshiro256StarStar;

/** Recipes and synthetic CSVs shared by the federated tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** An MLP classifier on two features, classes "a" and "b", hidden layers 8 and 4, 2 local epochs. */
    static FederatedRecipe classifier() {
        Map<String, Object> h = new TreeMap<>();
        h.put("hiddenLayers", List.of(8, 4));
        h.put("activation", "tanh");
        h.put("optimizer", "adam");
        h.put("learningRate", new BigDecimal("0.01"));
        h.put("epochs", 2);
        h.put("batchSize", 16);
        return FederatedRecipe.of(Algorithm.MLP_CLASSIFIER, List.of("x", "y"), "label", List.of("a", "b"),
                new double[] {0.0, 0.0}, new double[] {1.0, 1.0}, h, 7);
    }

    /** A logistic regression on two features, classes "a" and "b". */
    static FederatedRecipe logistic() {
        return FederatedRecipe.of(Algorithm.LOGISTIC_REGRESSION, List.of("x", "y"), "label", List.of("a", "b"),
                new double[] {0.0, 0.0}, new double[] {1.0, 1.0}, Map.of("epochs", 3, "learningRate", 0.05), 11);
    }

    /** An MLP regressor predicting t from x and y, hidden layer 6. */
    static FederatedRecipe regressor() {
        return FederatedRecipe.of(Algorithm.MLP_REGRESSOR, List.of("x", "y"), "t", List.of(),
                new double[] {0.0, 0.0}, new double[] {1.0, 1.0},
                Map.of("hiddenLayers", List.of(6), "epochs", 3, "learningRate", 0.01), 5);
    }

    /**
     * Rows of two Gaussian blobs: class "a" around (-1, -1), class "b" around (1, 1), standard deviation
     * {@code spread}, the class drawn with probability {@code shareB} of "b".
     */
    static byte[] blobs(long seed, int rows, double shareB, double spread) {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(seed);
        StringBuilder sb = new StringBuilder("x,y,label\n");
        for (int i = 0; i < rows; i++) {
            boolean b = r.nextDouble() < shareB;
            double c = b ? 1.0 : -1.0;
            sb.append(c + spread * r.nextGaussian()).append(',').append(c + spread * r.nextGaussian()).append(',')
                    .append(b ? "b" : "a").append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Rows with t = 2x - y + noise. */
    static byte[] linear(long seed, int rows) {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(seed);
        StringBuilder sb = new StringBuilder("x,y,t\n");
        for (int i = 0; i < rows; i++) {
            double x = r.nextGaussian();
            double y = r.nextGaussian();
            sb.append(x).append(',').append(y).append(',').append(2 * x - y + 0.1 * r.nextGaussian()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
