package org.veriflow.ml.nn;

import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/** Applies an {@link Activation} element-wise. */
final class ActivationLayer extends Layer {

    final Activation activation;
    private final int size;
    private Matrix input;
    private Matrix output;
    private Matrix gradInput;

    ActivationLayer(Activation activation, int size) {
        this.activation = activation;
        this.size = size;
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
        requireWidth(in, size, activation.id() + " layer");
        input = in;
        output = reuse(output, in.rows(), size);
        apply(in, output);
        return output;
    }

    private void apply(Matrix in, Matrix out) {
        for (int i = 0; i < in.rows(); i++) {
            double[] x = in.row(i);
            double[] y = out.row(i);
            if (activation == Activation.RELU) {
                for (int j = 0; j < size; j++) {
                    y[j] = x[j] > 0.0 ? x[j] : 0.0;
                }
            } else {
                for (int j = 0; j < size; j++) {
                    y[j] = activation.apply(x[j]);
                }
            }
        }
    }

    @Override
    Matrix backward(Matrix gradOutput, boolean inputGradient, Parallelism parallelism) {
        if (!inputGradient) {
            return null;
        }
        gradInput = reuse(gradInput, gradOutput.rows(), size);
        for (int i = 0; i < gradOutput.rows(); i++) {
            double[] g = gradOutput.row(i);
            double[] x = input.row(i);
            double[] y = output.row(i);
            double[] d = gradInput.row(i);
            if (activation == Activation.RELU) {
                for (int j = 0; j < size; j++) {
                    d[j] = x[j] > 0.0 ? g[j] : 0.0;
                }
            } else {
                for (int j = 0; j < size; j++) {
                    d[j] = g[j] * activation.derivative(x[j], y[j]);
                }
            }
        }
        return gradInput;
    }

    @Override
    Matrix infer(Matrix in, Parallelism parallelism) {
        requireWidth(in, size, activation.id() + " layer");
        Matrix out = Matrix.zeros(in.rows(), size);
        apply(in, out);
        return out;
    }

    @Override
    String tag() {
        return activation.id();
    }

    @Override
    void writeBody(CanonicalOutput out) {
        out.writeInt(size);
    }

    @Override
    Layer copy() {
        return new ActivationLayer(activation, size);
    }
}
