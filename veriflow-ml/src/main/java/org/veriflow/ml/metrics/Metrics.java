package org.veriflow.ml.metrics;

import java.util.List;
import org.veriflow.ml.tensor.Matrix;

/**
 * Evaluation metrics. Every sum runs over the rows in order; inputs are not modified.
 *
 * @see ConfusionMatrix
 */
public final class Metrics {

    private Metrics() {
    }

    private static void requirePaired(int actual, int predicted) {
        if (actual != predicted) {
            throw new IllegalArgumentException("got " + actual + " true values but " + predicted + " predictions");
        }
        if (actual == 0) {
            throw new IllegalArgumentException("a metric needs at least one value");
        }
    }

    /** Mean squared error. @throws IllegalArgumentException if the lengths differ or are 0 */
    public static double meanSquaredError(double[] actual, double[] predicted) {
        requirePaired(actual.length, predicted.length);
        double sum = 0.0;
        for (int i = 0; i < actual.length; i++) {
            double d = predicted[i] - actual[i];
            sum += d * d;
        }
        return sum / actual.length;
    }

    /** Mean absolute error. @throws IllegalArgumentException if the lengths differ or are 0 */
    public static double meanAbsoluteError(double[] actual, double[] predicted) {
        requirePaired(actual.length, predicted.length);
        double sum = 0.0;
        for (int i = 0; i < actual.length; i++) {
            sum += Math.abs(predicted[i] - actual[i]);
        }
        return sum / actual.length;
    }

    /**
     * Coefficient of determination {@code 1 - SS_res / SS_tot}; 0 when the actual values are constant
     * and predicted exactly, negative infinity when they are constant and predicted wrongly.
     *
     * @throws IllegalArgumentException if the lengths differ or are 0
     */
    public static double r2(double[] actual, double[] predicted) {
        requirePaired(actual.length, predicted.length);
        double mean = 0.0;
        for (double a : actual) {
            mean += a;
        }
        mean /= actual.length;
        double ssRes = 0.0;
        double ssTot = 0.0;
        for (int i = 0; i < actual.length; i++) {
            double r = actual[i] - predicted[i];
            double t = actual[i] - mean;
            ssRes += r * r;
            ssTot += t * t;
        }
        if (ssTot == 0.0) {
            return ssRes == 0.0 ? 0.0 : Double.NEGATIVE_INFINITY;
        }
        return 1.0 - ssRes / ssTot;
    }

    /** Share of equal labels. @throws IllegalArgumentException if the sizes differ or are 0 */
    public static double accuracy(List<String> actual, List<String> predicted) {
        requirePaired(actual.size(), predicted.size());
        long correct = 0;
        for (int i = 0; i < actual.size(); i++) {
            if (actual.get(i).equals(predicted.get(i))) {
                correct++;
            }
        }
        return (double) correct / actual.size();
    }

    /**
     * Mean negative log-likelihood of the true classes, probabilities clipped to [1e-15, 1].
     *
     * @param classes       class names in the column order of {@code probabilities}
     * @throws IllegalArgumentException if sizes differ or a true label is not among {@code classes}
     */
    public static double logLoss(List<String> actual, Matrix probabilities, List<String> classes) {
        requirePaired(actual.size(), probabilities.rows());
        if (probabilities.cols() != classes.size()) {
            throw new IllegalArgumentException("probabilities have " + probabilities.cols() + " columns for "
                    + classes.size() + " classes");
        }
        double sum = 0.0;
        for (int i = 0; i < actual.size(); i++) {
            int k = classes.indexOf(actual.get(i));
            if (k < 0) {
                throw new IllegalArgumentException("label '" + actual.get(i) + "' is not among the classes " + classes);
            }
            double p = Math.min(1.0, Math.max(1e-15, probabilities.get(i, k)));
            sum -= StrictMath.log(p);
        }
        return sum / actual.size();
    }

    /**
     * Area under the ROC curve of {@code scores} for the positives: the probability that a random
     * positive scores above a random negative, ties counting one half (Mann–Whitney).
     *
     * @throws IllegalArgumentException if sizes differ, or there is no positive or no negative
     */
    public static double rocAuc(boolean[] positive, double[] scores) {
        requirePaired(positive.length, scores.length);
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        long positives = 0;
        for (boolean p : positive) {
            positives += p ? 1 : 0;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("ROC AUC needs positives and negatives, got " + positives + " and "
                    + negatives);
        }
        double rankSum = 0.0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1.0;
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSum += averageRank;
                }
            }
            i = j + 1;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
