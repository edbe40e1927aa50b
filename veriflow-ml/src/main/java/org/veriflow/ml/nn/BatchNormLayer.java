package org.veriflow.ml.nn;

import java.util.List;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Batch normalisation (Ioffe and Szegedy, 2015) over the features of a mini-batch.
 *
 * <p>Training mode normalises with the batch mean and biased batch variance, then updates the running
 * statistics as {@code running = momentum * running + (1 - momentum) * batch}, using the unbiased
 * variance {@code var * n / (n - 1)} for the running variance (the biased one when n = 1). Inference
 * mode normalises with the running statistics. Output: {@code gamma * (x - mean) / sqrt(var + epsilon)
 * + beta}.
 */
final class BatchNormLayer extends Layer {

    static final String TAG = "batch-norm";

    private final int size;
    final double momentum;
    final double epsilon;
    final Parameter gamma;
    final Parameter beta;
    final double[] runningMean;
    final double[] runningVariance;
    private boolean lastTraining;
    private Matrix xHat;
    private Matrix output;
    private Matrix gradInput;
    private final double[] mean;
    private final double[] variance;
    private final double[] invStd;
    private final double[] sumGrad;
    private final double[] sumGradXHat;

    BatchNormLayer(int size, double momentum, double epsilon, double[] gamma, double[] beta,
            double[] runningMean, double[] runningVariance) {
        if (!(momentum >= 0.0 && momentum < 1.0)) {
            throw new IllegalArgumentException("batch-norm momentum must be in [0, 1), not " + momentum);
        }
        if (!(epsilon > 0.0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("batch-norm epsilon must be positive, not " + epsilon);
        }
        for (double[] a : new double[][] {gamma, beta, runningMean, runningVariance}) {
            if (a.length != size) {
                throw new IllegalArgumentException("batch-norm statistics must have " + size + " values");
            }
        }
        this.size = size;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.gamma = new Parameter(Matrix.of(new double[][] {gamma}));
        this.beta = new Parameter(Matrix.of(new double[][] {beta}));
        this.runningMean = runningMean.clone();
        this.runningVariance = runningVariance.clone();
        this.mean = new double[size];
        this.variance = new double[size];
        this.invStd = new double[size];
        this.sumGrad = new double[size];
        this.sumGradXHat = new double[size];
    }

    static BatchNormLayer fresh(int size, double momentum, double epsilon) {
        double[] ones = new double[size];
        java.util.Arrays.fill(ones, 1.0);
        return new BatchNormLayer(size, momentum, epsilon, ones, new double[size], new double[size], ones);
    }

    @Override
    int inputSize() {
        return size;
    }

    @Override
    int outputSize() {
        return size;
    }

    @Override
    Matrix forward(Matrix in, boolean training, Parallelism parallelism) {
        requireWidth(in, size, "batch-norm layer");
        int n = in.rows();
        if (n == 0) {
            throw new IllegalArgumentException("batch-norm layer needs at least one row");
        }
        lastTraining = training;
        xHat = reuse(xHat, n, size);
        output = reuse(output, n, size);
        if (training) {
            java.util.Arrays.fill(mean, 0.0);
            for (int i = 0; i < n; i++) {
                double[] x = in.row(i);
                for (int j = 0; j < size; j++) {
                    mean[j] = mean[j] + x[j];
                }
            }
            for (int j = 0; j < size; j++) {
                mean[j] = mean[j] / n;
            }
            java.util.Arrays.fill(variance, 0.0);
            for (int i = 0; i < n; i++) {
                double[] x = in.row(i);
                for (int j = 0; j < size; j++) {
                    double d = x[j] - mean[j];
                    variance[j] = variance[j] + d * d;
                }
            }
            double unbias = n > 1 ? (double) n / (n - 1) : 1.0;
            for (int j = 0; j < size; j++) {
                variance[j] = variance[j] / n;
                invStd[j] = 1.0 / Math.sqrt(variance[j] + epsilon);
                runningMean[j] = momentum * runningMean[j] + (1.0 - momentum) * mean[j];
                runningVariance[j] = momentum * runningVariance[j] + (1.0 - momentum) * (variance[j] * unbias);
            }
            normalise(in, mean, invStd, xHat, output);
        } else {
            for (int j = 0; j < size; j++) {
                invStd[j] = 1.0 / Math.sqrt(runningVariance[j] + epsilon);
            }
            normalise(in, runningMean, invStd, xHat, output);
        }
        return output;
    }

    private void normalise(Matrix in, double[] centre, double[] scale, Matrix normalised, Matrix out) {
        double[] g = gamma.value.row(0);
        double[] b = beta.value.row(0);
        for (int i = 0; i < in.rows(); i++) {
            double[] x = in.row(i);
            double[] h = normalised.row(i);
            double[] y = out.row(i);
            for (int j = 0; j < size; j++) {
                h[j] = (x[j] - centre[j]) * scale[j];
                y[j] = g[j] * h[j] + b[j];
            }
        }
    }

    @Override
    Matrix backward(Matrix gradOutput, boolean inputGradient, Parallelism parallelism) {
        int n = gradOutput.rows();
        java.util.Arrays.fill(sumGrad, 0.0);
        java.util.Arrays.fill(sumGradXHat, 0.0);
        for (int i = 0; i < n; i++) {
            double[] g = gradOutput.row(i);
            double[] h = xHat.row(i);
            for (int j = 0; j < size; j++) {
                sumGrad[j] = sumGrad[j] + g[j];
                sumGradXHat[j] = sumGradXHat[j] + g[j] * h[j];
            }
        }
        System.arraycopy(sumGradXHat, 0, gamma.grad.row(0), 0, size);
        System.arraycopy(sumGrad, 0, beta.grad.row(0), 0, size);
        if (!inputGradient) {
            return null;
        }
        gradInput = reuse(gradInput, n, size);
        double[] gm = gamma.value.row(0);
        for (int i = 0; i < n; i++) {
            double[] g = gradOutput.row(i);
            double[] h = xHat.row(i);
            double[] d = gradInput.row(i);
            if (lastTraining) {
                for (int j = 0; j < size; j++) {
                    d[j] = gm[j] * invStd[j] / n * (n * g[j] - sumGrad[j] - h[j] * sumGradXHat[j]);
                }
            } else {
                for (int j = 0; j < size; j++) {
                    d[j] = g[j] * gm[j] * invStd[j];
                }
            }
        }
        return gradInput;
    }

    @Override
    Matrix infer(Matrix in, Parallelism parallelism) {
        requireWidth(in, size, "batch-norm layer");
        double[] scale = new double[size];
        for (int j = 0; j < size; j++) {
            scale[j] = 1.0 / Math.sqrt(runningVariance[j] + epsilon);
        }
        Matrix out = Matrix.zeros(in.rows(), size);
        normalise(in, runningMean, scale, Matrix.zeros(in.rows(), size), out);
        return out;
    }

    @Override
    List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    List<double[]> state() {
        return List.of(gamma.value.row(0), beta.value.row(0), runningMean, runningVariance);
    }

    @Override
    String tag() {
        return TAG;
    }

    @Override
    void writeBody(CanonicalOutput out) {
        out.writeInt(size).writeDouble(momentum).writeDouble(epsilon);
        out.writeDoubles(gamma.value.row(0)).writeDoubles(beta.value.row(0));
        out.writeDoubles(runningMean).writeDoubles(runningVariance);
    }

    @Override
    Layer copy() {
        return new BatchNormLayer(size, momentum, epsilon, gamma.value.row(0).clone(), beta.value.row(0).clone(),
                runningMean, runningVariance);
    }
}
