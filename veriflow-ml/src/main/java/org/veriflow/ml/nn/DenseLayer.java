package org.veriflow.ml.nn;

import java.util.ArrayList;
import java.util.List;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.tensor.Kernels;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/** Fully connected layer {@code y = x · W + b}, with W stored inputs×outputs. */
final class DenseLayer extends Layer {

    static final String TAG = "dense";

    final Parameter weights;
    final Parameter bias;
    private Matrix input;
    private Matrix output;
    private Matrix gradInput;
    private Matrix transposed;

    DenseLayer(Matrix weights, double[] bias) {
        if (bias.length != weights.cols()) {
            throw new IllegalArgumentException(
                    "dense bias has " + bias.length + " values for " + weights.cols() + " outputs");
        }
        this.weights = new Parameter(weights);
        this.bias = new Parameter(Matrix.of(new double[][] {bias}));
    }

    @Override
    int inputSize() {
        return weights.value.rows();
    }

    @Override
    int outputSize() {
        return weights.value.cols();
    }

    @Override
    Matrix forward(Matrix in, boolean training, Parallelism parallelism) {
        requireWidth(in, inputSize(), "dense layer");
        input = in;
        output = reuse(output, in.rows(), outputSize());
        Kernels.multiply(in, weights.value, bias.value.row(0), output, parallelism);
        return output;
    }

    @Override
    Matrix backward(Matrix gradOutput, boolean inputGradient, Parallelism parallelism) {
        Kernels.multiplyTransposedA(input, gradOutput, weights.grad, parallelism);
        Kernels.sumRows(gradOutput, bias.grad.row(0));
        if (!inputGradient) {
            return null;
        }
        gradInput = reuse(gradInput, gradOutput.rows(), inputSize());
        transposed = reuse(transposed, outputSize(), inputSize());
        Kernels.multiplyTransposedB(gradOutput, weights.value, transposed, gradInput, parallelism);
        return gradInput;
    }

    @Override
    Matrix infer(Matrix in, Parallelism parallelism) {
        requireWidth(in, inputSize(), "dense layer");
        Matrix out = Matrix.zeros(in.rows(), outputSize());
        Kernels.multiply(in, weights.value, bias.value.row(0), out, parallelism);
        return out;
    }

    @Override
    List<Parameter> parameters() {
        return List.of(weights, bias);
    }

    @Override
    List<double[]> state() {
        List<double[]> arrays = new ArrayList<>(inputSize() + 1);
        for (int i = 0; i < inputSize(); i++) {
            arrays.add(weights.value.row(i));
        }
        arrays.add(bias.value.row(0));
        return arrays;
    }

    @Override
    String tag() {
        return TAG;
    }

    @Override
    void writeBody(CanonicalOutput out) {
        out.writeInt(inputSize()).writeInt(outputSize());
        for (int i = 0; i < inputSize(); i++) {
            out.writeDoubles(weights.value.row(i));
        }
        out.writeDoubles(bias.value.row(0));
    }

    @Override
    Layer copy() {
        return new DenseLayer(weights.value.copy(), bias.value.row(0).clone());
    }
}
