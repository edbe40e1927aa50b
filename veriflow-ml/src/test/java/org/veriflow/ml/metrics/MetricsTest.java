package org.veriflow.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.tensor.Matrix;

class MetricsTest {

    @Test
    void regressionMetrics_smallExample_matchHandComputedValues() {
        double[] actual = {1, 2, 3, 4};
        double[] predicted = {1, 3, 2, 4};
        assertThat(Metrics.meanSquaredError(actual, predicted)).isEqualTo(0.5);
        assertThat(Metrics.meanAbsoluteError(actual, predicted)).isEqualTo(0.5);
        assertThat(Metrics.r2(actual, predicted)).isEqualTo(1 - 2.0 / 5.0);
    }

    @Test
    void classificationMetrics_smallExample_matchHandComputedValues() {
        List<String> actual = List.of("a", "b", "b", "c");
        List<String> predicted = List.of("a", "b", "c", "c");
        assertThat(Metrics.accuracy(actual, predicted)).isEqualTo(0.75);
        ConfusionMatrix m = ConfusionMatrix.of(List.of("a", "b", "c"), actual, predicted);
        assertThat(m.count("b", "c")).isEqualTo(1);
        assertThat(m.count("b", "b")).isEqualTo(1);
        assertThat(m.accuracy()).isEqualTo(0.75);
        Matrix p = Matrix.of(new double[][] {{0.5, 0.5}, {0.25, 0.75}});
        assertThat(Metrics.logLoss(List.of("x", "y"), p, List.of("x", "y")))
                .isCloseTo((-Math.log(0.5) - Math.log(0.75)) / 2, within(1e-15));
    }

    @Test
    void rocAuc_perfectRandomAndTiedScores_expectedValues() {
        assertThat(Metrics.rocAuc(new boolean[] {false, false, true, true}, new double[] {0.1, 0.2, 0.8, 0.9}))
                .isEqualTo(1.0);
        assertThat(Metrics.rocAuc(new boolean[] {true, false}, new double[] {0.5, 0.5})).isEqualTo(0.5);
        assertThat(Metrics.rocAuc(new boolean[] {true, false, true, false}, new double[] {0.9, 0.8, 0.1, 0.2}))
                .isEqualTo(0.5);
    }

    @Test
    void metrics_badInput_rejected() {
        assertThatThrownBy(() -> Metrics.meanSquaredError(new double[2], new double[3]))
                .hasMessageContaining("2 true values but 3 predictions");
        assertThatThrownBy(() -> Metrics.accuracy(List.of(), List.of())).hasMessageContaining("at least one");
        assertThatThrownBy(() -> Metrics.rocAuc(new boolean[] {true}, new double[] {1}))
                .hasMessageContaining("needs positives and negatives");
        assertThatThrownBy(() -> ConfusionMatrix.of(List.of("a"), List.of("b"), List.of("a")))
                .hasMessageContaining("label 'b' is not among the classes");
    }
}
