package org.veriflow.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/** Analytic gradients against central finite differences, for every layer and loss. */
class GradientCheckTest {

    private static final double H = 1e-6;
    private static final Parallelism SEQ = Parallelism.sequential();

    private static Matrix random(int rows, int cols, long seed, double scale) {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(seed);
        Matrix m = Matrix.zeros(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m.set(i, j, scale * r.nextGaussian());
            }
        }
        return m;
    }

    /** Sum of R ⊙ out: a scalar whose gradient with respect to out is R. */
    private static double project(Matrix out, Matrix r) {
        double s = 0;
        for (int i = 0; i < out.rows(); i++) {
            for (int j = 0; j < out.cols(); j++) {
                s += out.get(i, j) * r.get(i, j);
            }
        }
        return s;
    }

    /** Central difference of f at every element of target, compared with analytic; returns failures. */
    private static List<String> compare(String what, Matrix target, Matrix analytic, DoubleSupplier f) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < target.rows(); i++) {
            for (int j = 0; j < target.cols(); j++) {
                double saved = target.get(i, j);
                target.set(i, j, saved + H);
                double plus = f.getAsDouble();
                target.set(i, j, saved - H);
                double minus = f.getAsDouble();
                target.set(i, j, saved);
                double numeric = (plus - minus) / (2 * H);
                double exact = analytic.get(i, j);
                double error = Math.abs(numeric - exact) / Math.max(1.0, Math.abs(numeric) + Math.abs(exact));
                if (error > 1e-6) {
                    failures.add(what + "[" + i + "," + j + "] numeric " + numeric + " analytic " + exact);
                }
            }
        }
        return failures;
    }

    private static void checkLayer(Layer layer, Matrix input, boolean training, Runnable beforeForward) {
        Matrix r = random(input.rows(), layer.outputSize(), 99, 1.0);
        DoubleSupplier f = () -> {
            beforeForward.run();
            return project(layer.forward(input, training, SEQ), r);
        };
        beforeForward.run();
        layer.forward(input, training, SEQ);
        Matrix gradInput = layer.backward(r, true, SEQ).copy();
        List<Matrix> paramGrads = new ArrayList<>();
        for (Parameter p : layer.parameters()) {
            paramGrads.add(p.grad.copy());
        }
        List<String> failures = new ArrayList<>(compare("input", input, gradInput, f));
        for (int k = 0; k < paramGrads.size(); k++) {
            failures.addAll(compare("parameter " + k, layer.parameters().get(k).value, paramGrads.get(k), f));
        }
        assertThat(failures).as(layer.tag()).isEmpty();
    }

    @Test
    void dense_gradients_matchFiniteDifferences() {
        DenseLayer dense = new DenseLayer(random(4, 3, 1, 0.5), random(1, 3, 2, 0.5).row(0));
        checkLayer(dense, random(5, 4, 3, 1.0), true, () -> { });
    }

    @Test
    void activations_gradients_matchFiniteDifferences() {
        Matrix input = random(6, 5, 4, 1.0);
        for (int i = 0; i < input.rows(); i++) {
            for (int j = 0; j < input.cols(); j++) {
                if (Math.abs(input.get(i, j)) < 0.01) {
                    input.set(i, j, 0.5); // keep ReLU away from its kink
                }
            }
        }
        for (Activation a : Activation.values()) {
            checkLayer(new ActivationLayer(a, 5), input, true, () -> { });
        }
    }

    @Test
    void batchNormTraining_gradients_matchFiniteDifferences() {
        BatchNormLayer bn = new BatchNormLayer(4, 0.9, 1e-3, random(1, 4, 5, 1.0).row(0), random(1, 4, 6, 1.0).row(0),
                new double[4], new double[] {1, 1, 1, 1});
        checkLayer(bn, random(7, 4, 7, 2.0), true, () -> { });
    }

    @Test
    void batchNormInference_gradients_matchFiniteDifferences() {
        BatchNormLayer bn = new BatchNormLayer(3, 0.9, 1e-3, new double[] {1.5, -0.5, 2}, new double[] {0.1, 0.2, 0.3},
                new double[] {0.5, -1, 2}, new double[] {2, 0.5, 1.5});
        checkLayer(bn, random(4, 3, 8, 1.0), false, () -> { });
    }

    @Test
    void dropout_gradients_matchFiniteDifferencesWithFixedMask() {
        DropoutLayer dropout = new DropoutLayer(6, 0.4, 1);
        checkLayer(dropout, random(5, 6, 9, 1.0), true, () -> dropout.reseed(1234));
    }

    private static void checkLoss(Loss loss, Matrix output, Matrix target) {
        Matrix grad = Matrix.zeros(output.rows(), output.cols());
        loss.evaluate(output, target, grad);
        List<String> failures = compare(loss.id(), output, grad, () -> loss.evaluate(output, target, null));
        assertThat(failures).isEmpty();
    }

    @Test
    void meanSquaredError_gradient_matchesFiniteDifferences() {
        checkLoss(Loss.MEAN_SQUARED_ERROR, random(5, 3, 10, 1.0), random(5, 3, 11, 1.0));
    }

    @Test
    void softmaxCrossEntropy_gradient_matchesFiniteDifferences() {
        Matrix target = Matrix.zeros(6, 4);
        for (int i = 0; i < 6; i++) {
            target.set(i, i % 4, 1.0);
        }
        checkLoss(Loss.SOFTMAX_CROSS_ENTROPY, random(6, 4, 12, 2.0), target);
    }

    @Test
    void binaryCrossEntropy_gradient_matchesFiniteDifferences() {
        Matrix target = Matrix.of(new double[][] {{0, 1}, {1, 0.3}, {1, 1}, {0, 0}});
        checkLoss(Loss.BINARY_CROSS_ENTROPY, random(4, 2, 13, 3.0), target);
    }

    @Test
    void network_parameterGradients_matchFiniteDifferences() {
        Network net = Network.builder(3, 5).dense(6).batchNorm(0.9, 1e-3).activation(Activation.TANH).dense(4)
                .activation(Activation.SIGMOID).dense(2).build();
        Matrix x = random(8, 3, 14, 1.0);
        Matrix y = Matrix.zeros(8, 2);
        for (int i = 0; i < 8; i++) {
            y.set(i, i % 2, 1.0);
        }
        Matrix out = net.forward(x, true, SEQ);
        Matrix grad = Matrix.zeros(8, 2);
        Loss.SOFTMAX_CROSS_ENTROPY.evaluate(out, y, grad);
        net.backward(grad, SEQ);
        List<String> failures = new ArrayList<>();
        DoubleSupplier f = () -> Loss.SOFTMAX_CROSS_ENTROPY.evaluate(net.forward(x, true, SEQ), y, null);
        List<Parameter> parameters = net.parameters();
        List<Matrix> analytic = new ArrayList<>();
        for (Parameter p : parameters) {
            analytic.add(p.grad.copy());
        }
        for (int k = 0; k < parameters.size(); k++) {
            failures.addAll(compare("parameter " + k, parameters.get(k).value, analytic.get(k), f));
        }
        assertThat(failures).isEmpty();
        assertThat(parameters).hasSize(8);
    }

    @Test
    void network_inputGradient_matchesFiniteDifferences() {
        Network net = Network.builder(3, 6).dense(5).activation(Activation.TANH).dense(2).build();
        double[] x = {0.3, -1.2, 0.8};
        double[] grad = net.inputGradient(x, 1);
        for (int j = 0; j < 3; j++) {
            double[] plus = x.clone();
            double[] minus = x.clone();
            plus[j] += H;
            minus[j] -= H;
            double numeric = (net.predict(Matrix.of(new double[][] {plus}), SEQ).get(0, 1)
                    - net.predict(Matrix.of(new double[][] {minus}), SEQ).get(0, 1)) / (2 * H);
            assertThat(grad[j]).isCloseTo(numeric, org.assertj.core.data.Offset.offset(1e-7));
        }
    }
}
