package org.veriflow.ml.recipe;

import org.veriflow.ml.io.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.EngineVersion;
import org.veriflow.ml.data.SplitRule;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Algorithm;

class RecipeTest {

    private static final String SHA = "5b76cdbb5d0a3fa0ce3cca032f3a17d2775279ae0803748e086050bdae40a46c";

    private static Recipe kMeans() {
        return Recipe.of("readings.csv", Sha256.fromHex(SHA), List.of("temperature", "humidity"), null,
                new Recipe.Split(SplitRule.Kind.RANDOM, new BigDecimal("0.10"), BigDecimal.ZERO), Algorithm.K_MEANS,
                Map.of("clusters", 2), 42);
    }

    @Test
    void toCanonicalJson_kMeans_fixedOrderNoWhitespaceDefaultsFilled() {
        assertThat(kMeans().toCanonicalJson()).isEqualTo("{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\""
                + EngineVersion.CURRENT + "\",\"data\":{\"reference\":\"readings.csv\",\"sha256\":\"" + SHA + "\"},"
                + "\"features\":[\"temperature\",\"humidity\"],\"label\":null,"
                + "\"split\":{\"kind\":\"random\",\"validation\":0.1,\"test\":0},\"algorithm\":\"k-means\","
                + "\"hyperParameters\":{\"clusters\":2,\"initializations\":3,\"maxIterations\":300,"
                + "\"standardize\":false,\"tolerance\":0.0001},\"seed\":42}");
    }

    @Test
    void parse_reorderedSpacedWithExplicitDefaults_sameCanonicalFormAndHash() {
        String json = "{ \"seed\": 42, \"algorithm\": \"k-means\", \"label\": null,\n"
                + "  \"hyperParameters\": {\"tolerance\": 1e-4, \"clusters\": 2.0, \"standardize\": false},\n"
                + "  \"split\": {\"test\": 0.0, \"validation\": 0.100, \"kind\": \"random\"},\n"
                + "  \"features\": [\"temperature\", \"humidity\"], \"format\": \"veriflow-recipe/1\",\n"
                + "  \"data\": {\"sha256\": \"" + SHA.toUpperCase(java.util.Locale.ROOT) + "\", \"reference\": \"readings.csv\"},\n"
                + "  \"engineVersion\": \"" + EngineVersion.CURRENT + "\" }";
        Recipe parsed = Recipe.parse(json);
        assertThat(parsed.toCanonicalJson()).isEqualTo(kMeans().toCanonicalJson());
        assertThat(parsed.hash()).isEqualTo(kMeans().hash());
        assertThat(parsed).isEqualTo(kMeans());
    }

    @Test
    void hash_anyFieldChanged_hashChanges() {
        Recipe base = kMeans();
        Recipe otherSeed = new Recipe(base.engineVersion(), base.dataReference(), base.dataSha256(), base.features(),
                null, base.split(), base.algorithm(), base.hyperParameters(), 43);
        Recipe otherK = Recipe.of("readings.csv", Sha256.fromHex(SHA), List.of("temperature", "humidity"), null,
                base.split(), Algorithm.K_MEANS, Map.of("clusters", 3), 42);
        assertThat(otherSeed.hash()).isNotEqualTo(base.hash());
        assertThat(otherK.hash()).isNotEqualTo(base.hash());
        assertThat(base.hash()).isEqualTo(Sha256.of(base.canonicalBytes()));
    }

    @Test
    void parse_canonicalJsonOfSeedRecipes_roundTrips() {
        Recipe r = SeedRecipes.humidityFromTemperature("night.csv", Sha256.fromHex(SHA), "temperature", "humidity", 7);
        Recipe c = SeedRecipes.deviceFromReading("night.csv", Sha256.fromHex(SHA), List.of("temperature", "humidity"),
                "device", 7);
        assertThat(Recipe.parse(r.toCanonicalJson())).isEqualTo(r);
        assertThat(Recipe.parse(c.canonicalBytes()).hash()).isEqualTo(c.hash());
        assertThat(r.hyperParameters().getIntList("hiddenLayers")).containsExactly(64, 64);
        assertThat(c.hyperParameters().getBoolean("batchNorm")).isTrue();
    }

    private static String json(String algorithm, String label, String hyper) {
        return "{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"" + EngineVersion.CURRENT + "\","
                + "\"data\":{\"reference\":\"r\",\"sha256\":\"" + SHA + "\"},\"features\":[\"a\"],\"label\":" + label
                + ",\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},\"algorithm\":\"" + algorithm
                + "\",\"hyperParameters\":" + hyper + ",\"seed\":1}";
    }

    @Test
    void parse_unknownAlgorithm_rejectedNamingIt() {
        assertThatThrownBy(() -> Recipe.parse(json("random-forest", "\"y\"", "{}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown algorithm 'random-forest'").hasMessageContaining("mlp-regressor");
    }

    @Test
    void parse_unknownHyperParameter_rejectedNamingItAndKnownOnes() {
        assertThatThrownBy(() -> Recipe.parse(json("mlp-regressor", "\"y\"", "{\"learnRate\":0.1}")))
                .hasMessageContaining("unknown hyper-parameter 'learnRate' for algorithm mlp-regressor")
                .hasMessageContaining("learningRate");
    }

    @Test
    void parse_badHyperParameterValues_rejectedNamingParameter() {
        assertThatThrownBy(() -> Recipe.parse(json("mlp-regressor", "\"y\"", "{\"epochs\":1.5}")))
                .hasMessageContaining("'epochs' must be an integer");
        assertThatThrownBy(() -> Recipe.parse(json("mlp-regressor", "\"y\"", "{\"dropout\":1}")))
                .hasMessageContaining("'dropout' must be in [0, 1)");
        assertThatThrownBy(() -> Recipe.parse(json("mlp-regressor", "\"y\"", "{\"activation\":\"gelu\"}")))
                .hasMessageContaining("'activation' must be one of [relu, tanh, sigmoid]");
        assertThatThrownBy(() -> Recipe.parse(json("mlp-regressor", "\"y\"", "{\"batchNorm\":\"yes\"}")))
                .hasMessageContaining("'batchNorm' must be true or false");
        assertThatThrownBy(() -> Recipe.parse(json("mlp-regressor", "\"y\"", "{\"hiddenLayers\":[64,0]}")))
                .hasMessageContaining("'hiddenLayers' element must be in [1,");
        assertThatThrownBy(() -> Recipe.parse(json("mlp-regressor", "\"y\"", "{\"learningRate\":\"fast\"}")))
                .hasMessageContaining("'learningRate' must be a number, got \"fast\"");
    }

    @Test
    void parse_labelRulesPerAlgorithm_enforced() {
        assertThatThrownBy(() -> Recipe.parse(json("mlp-classifier", "null", "{}")))
                .hasMessageContaining("mlp-classifier needs a label column");
        assertThatThrownBy(() -> Recipe.parse(json("k-means", "\"y\"", "{}")))
                .hasMessageContaining("k-means takes no label column");
        assertThatThrownBy(() -> Recipe.parse(json("mlp-regressor", "\"a\"", "{}")))
                .hasMessageContaining("label column 'a' is also a feature");
        assertThatThrownBy(() -> Recipe.parse(json("mlp-regressor", "\"y\"", "{}").replace("random", "stratified")))
                .hasMessageContaining("stratified split needs a categorical label");
    }

    @Test
    void parse_structuralProblems_rejectedNamingThem() {
        String ok = json("k-means", "null", "{}");
        assertThatThrownBy(() -> Recipe.parse(ok.replace("\"seed\":1", "\"seed\":1,\"extra\":2")))
                .hasMessageContaining("unknown member 'extra'");
        assertThatThrownBy(() -> Recipe.parse(ok.replace(",\"seed\":1", ""))).hasMessageContaining("'seed' is missing");
        assertThatThrownBy(() -> Recipe.parse(ok.replace("\"seed\":1", "\"seed\":1.5")))
                .hasMessageContaining("seed must be an integer");
        assertThatThrownBy(() -> Recipe.parse(ok.replace("veriflow-recipe/1", "veriflow-recipe/9")))
                .hasMessageContaining("format 'veriflow-recipe/9' is not supported");
        assertThatThrownBy(() -> Recipe.parse(ok.replace(SHA, "abc"))).hasMessageContaining("data.sha256");
        assertThatThrownBy(() -> Recipe.parse(ok.replace("\"reference\":\"r\"", "\"reference\":\"r\",\"reference\":\"s\"")))
                .hasMessageContaining("duplicate member 'reference'");
        assertThatThrownBy(() -> Recipe.parse(ok.substring(0, ok.length() - 1))).hasMessageContaining("invalid JSON");
        assertThatThrownBy(() -> Recipe.parse(ok.replace("[\"a\"]", "[]"))).hasMessageContaining("at least one feature");
        assertThatThrownBy(() -> Recipe.parse("[1]")).hasMessageContaining("must be an object");
        assertThatThrownBy(() -> Recipe.parse(ok.replace("\"kind\":\"random\"", "\"kind\":\"kfold\"")))
                .hasMessageContaining("unknown split kind 'kfold'");
    }

    @Test
    void json_escapes_roundTripThroughCanonicalWriter() {
        Object parsed = Json.parse("{\"k\":\"a\\\"b\\\\c\\n\\u0001\\u00e9\"}");
        StringBuilder sb = new StringBuilder();
        Json.write(sb, parsed);
        assertThat(sb.toString()).isEqualTo("{\"k\":\"a\\\"b\\\\c\\n\\u0001\u00e9\"}");
        assertThat(Json.parse(sb.toString()).toString()).isEqualTo(parsed.toString());
        assertThat(Json.number(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(Json.number(new BigDecimal("-0.000"))).isEqualTo("0");
        assertThat(Json.number(new BigDecimal("2.50e-7"))).isEqualTo("0.00000025");
    }
}
