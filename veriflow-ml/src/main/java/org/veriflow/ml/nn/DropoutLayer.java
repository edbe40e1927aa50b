package org.veriflow.ml.nn;

import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Inverted dropout: in training mode each element is kept with probability {@code 1 - rate} and scaled
 * by {@code 1 / (1 - rate)}; in inference mode the layer is the identity. The mask is drawn row by row,
 * element by element, from the layer's own seeded generator ({@code nextDouble() >= rate} keeps).
 */
final class DropoutLayer extends Layer {

    static final String TAG = "dropout";

    private final int size;
    final double rate;
    private Xoshiro256StarStar random;
    private Matrix mask;
    private Matrix output;
    private Matrix gradInput;

    DropoutLayer(int size, double rate, long seed) {
        if (!(rate >= 0.0 && rate < 1.0)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), not " + rate);
        }
        this.size = size;
        this.rate = rate;
        this.random = Xoshiro256StarStar.create(seed);
    }

    /** Restarts the mask stream; tests use it to replay one mask. */
    void reseed(long seed) {
        random = Xoshiro256StarStar.create(seed);
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
        requireWidth(in, size, "dropout layer");
        int n = in.rows();
        mask = reuse(mask, n, size);
        output = reuse(output, n, size);
        double keepScale = 1.0 / (1.0 - rate);
        for (int i = 0; i < n; i++) {
            double[] m = mask.row(i);
            if (training) {
                for (int j = 0; j < size; j++) {
                    m[j] = random.nextDouble() >= rate ? keepScale : 0.0;
                }
            } else {
                java.util.Arrays.fill(m, 1.0);
            }
            double[] x = in.row(i);
            double[] y = output.row(i);
            for (int j = 0; j < size; j++) {
                y[j] = x[j] * m[j];
            }
        }
        return output;
    }

    @Override
    Matrix backward(Matrix gradOutput, boolean inputGradient, Parallelism parallelism) {
        if (!inputGradient) {
            return null;
        }
        gradInput = reuse(gradInput, gradOutput.rows(), size);
        for (int i = 0; i < gradOutput.rows(); i++) {
            double[] g = gradOutput.row(i);
            double[] m = mask.row(i);
            double[] d = gradInput.row(i);
            for (int j = 0; j < size; j++) {
                d[j] = g[j] * m[j];
            }
        }
        return gradInput;
    }

    @Override
    Matrix infer(Matrix in, Parallelism parallelism) {
        requireWidth(in, size, "dropout layer");
        return in.copy();
    }

    @Override
    String tag() {
        return TAG;
    }

    @Override
    void writeBody(CanonicalOutput out) {
        out.writeInt(size).writeDouble(rate);
    }

    @Override
    Layer copy() {
        return new DropoutLayer(size, rate, 0L);
    }
}
