package org.veriflow.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.nn.Activation;
import org.veriflow.ml.nn.LearningRateSchedule;
import org.veriflow.ml.nn.Optimizer;
import org.veriflow.ml.nn.TrainingConfig;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Parallelism;

class AttributionTest {

    @Test
    void explain_linearRegressor_attributionsSumToPredictionMinusMeanPrediction() {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(5);
        int n = 200;
        double[] a = new double[n];
        double[] b = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextGaussian() * 2 + 5;
            b[i] = r.nextGaussian();
            y[i] = 4 * a[i] - 3 * b[i];
        }
        Table t = Table.builder().numeric("a", a).numeric("b", b).numeric("y", y).build();
        MlpConfig linear = new MlpConfig(List.of(), Activation.RELU, false, 0, new TrainingConfig(50, 20,
                Optimizer.Adam.defaults(), LearningRateSchedule.constant(0.02), null, 1));
        MlpRegressor model = MlpRegressor.fit(t, null, List.of("a", "b"), "y", linear, Parallelism.sequential(),
                TrainingListener.none()).model();
        double[] row = {7.0, -1.0};
        List<FeatureAttribution> attributions = model.explain(row);
        assertThat(attributions).extracting(FeatureAttribution::feature).containsExactly("a", "b");
        double meanA = java.util.Arrays.stream(a).average().orElseThrow();
        double meanB = java.util.Arrays.stream(b).average().orElseThrow();
        double sum = attributions.get(0).attribution() + attributions.get(1).attribution();
        assertThat(sum).isCloseTo(model.predict(row) - model.predict(new double[] {meanA, meanB}), within(1e-9));
        assertThat(attributions.get(0).attribution()).isCloseTo(4 * (7.0 - meanA), within(0.2));
        assertThat(attributions.get(1).attribution()).isCloseTo(-3 * (-1.0 - meanB), within(0.2));
    }

    @Test
    void explain_classifier_pointsTowardsTheExplainedClass() {
        Table t = ModelFileTest.data();
        MlpClassifier model = MlpClassifier.fit(t, null, List.of("a", "b"), new MlpConfig(List.of(8), Activation.TANH,
                false, 0, new TrainingConfig(20, 8, Optimizer.Adam.defaults(), LearningRateSchedule.constant(0.01),
                        null, 1)), Parallelism.sequential(), TrainingListener.none()).model();
        List<FeatureAttribution> forX = model.explain(new double[] {1.0, 12.0}, "x");
        assertThat(forX).hasSize(2);
        assertThat(forX.get(0).value()).isEqualTo(1.0);
        assertThat(forX.stream().mapToDouble(FeatureAttribution::attribution).allMatch(Double::isFinite)).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.explain(new double[] {1, 2}, "w"))
                .hasMessageContaining("unknown class 'w'");
    }
}
