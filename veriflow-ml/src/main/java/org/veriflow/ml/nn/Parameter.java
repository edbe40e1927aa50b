package org.veriflow.ml.nn;

import org.veriflow.ml.tensor.Matrix;

/** A trainable tensor and the gradient the last backward pass wrote for it. */
final class Parameter {

    final Matrix value;
    final Matrix grad;

    Parameter(Matrix value) {
        this.value = value;
        this.grad = Matrix.zeros(value.rows(), value.cols());
    }
}
