package org.veriflow.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.io.CanonicalInput;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.metrics.EpochRecord;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

class TrainerTest {

    private static Matrix noise(int rows, int cols, long seed) {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(seed);
        Matrix m = Matrix.zeros(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m.set(i, j, r.nextGaussian());
            }
        }
        return m;
    }

    private static TrainingConfig config(int epochs, EarlyStopping stopping) {
        return new TrainingConfig(epochs, 8, Optimizer.Adam.defaults(), LearningRateSchedule.constant(0.05), stopping, 1);
    }

    @Test
    void fit_noisyTargetsWithEarlyStopping_stopsAndRestoresBestWeights() {
        // Pure-noise targets: a wide network overfits, the validation loss rises and early stopping fires.
        Network net = Network.builder(4, 2).dense(64).activation(Activation.RELU).dense(1).build();
        Matrix x = noise(40, 4, 3);
        Matrix y = noise(40, 1, 4);
        Matrix vx = noise(40, 4, 5);
        Matrix vy = noise(40, 1, 6);
        TrainingOutcome outcome = Trainer.fit(net, Loss.MEAN_SQUARED_ERROR, x, y, vx, vy,
                config(300, new EarlyStopping(3, 0.0, true)), EpochMetric.meanAbsoluteError(1.0),
                Parallelism.sequential(), TrainingListener.none());
        assertThat(outcome.stoppedEarly()).isTrue();
        List<EpochRecord> epochs = outcome.history().epochs();
        assertThat(epochs).hasSize(outcome.bestEpoch() + 3);
        double best = epochs.get(outcome.bestEpoch() - 1).validationLoss();
        for (EpochRecord r : epochs) {
            assertThat(r.validationLoss()).isGreaterThanOrEqualTo(best);
        }
        double restored = Loss.MEAN_SQUARED_ERROR.evaluate(net.predict(vx, Parallelism.sequential()), vy, null);
        assertThat(restored).isEqualTo(best);
    }

    @Test
    void fit_listener_calledOncePerEpochInOrder() {
        Network net = Network.builder(2, 2).dense(3).dense(1).build();
        List<Integer> seen = new ArrayList<>();
        Trainer.fit(net, Loss.MEAN_SQUARED_ERROR, noise(10, 2, 1), noise(10, 1, 2), null, null, config(5, null),
                EpochMetric.meanAbsoluteError(1.0), Parallelism.sequential(), (r, max) -> {
                    assertThat(max).isEqualTo(5);
                    seen.add(r.epoch());
                });
        assertThat(seen).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void fit_learningRateDecay_recordedPerEpoch() {
        Network net = Network.builder(2, 2).dense(1).build();
        TrainingConfig cfg = new TrainingConfig(3, 5, Optimizer.Adam.defaults(),
                new LearningRateSchedule(0.1, 0.5, 2, true), null, 1);
        TrainingOutcome o = Trainer.fit(net, Loss.MEAN_SQUARED_ERROR, noise(10, 2, 1), noise(10, 1, 2), null, null, cfg,
                EpochMetric.meanAbsoluteError(1.0), Parallelism.sequential(), TrainingListener.none());
        // two updates per epoch; the last update of epoch e is update 2e - 1 (0-based)
        assertThat(o.history().epochs()).extracting(EpochRecord::learningRate).containsExactly(0.1, 0.05, 0.025);
        assertThat(o.updates()).isEqualTo(6);
    }

    @Test
    void fit_hugeLearningRate_divergenceReported() {
        Network net = Network.builder(2, 2).dense(16).activation(Activation.RELU).dense(1).build();
        Matrix x = noise(32, 2, 1);
        Matrix y = noise(32, 1, 2);
        for (int i = 0; i < 32; i++) {
            y.set(i, 0, y.get(i, 0) * 1e300);
        }
        TrainingConfig cfg = new TrainingConfig(5, 8, new Optimizer.Sgd(0.0), LearningRateSchedule.constant(9.0),
                null, 1);
        assertThatThrownBy(() -> Trainer.fit(net, Loss.MEAN_SQUARED_ERROR, x, y, null, null, cfg,
                EpochMetric.meanAbsoluteError(1.0), Parallelism.sequential(), TrainingListener.none()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("diverged");
    }

    @Test
    void fit_badInputs_rejectedNamingTheProblem() {
        Network net = Network.builder(2, 2).dense(1).build();
        Matrix y = noise(4, 1, 1);
        assertThatThrownBy(() -> fit(net, Matrix.zeros(0, 2), Matrix.zeros(0, 1)))
                .hasMessageContaining("training set is empty");
        assertThatThrownBy(() -> fit(net, noise(3, 2, 1), y)).hasMessageContaining("3 rows but targets have 4");
        assertThatThrownBy(() -> fit(net, noise(4, 3, 1), y)).hasMessageContaining("3 columns, the network takes 2");
        Matrix withNaN = noise(4, 2, 1);
        withNaN.set(2, 1, Double.NaN);
        assertThatThrownBy(() -> fit(net, withNaN, y)).hasMessageContaining("row 2, column 1 is NaN");
        Matrix withInf = noise(4, 1, 1);
        withInf.set(0, 0, Double.POSITIVE_INFINITY);
        assertThatThrownBy(() -> fit(net, noise(4, 2, 1), withInf)).hasMessageContaining("is Infinity");
    }

    private static TrainingOutcome fit(Network net, Matrix x, Matrix y) {
        return Trainer.fit(net, Loss.MEAN_SQUARED_ERROR, x, y, null, null, config(1, null),
                EpochMetric.meanAbsoluteError(1.0), Parallelism.sequential(), TrainingListener.none());
    }

    @Test
    void network_writeThenRead_sameBytesAndPredictions() {
        Network net = Network.builder(3, 9).dense(5).batchNorm().activation(Activation.SIGMOID).dropout(0.2).dense(2)
                .build();
        Trainer.fit(net, Loss.MEAN_SQUARED_ERROR, noise(20, 3, 1), noise(20, 2, 2), null, null, config(3, null),
                EpochMetric.meanAbsoluteError(1.0), Parallelism.sequential(), TrainingListener.none());
        CanonicalOutput out = new CanonicalOutput();
        net.write(out);
        byte[] bytes = out.toByteArray();
        CanonicalInput in = new CanonicalInput(bytes);
        Network copy = Network.read(in);
        in.requireEnd();
        CanonicalOutput again = new CanonicalOutput();
        copy.write(again);
        assertThat(again.toByteArray()).isEqualTo(bytes);
        Matrix x = noise(6, 3, 3);
        assertThat(copy.predict(x, Parallelism.sequential()).contentEquals(net.predict(x, Parallelism.sequential())))
                .isTrue();
        assertThat(copy.describe()).isEqualTo("dense(3->5) batch-norm(5) sigmoid(5) dropout(5) dense(5->2)");
    }
}
