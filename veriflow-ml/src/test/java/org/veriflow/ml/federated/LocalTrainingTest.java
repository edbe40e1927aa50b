package org.veriflow.ml.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.ModelFile;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;

class LocalTrainingTest {

    private static final byte[] DATA = Fixtures.blobs(1, 300, 0.5, 0.8);

    @Test
    void train_sameArgumentsAnyThreads_sameUpdateHash() {
        FederatedRecipe r = Fixtures.classifier();
        LocalUpdate one = LocalTraining.train(r, r.initialModel(), DATA, 99, Parallelism.sequential(),
                TrainingListener.none());
        try (Parallelism four = Parallelism.threads(4)) {
            LocalUpdate again = LocalTraining.train(r, r.initialModel(), DATA, 99, four, TrainingListener.none());
            assertThat(again.hash()).isEqualTo(one.hash());
            assertThat(again.modelFile()).isEqualTo(one.modelFile());
        }
        assertThat(one.hash()).isEqualTo(Sha256.of(one.modelFile()));
        assertThat(ModelFile.read(one.modelFile()).hash()).isEqualTo(one.hash());
    }

    @Test
    void train_otherSeed_otherUpdate() {
        FederatedRecipe r = Fixtures.classifier();
        LocalUpdate a = LocalTraining.train(r, r.initialModel(), DATA, 1, Parallelism.sequential(),
                TrainingListener.none());
        LocalUpdate b = LocalTraining.train(r, r.initialModel(), DATA, 2, Parallelism.sequential(),
                TrainingListener.none());
        assertThat(a.hash()).isNotEqualTo(b.hash());
    }

    @Test
    void train_classifier_improvesOnGlobalAndReportsSortedMetrics() {
        FederatedRecipe r = Fixtures.classifier();
        Model global = r.initialModel();
        Evaluation before = Evaluation.of(r, global, DATA);
        List<Integer> epochs = new ArrayList<>();
        LocalUpdate u = LocalTraining.train(r, global, DATA, 3, Parallelism.sequential(),
                (record, max) -> epochs.add(record.epoch() * 100 + max));
        assertThat(epochs).containsExactly(102, 202);
        assertThat(u.examples()).isEqualTo(300);
        assertThat(u.metrics().keySet()).containsExactly("train.accuracy", "train.loss");
        Evaluation after = Evaluation.of(r, u.model(), DATA);
        assertThat(u.metrics().get("train.loss")).isEqualTo(after.loss());
        assertThat(u.metrics().get("train.accuracy")).isEqualTo(after.accuracy());
        assertThat(after.loss()).isLessThan(before.loss());
        assertThat(after.accuracy()).isGreaterThan(0.9);
        // everything but the parameters is the global model's
        assertThat(new ModelShape(global).parameters(u.modelFile())).isEqualTo(Parameters.of(u.model()));
    }

    @Test
    void train_regressorAndLogistic_learn() {
        FederatedRecipe reg = Fixtures.regressor();
        byte[] rows = Fixtures.linear(4, 400);
        LocalUpdate u = LocalTraining.train(reg, reg.initialModel(), rows, 8, Parallelism.sequential(),
                TrainingListener.none());
        assertThat(u.metrics().keySet()).containsExactly("train.loss");
        assertThat(u.metrics().get("train.loss")).isLessThan(Evaluation.of(reg, reg.initialModel(), rows).loss());
        FederatedRecipe log = Fixtures.logistic();
        LocalUpdate l = LocalTraining.train(log, log.initialModel(), DATA, 8, Parallelism.sequential(),
                TrainingListener.none());
        assertThat(l.metrics().get("train.accuracy")).isGreaterThan(0.9);
    }

    @Test
    void train_labelNotAClass_rejected() {
        FederatedRecipe r = Fixtures.classifier();
        byte[] csv = "x,y,label\n1,2,a\n3,4,c\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> LocalTraining.train(r, r.initialModel(), csv, 1, Parallelism.sequential(),
                TrainingListener.none())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 'c' at row 2 is not one of the recipe's classes");
    }

    @Test
    void train_missingColumn_rejected() {
        FederatedRecipe r = Fixtures.classifier();
        byte[] csv = "x,label\n1,a\n3,b\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> LocalTraining.train(r, r.initialModel(), csv, 1, Parallelism.sequential(),
                TrainingListener.none())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit the recipe").hasMessageContaining("y");
    }

    @Test
    void train_globalOfAnotherShape_rejected() {
        FederatedRecipe r = Fixtures.classifier();
        assertThatThrownBy(() -> LocalTraining.train(r, Fixtures.logistic().initialModel(), DATA, 1,
                Parallelism.sequential(), TrainingListener.none())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not of the recipe's shape");
    }

    @Test
    void train_diverging_illegalState() {
        FederatedRecipe r = FederatedRecipe.of(Algorithm.MLP_REGRESSOR, List.of("x", "y"), "t", List.of(),
                new double[] {0, 0}, new double[] {1, 1},
                Map.of("hiddenLayers", List.of(4), "optimizer", "sgd", "learningRate", 10, "epochs", 5), 1);
        byte[] csv = "x,y,t\n1,2,1e200\n3,4,-1e200\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> LocalTraining.train(r, r.initialModel(), csv, 1, Parallelism.sequential(),
                TrainingListener.none())).isInstanceOf(IllegalStateException.class);
    }
}
