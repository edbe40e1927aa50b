package org.veriflow.ml.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.data.Standardizer;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.model.MlpClassifier;
import org.veriflow.ml.model.NetworkModels;
import org.veriflow.ml.nn.Network;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.ModelFile;

class ParametersTest {

    @Test
    void with_ownParameters_sameModelBytes() {
        for (FederatedRecipe r : List.of(Fixtures.classifier(), Fixtures.logistic(), Fixtures.regressor())) {
            Model m = r.initialModel();
            assertThat(Parameters.with(m, Parameters.of(m)).toCanonicalBytes()).isEqualTo(m.toCanonicalBytes());
        }
    }

    @Test
    void with_changedValues_readBackAndEverythingElseKept() {
        Model m = Fixtures.classifier().initialModel();
        double[] p = Parameters.of(m);
        for (int i = 0; i < p.length; i++) {
            p[i] = i * 0.25 - 3;
        }
        Model changed = Parameters.with(m, p);
        assertThat(Parameters.of(changed)).isEqualTo(p);
        assertThat(changed.hash()).isNotEqualTo(m.hash());
        MlpClassifier c = (MlpClassifier) ModelFile.read(changed.toCanonicalBytes());
        assertThat(c.classes()).containsExactly("a", "b");
        assertThat(c.network().describe()).isEqualTo(((MlpClassifier) m).network().describe());
        assertThat(Parameters.of(c)).isEqualTo(p);
    }

    @Test
    void of_returnsACopy() {
        Model m = Fixtures.logistic().initialModel();
        double[] p = Parameters.of(m);
        p[0] = 99;
        assertThat(Parameters.of(m)[0]).isNotEqualTo(99);
    }

    @Test
    void with_wrongLength_rejected() {
        Model m = Fixtures.logistic().initialModel();
        assertThatThrownBy(() -> Parameters.with(m, new double[2])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 3 parameters, given 2 values");
    }

    @Test
    void with_nonFinite_rejected() {
        Model m = Fixtures.logistic().initialModel();
        assertThatThrownBy(() -> Parameters.with(m, new double[] {0, Double.NaN, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter 1 is NaN");
        assertThatThrownBy(() -> Parameters.with(m, new double[] {0, 0, Double.NEGATIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be finite");
    }

    @Test
    void assemble_partsThatDisagree_rejected() {
        Network twoOutputs = Network.builder(2, 1).dense(2).build();
        Standardizer scaler = Standardizer.identity(2);
        assertThatThrownBy(() -> NetworkModels.assemble(Algorithm.K_MEANS, List.of("x", "y"), "l", List.of(), scaler,
                twoOutputs)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a network model");
        assertThatThrownBy(() -> NetworkModels.assemble(Algorithm.MLP_REGRESSOR, List.of("x", "y"), "t",
                List.of("a", "b"), scaler, Network.builder(2, 1).dense(1).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no classes");
        assertThatThrownBy(() -> NetworkModels.assemble(Algorithm.MLP_CLASSIFIER, List.of("x", "y"), "l",
                List.of("a", "b", "c"), scaler, twoOutputs)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one network output per class");
        assertThatThrownBy(() -> NetworkModels.assemble(Algorithm.LOGISTIC_REGRESSION, List.of("x", "y"), "l",
                List.of("b", "a"), scaler, twoOutputs)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ascending");
        assertThatThrownBy(() -> NetworkModels.assemble(Algorithm.MLP_CLASSIFIER, List.of("x"), "l",
                List.of("a", "b"), Standardizer.identity(1), twoOutputs)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("disagree");
    }

    @Test
    void network_ofAModel_isACopy() {
        Model m = Fixtures.classifier().initialModel();
        Network n = NetworkModels.network(m);
        Network changed = n.withParameterValues(new double[(int) n.parameterCount()]);
        assertThat(changed.parameterValues()).containsOnly(0.0);
        assertThat(Parameters.of(m)).isEqualTo(n.parameterValues());
        assertThat(NetworkModels.scaler(m)).isEqualTo(Standardizer.identity(2));
    }
}
