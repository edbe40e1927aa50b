package org.veriflow.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.nn.Activation;
import org.veriflow.ml.nn.LearningRateSchedule;
import org.veriflow.ml.nn.Optimizer;
import org.veriflow.ml.nn.TrainingConfig;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

class ModelBadInputTest {

    private static final Parallelism SEQ = Parallelism.sequential();
    private static final MlpConfig CONFIG = new MlpConfig(List.of(3), Activation.RELU, false, 0,
            new TrainingConfig(2, 4, Optimizer.Adam.defaults(), LearningRateSchedule.constant(0.01), null, 1));

    @Test
    void fit_emptyTable_rejected() {
        Table empty = Table.builder().numeric("a", new double[0]).numeric("y", new double[0]).build();
        assertThatThrownBy(() -> MlpRegressor.fit(empty, null, List.of("a"), "y", CONFIG, SEQ, TrainingListener.none()))
                .hasMessageContaining("training set is empty");
    }

    @Test
    void fit_missingLabelOrTargetColumn_rejected() {
        Table t = Table.builder().numeric("a", new double[] {1, 2, 3}).build();
        assertThatThrownBy(() -> MlpClassifier.fit(t, null, List.of("a"), CONFIG, SEQ, TrainingListener.none()))
                .hasMessageContaining("no label column");
        assertThatThrownBy(() -> MlpRegressor.fit(t, null, List.of("a"), "y", CONFIG, SEQ, TrainingListener.none()))
                .hasMessageContaining("target column 'y' not found");
        assertThatThrownBy(() -> MlpRegressor.fit(t, null, List.of("b"), "a", CONFIG, SEQ, TrainingListener.none()))
                .hasMessageContaining("feature column 'b' not found");
    }

    @Test
    void fit_singleClassOrUnknownValidationLabel_rejected() {
        Table one = Table.builder().numeric("a", new double[] {1, 2}).label("k", List.of("x", "x")).build();
        assertThatThrownBy(() -> MlpClassifier.fit(one, null, List.of("a"), CONFIG, SEQ, TrainingListener.none()))
                .hasMessageContaining("at least two classes");
        Table two = Table.builder().numeric("a", new double[] {1, 2}).label("k", List.of("x", "y")).build();
        Table other = Table.builder().numeric("a", new double[] {1}).label("k", List.of("z")).build();
        assertThatThrownBy(() -> MlpClassifier.fit(two, other, List.of("a"), CONFIG, SEQ, TrainingListener.none()))
                .hasMessageContaining("validation label 'z'");
    }

    @Test
    void predict_mismatchedShapeOrNaN_rejected() {
        Table t = Table.builder().numeric("a", new double[] {1, 2, 3, 4}).numeric("y", new double[] {2, 4, 6, 8})
                .build();
        MlpRegressor m = MlpRegressor.fit(t, null, List.of("a"), "y", CONFIG, SEQ, TrainingListener.none()).model();
        assertThatThrownBy(() -> m.predict(Matrix.zeros(2, 3))).hasMessageContaining("input has 3 features, the model takes 1");
        assertThatThrownBy(() -> m.predict(new double[] {Double.NaN})).hasMessageContaining("NaN");
        assertThat(m.predict(new double[] {2.5})).isFinite();
    }

    @Test
    void unsupervised_tooFewRows_rejected() {
        Table t = Table.builder().numeric("a", new double[] {1}).build();
        assertThatThrownBy(() -> KMeans.fit(t, List.of("a"), new KMeans.Config(2, 10, 0, 1, false, 1), SEQ))
                .hasMessageContaining("needs at least 2 rows");
        assertThatThrownBy(() -> IsolationForest.fit(t, List.of("a"), new IsolationForest.Config(5, 16, 0.5, 1), SEQ))
                .hasMessageContaining("at least two rows");
        assertThatThrownBy(() -> new KMeans.Config(0, 10, 0, 1, false, 1)).hasMessageContaining("at least one cluster");
    }
}
