package org.veriflow.ml.nn;

import org.veriflow.ml.tensor.Matrix;

/**
 * A metric tracked per epoch next to the loss, accumulated over mini-batches as a total divided by a
 * count.
 */
public interface EpochMetric {

    /** Column name in the history ({@code accuracy}, {@code mae}). */
    String name();

    /** Sum of the metric's terms over a batch of network outputs and targets. */
    double batchTotal(Matrix output, Matrix target);

    /** Number of terms the batch contributes. */
    long count(Matrix target);

    /**
     * Classification accuracy: the arg-max of a row's scores (first index on ties) against the arg-max
     * of its one-hot target; with one output column, a positive score means class 1.
     */
    static EpochMetric accuracy() {
        return new EpochMetric() {
            @Override
            public String name() {
                return "accuracy";
            }

            @Override
            public double batchTotal(Matrix output, Matrix target) {
                long correct = 0;
                for (int i = 0; i < output.rows(); i++) {
                    if (output.cols() == 1) {
                        boolean predicted = output.get(i, 0) > 0.0;
                        boolean actual = target.get(i, 0) >= 0.5;
                        correct += predicted == actual ? 1 : 0;
                    } else {
                        correct += argMax(output.row(i)) == argMax(target.row(i)) ? 1 : 0;
                    }
                }
                return correct;
            }

            @Override
            public long count(Matrix target) {
                return target.rows();
            }
        };
    }

    /**
     * Mean absolute error over all outputs, multiplied by {@code scale} (the target's standard
     * deviation when the network predicts standardised targets, to report it in original units).
     */
    static EpochMetric meanAbsoluteError(double scale) {
        return new EpochMetric() {
            @Override
            public String name() {
                return "mae";
            }

            @Override
            public double batchTotal(Matrix output, Matrix target) {
                double total = 0.0;
                for (int i = 0; i < output.rows(); i++) {
                    double[] o = output.row(i);
                    double[] t = target.row(i);
                    for (int j = 0; j < o.length; j++) {
                        total += Math.abs(o[j] - t[j]) * scale;
                    }
                }
                return total;
            }

            @Override
            public long count(Matrix target) {
                return (long) target.rows() * target.cols();
            }
        };
    }

    /** Index of the largest value, the first one on ties. */
    static int argMax(double[] values) {
        int best = 0;
        for (int j = 1; j < values.length; j++) {
            if (values[j] > values[best]) {
                best = j;
            }
        }
        return best;
    }
}
