package org.veriflow.ml.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.model.Model;

class EvaluationTest {

    @Test
    void of_logisticWithZeroWeights_halfProbabilityEverywhere() {
        FederatedRecipe r = Fixtures.logistic();
        Model zero = Parameters.with(r.initialModel(), new double[3]);
        byte[] csv = "x,y,label\n1,2,a\n3,4,b\n5,6,b\n7,8,a\n9,1,a\n".getBytes(StandardCharsets.UTF_8);
        Evaluation e = Evaluation.of(r, zero, csv);
        assertThat(e.rows()).isEqualTo(5);
        assertThat(e.loss()).isEqualTo(StrictMath.log(2.0));
        // ties go to the first class, "a": 3 of 5 rows
        assertThat(e.accuracy()).isEqualTo(0.6);
    }

    @Test
    void of_regressorWithZeroWeights_meanSquaredErrorAndR2() {
        FederatedRecipe r = Fixtures.regressor();
        Model zero = Parameters.with(r.initialModel(), new double[(int) r.parameterCount()]);
        byte[] csv = "x,y,t\n1,2,1\n3,4,2\n5,6,3\n".getBytes(StandardCharsets.UTF_8);
        Evaluation e = Evaluation.of(r, zero, csv);
        assertThat(e.loss()).isEqualTo((1.0 + 4.0 + 9.0) / 3);
        // SS_res = 14, SS_tot = 2
        assertThat(e.accuracy()).isEqualTo(1.0 - 14.0 / 2.0);
    }

    @Test
    void of_unknownLabel_rejected() {
        FederatedRecipe r = Fixtures.logistic();
        byte[] csv = "x,y,label\n1,2,z\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Evaluation.of(r, r.initialModel(), csv)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 'z'");
    }

    @Test
    void of_modelOfAnotherShape_rejected() {
        assertThatThrownBy(() -> Evaluation.of(Fixtures.logistic(), Fixtures.classifier().initialModel(),
                Fixtures.blobs(1, 10, 0.5, 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not of the recipe's shape");
    }
}
