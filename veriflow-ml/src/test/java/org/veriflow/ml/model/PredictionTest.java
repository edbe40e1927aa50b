package org.veriflow.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.nn.Activation;
import org.veriflow.ml.nn.LearningRateSchedule;
import org.veriflow.ml.nn.Optimizer;
import org.veriflow.ml.nn.TrainingConfig;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;

/** Canonical answers: the bytes a decision log keeps, and the refusals of bad inputs. */
class PredictionTest {
    private static final MlpConfig SMALL = new MlpConfig(List.of(8), Activation.TANH, false, 0,
            new TrainingConfig(10, 8, Optimizer.Adam.defaults(), LearningRateSchedule.constant(0.01), null, 1));

    private static MlpRegressor regressor() {
        Table t = ModelFileTest.data();
        return MlpRegressor.fit(t, null, List.of("a"), "b", SMALL, Parallelism.sequential(), TrainingListener.none()).model();
    }

    @Test
    void regressor_answersInCanonicalJson_withTheModelsOwnNumbers() {
        MlpRegressor model = regressor();
        Prediction p = Prediction.of(model, " { \"a\" : 1.50 } ");
        assertThat(p.inputJson()).isEqualTo("{\"a\":1.5}");
        assertThat(p.inputSha256()).isEqualTo(Sha256.of(p.input()));
        double y = model.predict(new double[] {1.5});
        assertThat(p.outputJson()).isEqualTo("{\"b\":" + new java.math.BigDecimal(org.veriflow.ml.io.CanonicalDecimal.format(y)).toPlainString() + "}");
        assertThat(Double.parseDouble(p.outputJson().replaceAll("[^0-9eE.+-]", ""))).isEqualTo(y);
        assertThat(p.attributions()).extracting(FeatureAttribution::feature).containsExactly("a");
    }

    @Test
    void sameModelAndInput_giveTheSameBytes_andTheCanonicalInputAnswersTheSame() {
        MlpRegressor model = regressor();
        Prediction first = Prediction.of(model, "{\"a\": 2}");
        Prediction again = Prediction.of(ModelFile.read(ModelFile.write(model)), first.inputJson());
        assertThat(again.input()).isEqualTo(first.input());
        assertThat(again.output()).isEqualTo(first.output());
        assertThat(again.attributions()).isEqualTo(first.attributions());
    }

    @Test
    void classifier_answersTheMostProbableClass_withEveryProbability() {
        Table t = ModelFileTest.data();
        MlpClassifier model = MlpClassifier.fit(t, null, List.of("a", "b"), SMALL, Parallelism.sequential(), TrainingListener.none()).model();
        Prediction p = Prediction.of(model, "{\"b\": 12, \"a\": 1}");
        assertThat(p.inputJson()).isEqualTo("{\"a\":1,\"b\":12}");
        String predicted = model.predict(org.veriflow.ml.tensor.Matrix.of(new double[][] {{1, 12}})).get(0);
        assertThat(p.outputJson()).startsWith("{\"class\":\"" + predicted + "\",\"probabilities\":{");
        for (String c : model.classes()) {
            assertThat(p.outputJson()).contains("\"" + c + "\":");
        }
        assertThat(p.attributions()).hasSize(2);
    }

    @Test
    void badInputs_areRefusedWithWhatIsWrong() {
        MlpRegressor model = regressor();
        assertThatThrownBy(() -> Prediction.of(model, "{\"a\": 1")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> Prediction.of(model, "[1]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> Prediction.of(model, "{}")).hasMessageContaining("lacks feature 'a'");
        assertThatThrownBy(() -> Prediction.of(model, "{\"a\":1,\"z\":2}")).hasMessageContaining("no feature [z]");
        assertThatThrownBy(() -> Prediction.of(model, "{\"a\":\"1\"}")).hasMessageContaining("must be a number");
        assertThatThrownBy(() -> Prediction.of(model, "{\"a\":1e400}")).hasMessageContaining("out of the double range");
    }
}
