package org.veriflow.ml.nn;

import org.veriflow.ml.tensor.Matrix;

/**
 * Loss functions over a batch. Every loss is a mean over the batch, so gradients are divided by the
 * batch size; the networks' last layer produces raw scores (logits) for the classification losses.
 */
public enum Loss {
    /** {@code mean over rows and columns of (output - target)^2}. */
    MEAN_SQUARED_ERROR("mse"),
    /**
     * Softmax over each row of logits followed by cross-entropy {@code -sum_k target_k log p_k},
     * averaged over rows; targets are one-hot (or any probability rows).
     */
    SOFTMAX_CROSS_ENTROPY("softmax-cross-entropy"),
    /**
     * Sigmoid of each logit followed by binary cross-entropy, averaged over rows and columns, computed
     * stably as {@code max(z, 0) - z*t + log(1 + e^-|z|)}; targets in [0, 1].
     */
    BINARY_CROSS_ENTROPY("binary-cross-entropy");

    private final String id;

    Loss(String id) {
        this.id = id;
    }

    /** The name used in model files and histories. */
    public String id() {
        return id;
    }

    /**
     * Returns the mean loss of {@code output} against {@code target} and, if {@code gradient} is not
     * null, writes d(loss)/d(output) into it.
     *
     * @throws IllegalArgumentException if the shapes differ or the batch is empty
     */
    public double evaluate(Matrix output, Matrix target, Matrix gradient) {
        output.requireSameShape(target, id + " loss target");
        if (gradient != null) {
            output.requireSameShape(gradient, id + " loss gradient");
        }
        int n = output.rows();
        int m = output.cols();
        if (n == 0 || m == 0) {
            throw new IllegalArgumentException(id + " loss of an empty batch");
        }
        return switch (this) {
            case MEAN_SQUARED_ERROR -> meanSquaredError(output, target, gradient, n, m);
            case SOFTMAX_CROSS_ENTROPY -> softmaxCrossEntropy(output, target, gradient, n, m);
            case BINARY_CROSS_ENTROPY -> binaryCrossEntropy(output, target, gradient, n, m);
        };
    }

    private static double meanSquaredError(Matrix output, Matrix target, Matrix gradient, int n, int m) {
        double total = 0.0;
        double count = (double) n * m;
        for (int i = 0; i < n; i++) {
            double[] o = output.row(i);
            double[] t = target.row(i);
            for (int j = 0; j < m; j++) {
                double d = o[j] - t[j];
                total += d * d;
            }
            if (gradient != null) {
                double[] g = gradient.row(i);
                for (int j = 0; j < m; j++) {
                    g[j] = 2.0 * (o[j] - t[j]) / count;
                }
            }
        }
        return total / count;
    }

    private static double softmaxCrossEntropy(Matrix output, Matrix target, Matrix gradient, int n, int m) {
        double total = 0.0;
        double[] p = new double[m];
        for (int i = 0; i < n; i++) {
            double[] z = output.row(i);
            double[] t = target.row(i);
            double logSumExp = softmax(z, p);
            double rowLoss = 0.0;
            for (int j = 0; j < m; j++) {
                if (t[j] != 0.0) {
                    rowLoss -= t[j] * (z[j] - logSumExp);
                }
            }
            total += rowLoss;
            if (gradient != null) {
                double[] g = gradient.row(i);
                for (int j = 0; j < m; j++) {
                    g[j] = (p[j] - t[j]) / n;
                }
            }
        }
        return total / n;
    }

    /**
     * Writes softmax(z) into {@code p} and returns log(sum(exp(z))), shifting by the maximum first.
     */
    static double softmax(double[] z, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0.0;
        for (int j = 0; j < z.length; j++) {
            p[j] = StrictMath.exp(z[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < z.length; j++) {
            p[j] = p[j] / sum;
        }
        return max + StrictMath.log(sum);
    }

    private static double binaryCrossEntropy(Matrix output, Matrix target, Matrix gradient, int n, int m) {
        double total = 0.0;
        double count = (double) n * m;
        for (int i = 0; i < n; i++) {
            double[] z = output.row(i);
            double[] t = target.row(i);
            double[] g = gradient == null ? null : gradient.row(i);
            for (int j = 0; j < m; j++) {
                double zj = z[j];
                total += Math.max(zj, 0.0) - zj * t[j] + StrictMath.log1p(StrictMath.exp(-Math.abs(zj)));
                if (g != null) {
                    g[j] = (Activation.sigmoid(zj) - t[j]) / count;
                }
            }
        }
        return total / count;
    }
}
