package org.veriflow.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

class OptimizerTest {

    private static Parameter parameter(double value, double grad) {
        Parameter p = new Parameter(Matrix.of(new double[][] {{value}}));
        p.grad.set(0, 0, grad);
        return p;
    }

    @Test
    void adam_twoSteps_matchBiasCorrectedFormula() {
        Parameter p = parameter(1.0, 0.5);
        OptimizerState state = new OptimizerState(new Optimizer.Adam(0.9, 0.999, 1e-8), List.of(p));
        state.step(0.1, Parallelism.sequential());
        // t = 1: m^ = g, v^ = g^2, so the step is lr * g / (|g| + eps)
        double expected1 = 1.0 - 0.1 * 0.5 / (0.5 + 1e-8);
        assertThat(p.value.get(0, 0)).isEqualTo(expected1);
        p.grad.set(0, 0, -0.25);
        state.step(0.1, Parallelism.sequential());
        double m = 0.9 * (0.1 * 0.5) + 0.1 * -0.25;
        double v = 0.999 * (0.001 * 0.25) + 0.001 * 0.0625;
        double mHat = m / (1 - 0.9 * 0.9);
        double vHat = v / (1 - StrictMath.pow(0.999, 2));
        assertThat(p.value.get(0, 0)).isEqualTo(expected1 - 0.1 * mHat / (Math.sqrt(vHat) + 1e-8));
        assertThat(state.updates()).isEqualTo(2);
    }

    @Test
    void sgdMomentum_twoSteps_accumulateVelocity() {
        Parameter p = parameter(2.0, 1.0);
        OptimizerState state = new OptimizerState(new Optimizer.Sgd(0.5), List.of(p));
        state.step(0.1, Parallelism.sequential());
        assertThat(p.value.get(0, 0)).isEqualTo(2.0 - 0.1);
        state.step(0.1, Parallelism.sequential());
        assertThat(p.value.get(0, 0)).isEqualTo((2.0 - 0.1) + (0.5 * -0.1 - 0.1));
    }

    @Test
    void adam_betaOutOfRange_rejected() {
        assertThatThrownBy(() -> new Optimizer.Adam(1.0, 0.999, 1e-8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beta1");
        assertThatThrownBy(() -> new Optimizer.Adam(0.9, 0.999, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epsilon");
    }

    @Test
    void exponentialDecay_continuousAndStaircase_followFormula() {
        LearningRateSchedule smooth = new LearningRateSchedule(0.1, 0.5, 100, false);
        LearningRateSchedule stairs = new LearningRateSchedule(0.1, 0.5, 100, true);
        assertThat(smooth.rate(0)).isEqualTo(0.1);
        assertThat(smooth.rate(100)).isEqualTo(0.05);
        assertThat(smooth.rate(50)).isEqualTo(0.1 * StrictMath.pow(0.5, 0.5));
        assertThat(stairs.rate(99)).isEqualTo(0.1);
        assertThat(stairs.rate(100)).isEqualTo(0.05);
        assertThat(stairs.rate(250)).isEqualTo(0.025);
        assertThat(LearningRateSchedule.constant(0.3).rate(1_000_000)).isEqualTo(0.3);
    }

    @Test
    void schedule_invalidValues_rejected() {
        assertThatThrownBy(() -> new LearningRateSchedule(0, 0.5, 10, false))
                .hasMessageContaining("learning rate must be positive");
        assertThatThrownBy(() -> new LearningRateSchedule(0.1, 1.5, 10, false))
                .hasMessageContaining("decay rate must be in (0, 1]");
        assertThatThrownBy(() -> new LearningRateSchedule(0.1, 0.5, 0, false))
                .hasMessageContaining("decay steps must be positive");
    }
}
