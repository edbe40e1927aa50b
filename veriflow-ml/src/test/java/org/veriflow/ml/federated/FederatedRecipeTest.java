package org.veriflow.ml.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.EngineVersion;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.model.LogisticRegression;
import org.veriflow.ml.model.MlpClassifier;
import org.veriflow.ml.model.MlpRegressor;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.ModelFile;
import org.veriflow.ml.nn.Activation;
import org.veriflow.ml.nn.Network;

class FederatedRecipeTest {

    private static final String LOGISTIC_JSON = "{\"format\":\"veriflow-fl-recipe/1\",\"engineVersion\":\""
            + EngineVersion.CURRENT + "\",\"algorithm\":\"logistic-regression\",\"features\":[\"x\",\"y\"],"
            + "\"label\":\"label\",\"classes\":[\"a\",\"b\"],\"inputScaling\":{\"means\":[0,0],\"scales\":[1,1]},"
            + "\"hyperParameters\":{\"batchSize\":32,\"beta1\":0.9,\"beta2\":0.999,\"decayRate\":1,"
            + "\"decaySteps\":1000,\"earlyStoppingMinDelta\":0,\"earlyStoppingPatience\":0,\"epochs\":3,"
            + "\"epsilon\":0.00000001,\"learningRate\":0.05,\"momentum\":0.9,\"optimizer\":\"adam\","
            + "\"restoreBestWeights\":true,\"staircase\":false},\"seed\":11}";

    /** The canonical JSON of the classifier fixture with {@code from} replaced by {@code to}. */
    private static byte[] classifierWith(String from, String to) {
        String json = new String(Fixtures.classifier().toCanonicalJson(), StandardCharsets.UTF_8);
        assertThat(json).contains(from);
        return json.replace(from, to).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void toCanonicalJson_logistic_fixedOrderNoWhitespaceDefaultsFilled() {
        assertThat(new String(Fixtures.logistic().toCanonicalJson(), StandardCharsets.UTF_8)).isEqualTo(LOGISTIC_JSON);
    }

    @Test
    void parse_reorderedSpacedWithDefaultsOmitted_sameCanonicalFormAndHash() {
        String json = "{ \"seed\": 11, \"hyperParameters\": {\"learningRate\": 0.050, \"epochs\": 3.0},\n"
                + " \"inputScaling\": {\"scales\": [1.0, 1], \"means\": [0, 0.0]}, \"classes\": [\"a\", \"b\"],\n"
                + " \"label\": \"label\", \"features\": [\"x\", \"y\"], \"algorithm\": \"logistic-regression\",\n"
                + " \"engineVersion\": \"" + EngineVersion.CURRENT + "\", \"format\": \"veriflow-fl-recipe/1\" }";
        FederatedRecipe parsed = FederatedRecipe.parse(json.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.toCanonicalJson()).isEqualTo(LOGISTIC_JSON.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.hash()).isEqualTo(Fixtures.logistic().hash());
        assertThat(parsed).isEqualTo(Fixtures.logistic());
    }

    @Test
    void parse_canonicalJsonOfEachAlgorithm_roundTrips() {
        for (FederatedRecipe r : List.of(Fixtures.classifier(), Fixtures.logistic(), Fixtures.regressor())) {
            FederatedRecipe back = FederatedRecipe.parse(r.toCanonicalJson());
            assertThat(back).isEqualTo(r);
            assertThat(back.toCanonicalJson()).isEqualTo(r.toCanonicalJson());
        }
    }

    @Test
    void hash_seedOrScalingChanged_hashChanges() {
        FederatedRecipe base = Fixtures.logistic();
        FederatedRecipe otherSeed = new FederatedRecipe(base.engineVersion(), base.algorithm(), base.features(),
                base.label(), base.classes(), base.means(), base.scales(), base.hyperParameters(), 12);
        FederatedRecipe otherScale = FederatedRecipe.of(Algorithm.LOGISTIC_REGRESSION, List.of("x", "y"), "label",
                List.of("a", "b"), new double[] {0, 0}, new double[] {1, 2}, Map.of("epochs", 3, "learningRate", 0.05),
                11);
        assertThat(otherSeed.hash()).isNotEqualTo(base.hash());
        assertThat(otherScale.hash()).isNotEqualTo(base.hash());
    }

    @Test
    void parse_badInput_rejectedWithSentence() {
        List<String> failures = new ArrayList<>();
        Object[][] cases = {
            {"invalid JSON", "{\"format\":", "invalid JSON"},
            {"not an object", "[1]", "must be an object"},
            {"unknown member", "\"seed\":7", "\"seed\":7,\"extra\":1", "unknown member 'extra'"},
            {"renamed member", "\"seed\":7", "\"seed2\":7", "unknown member 'seed2'"},
            {"wrong format", "veriflow-fl-recipe/1", "veriflow-fl-recipe/2", "format 'veriflow-fl-recipe/2'"},
            {"other engine", EngineVersion.CURRENT, "veriflow-ml/0.0.1", "engine version"},
            {"k-means", "\"mlp-classifier\"", "\"k-means\"", "cannot be trained federated"},
            {"unknown algorithm", "\"mlp-classifier\"", "\"svm\"", "not one of"},
            {"classes unsorted", "[\"a\",\"b\"]", "[\"b\",\"a\"]", "distinct and sorted"},
            {"classes repeated", "[\"a\",\"b\"]", "[\"a\",\"a\"]", "distinct and sorted"},
            {"one class", "[\"a\",\"b\"]", "[\"a\"]", "needs 2 to"},
            {"classes not strings", "[\"a\",\"b\"]", "[1,2]", "list of strings"},
            {"means too short", "\"means\":[0,0]", "\"means\":[0]", "one mean and one scale per feature"},
            {"scales too long", "\"scales\":[1,1]", "\"scales\":[1,1,1]", "one mean and one scale per feature"},
            {"scale zero", "\"scales\":[1,1]", "\"scales\":[1,0]", "positive and finite"},
            {"scale negative", "\"scales\":[1,1]", "\"scales\":[-1,1]", "positive and finite"},
            {"scale overflows", "\"scales\":[1,1]", "\"scales\":[1," + "9".repeat(400) + "]", "positive and finite"},
            {"batch norm", "\"batchNorm\":false", "\"batchNorm\":true", "batchNorm must be false"},
            {"early stopping", "\"earlyStoppingPatience\":0", "\"earlyStoppingPatience\":3",
                "earlyStoppingPatience must be 0"},
            {"too many epochs", "\"epochs\":2", "\"epochs\":100001", "local epochs"},
            {"too wide", "\"hiddenLayers\":[8,4]", "\"hiddenLayers\":[4097]", "at most 4096 units"},
            {"too deep", "\"hiddenLayers\":[8,4]", "\"hiddenLayers\":[" + "2,".repeat(32) + "2]", "hidden layers"},
            {"unknown hyper-parameter", "\"epochs\":2", "\"epochs\":2,\"trees\":3", "unknown hyper-parameter"},
            {"label is a feature", "\"label\":\"label\"", "\"label\":\"x\"", "also a feature"},
            {"feature twice", "[\"x\",\"y\"]", "[\"x\",\"x\"]", "listed twice"},
            {"seed fraction", "\"seed\":7", "\"seed\":7.5", "seed must be an integer"},
        };
        for (Object[] c : cases) {
            byte[] json = c.length == 3 ? ((String) c[1]).getBytes(StandardCharsets.UTF_8)
                    : classifierWith((String) c[1], (String) c[2]);
            String expected = (String) c[c.length - 1];
            try {
                FederatedRecipe.parse(json);
                failures.add(c[0] + ": accepted");
            } catch (IllegalArgumentException e) {
                if (!e.getMessage().contains(expected) || !e.getMessage().startsWith("federated recipe:")) {
                    failures.add(c[0] + ": message '" + e.getMessage() + "' lacks '" + expected + "'");
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void parse_missingMember_named() {
        byte[] json = classifierWith(",\"seed\":7", "");
        assertThatThrownBy(() -> FederatedRecipe.parse(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("member 'seed' is missing");
    }

    @Test
    void parse_regressorWithClasses_rejected() {
        String json = new String(Fixtures.regressor().toCanonicalJson(), StandardCharsets.UTF_8)
                .replace("\"classes\":[]", "\"classes\":[\"a\",\"b\"]");
        assertThatThrownBy(() -> FederatedRecipe.parse(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no classes");
    }

    @Test
    void initialModel_mlp_networkAsTheTrainerBuildsItScalerAndClassesFromRecipe() {
        FederatedRecipe recipe = Fixtures.classifier();
        MlpClassifier model = (MlpClassifier) recipe.initialModel();
        Network expected = Network.builder(2, 7).dense(8).activation(Activation.TANH).dense(4)
                .activation(Activation.TANH).dense(2).build();
        assertThat(model.network().parameterValues()).isEqualTo(expected.parameterValues());
        assertThat(model.network().describe()).isEqualTo(expected.describe());
        assertThat(model.classes()).containsExactly("a", "b");
        assertThat(model.featureNames()).containsExactly("x", "y");
        assertThat(model.labelName()).isEqualTo("label");
        assertThat(ModelFile.read(model.toCanonicalBytes()).hash()).isEqualTo(model.hash());
    }

    @Test
    void initialModel_sameRecipe_goldenHash() {
        assertThat(Fixtures.classifier().initialModel().hash().hex())
                .isEqualTo(Fixtures.classifier().initialModel().hash().hex())
                .isEqualTo("e56e0d587279545d8a24de4fc43dc2beb3870e2471cc11a0e400eb34c1a9bdbc");
        assertThat(Fixtures.regressor().initialModel().hash().hex()).isEqualTo("c762780c682bf875bd73dd6fe377e1dd890d2ffd1025889765157952de989b91");
        assertThat(Fixtures.logistic().initialModel().hash().hex()).isEqualTo("5ddbf85c04a92a9eecbd20f67dac3d1fcd479bbe9cde57e8e4914d3e3abb32d6");
    }

    @Test
    void initialModel_logisticAndRegressor_kindsAndOneOutput() {
        Model logistic = Fixtures.logistic().initialModel();
        assertThat(logistic).isInstanceOf(LogisticRegression.class);
        assertThat(((LogisticRegression) logistic).intercepts()).hasSize(1);
        Model regressor = Fixtures.regressor().initialModel();
        assertThat(regressor).isInstanceOf(MlpRegressor.class);
        assertThat(((MlpRegressor) regressor).target()).isEqualTo("t");
    }

    @Test
    void parameterCount_eachAlgorithm_matchesTheModelsParameters() {
        assertThat(Fixtures.classifier().parameterCount()).isEqualTo((2 + 1) * 8 + (8 + 1) * 4 + (4 + 1) * 2);
        assertThat(Fixtures.logistic().parameterCount()).isEqualTo(3);
        assertThat(Fixtures.regressor().parameterCount()).isEqualTo((2 + 1) * 6 + 7);
        for (FederatedRecipe r : List.of(Fixtures.classifier(), Fixtures.logistic(), Fixtures.regressor())) {
            assertThat(Parameters.of(r.initialModel())).hasSize((int) r.parameterCount());
        }
    }

    @Test
    void localTrainingCost_productAndSaturation() {
        FederatedRecipe r = Fixtures.classifier();
        assertThat(r.localTrainingCost(1000)).isEqualTo(r.parameterCount() * 1000 * 2);
        assertThat(r.localTrainingCost(0)).isZero();
        assertThat(r.localTrainingCost(Long.MAX_VALUE / 10)).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> r.localTrainingCost(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
