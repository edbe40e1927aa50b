package org.veriflow.ml.nn;

import java.util.List;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * One layer of a {@link Network}. {@link #forward} keeps what {@link #backward} needs; {@link #infer}
 * keeps nothing and may run concurrently with itself. Layers are not thread-safe otherwise.
 */
abstract class Layer {

    /** Number of features this layer produces. */
    abstract int outputSize();

    /** Number of features this layer expects. */
    abstract int inputSize();

    /**
     * Forward pass; in training mode batch normalisation uses batch statistics and dropout drops.
     * The returned matrix is owned by the layer and valid until the next call.
     */
    abstract Matrix forward(Matrix input, boolean training, Parallelism parallelism);

    /**
     * Backward pass for the last {@link #forward} call: writes every parameter's gradient and returns
     * the gradient with respect to the input, or null when {@code inputGradient} is false.
     */
    abstract Matrix backward(Matrix gradOutput, boolean inputGradient, Parallelism parallelism);

    /** Inference-mode forward pass that allocates its output and keeps no state. */
    abstract Matrix infer(Matrix input, Parallelism parallelism);

    /** The trainable parameters, in a fixed order. */
    List<Parameter> parameters() {
        return List.of();
    }

    /**
     * Every array that defines this layer's behaviour (parameters and running statistics), live, in a
     * fixed order: what a snapshot must copy to restore the layer.
     */
    List<double[]> state() {
        return List.of();
    }

    /** Canonical type tag written in the model file. */
    abstract String tag();

    /** Writes the layer's canonical description and state after its tag. */
    abstract void writeBody(CanonicalOutput out);

    /** Returns an independent copy with the same state. */
    abstract Layer copy();

    static Matrix reuse(Matrix buffer, int rows, int cols) {
        return buffer != null && buffer.rows() == rows && buffer.cols() == cols ? buffer : Matrix.zeros(rows, cols);
    }

    static void requireWidth(Matrix input, int expected, String layer) {
        if (input.cols() != expected) {
            throw new IllegalArgumentException(
                    layer + " expects " + expected + " input features, got " + input.cols());
        }
    }
}
