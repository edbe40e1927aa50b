package org.veriflow.ml.metrics;

import java.util.List;

/**
 * Counts of (true class, predicted class) pairs. Immutable; arrays are copied in and out.
 *
 * @param classes class names, the order of rows (true) and columns (predicted)
 */
public record ConfusionMatrix(List<String> classes, long[][] counts) {

    /**
     * @throws IllegalArgumentException if {@code counts} is not square of the class count or holds a
     *     negative count
     */
    public ConfusionMatrix {
        classes = List.copyOf(classes);
        if (counts.length != classes.size()) {
            throw new IllegalArgumentException("confusion matrix needs " + classes.size() + " rows, got " + counts.length);
        }
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            if (counts[i].length != classes.size()) {
                throw new IllegalArgumentException("confusion matrix row " + i + " has " + counts[i].length
                        + " columns, expected " + classes.size());
            }
            for (long c : counts[i]) {
                if (c < 0) {
                    throw new IllegalArgumentException("confusion matrix counts must not be negative");
                }
            }
            copy[i] = counts[i].clone();
        }
        counts = copy;
    }

    /**
     * Tallies {@code actual} against {@code predicted}.
     *
     * @throws IllegalArgumentException if sizes differ or a label is not among {@code classes}
     */
    public static ConfusionMatrix of(List<String> classes, List<String> actual, List<String> predicted) {
        if (actual.size() != predicted.size()) {
            throw new IllegalArgumentException("got " + actual.size() + " true labels but " + predicted.size()
                    + " predictions");
        }
        long[][] counts = new long[classes.size()][classes.size()];
        for (int i = 0; i < actual.size(); i++) {
            counts[index(classes, actual.get(i))][index(classes, predicted.get(i))]++;
        }
        return new ConfusionMatrix(classes, counts);
    }

    private static int index(List<String> classes, String label) {
        int k = classes.indexOf(label);
        if (k < 0) {
            throw new IllegalArgumentException("label '" + label + "' is not among the classes " + classes);
        }
        return k;
    }

    @Override
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    /** Count of rows of class {@code actual} predicted as {@code predicted}. */
    public long count(String actual, String predicted) {
        return counts[index(classes, actual)][index(classes, predicted)];
    }

    /** Share of the diagonal. */
    public double accuracy() {
        long total = 0;
        long diagonal = 0;
        for (int i = 0; i < counts.length; i++) {
            for (int j = 0; j < counts.length; j++) {
                total += counts[i][j];
            }
            diagonal += counts[i][i];
        }
        return total == 0 ? 0.0 : (double) diagonal / total;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && classes.equals(m.classes)
                && java.util.Arrays.deepEquals(counts, m.counts);
    }

    @Override
    public int hashCode() {
        return classes.hashCode() * 31 + java.util.Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ConfusionMatrix[classes=").append(classes);
        for (long[] row : counts) {
            sb.append(", ").append(java.util.Arrays.toString(row));
        }
        return sb.append(']').toString();
    }
}
