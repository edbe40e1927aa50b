package org.veriflow.ml.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.data.SplitRule;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.model.MlpRegressor;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;

class RecipeRunnerTest {

    private static final byte[] NIGHT = SeedData.night(2024);

    @Test
    void seedExperiment1_humidityFromTemperature_predictsPaperTemperaturesNearTruth() {
        Recipe recipe = SeedRecipes.humidityFromTemperature("night.csv", Sha256.of(NIGHT), "temperature", "humidity", 1);
        TrainingRun run = RecipeRunner.run(recipe, NIGHT, Parallelism.sequential(), TrainingListener.none());
        MlpRegressor model = (MlpRegressor) run.model();
        // The paper's Table 1 temperatures. The devices' humidity biases are -1.5 and +1.5 %RH, and at the
        // ends of the range one device dominates, so the fit may sit up to 1.5 %RH off the noiseless truth.
        for (double t : new double[] {31.2, 28.3, 27.7, 26.5, 24.8}) {
            assertThat(model.predict(new double[] {t})).as("humidity at %s °C", t)
                    .isCloseTo(SeedData.trueHumidity(t), within(1.5));
        }
        assertThat(model.predict(new double[] {24.8})).isGreaterThan(model.predict(new double[] {31.2}));
        assertThat(run.metrics().get("validation.r2")).isGreaterThan(0.8);
        assertThat(run.trainRows()).isEqualTo(1344);
        assertThat(run.validationRows()).isEqualTo(336);
        assertThat(run.history().orElseThrow().epochs()).isNotEmpty();
    }

    @Test
    void seedExperiment2_deviceFromReading_classifiesWellAboveChance() {
        Recipe recipe = SeedRecipes.deviceFromReading("night.csv", Sha256.of(NIGHT), List.of("temperature", "humidity"),
                "device", 1);
        TrainingRun run = RecipeRunner.run(recipe, NIGHT, Parallelism.sequential(), TrainingListener.none());
        assertThat(run.metrics().get("validation.accuracy")).isGreaterThan(0.85);
        assertThat(run.metrics().get("train.accuracy")).isGreaterThan(0.85);
        assertThat(run.metrics()).containsKeys("train.log_loss", "validation.log_loss");
        assertThat(run.history().orElseThrow().metricName()).isEqualTo("accuracy");
        assertThat(run.confusion()).containsOnlyKeys("train", "validation");
        var validation = run.confusion().get("validation");
        assertThat(java.util.Arrays.stream(validation.counts()).flatMapToLong(java.util.Arrays::stream).sum()).isEqualTo(run.validationRows());
        assertThat(validation.accuracy()).isEqualTo(run.metrics().get("validation.accuracy"));
    }

    @Test
    void run_dataHashMismatch_rejectedNamingBothHashes() {
        Recipe recipe = SeedRecipes.humidityFromTemperature("night.csv", Sha256.of(NIGHT), "temperature", "humidity", 1);
        byte[] tampered = NIGHT.clone();
        tampered[60] ^= 1;
        assertThatThrownBy(() -> RecipeRunner.run(recipe, tampered, Parallelism.sequential(), TrainingListener.none()))
                .hasMessageContaining("data hash mismatch").hasMessageContaining(Sha256.of(NIGHT).hex())
                .hasMessageContaining(Sha256.of(tampered).hex());
    }

    @Test
    void run_labelColumnMissingFromData_rejectedNamingColumn() {
        Recipe recipe = SeedRecipes.deviceFromReading("night.csv", Sha256.of(NIGHT), List.of("temperature"), "mote", 1);
        assertThatThrownBy(() -> RecipeRunner.run(recipe, NIGHT, Parallelism.sequential(), TrainingListener.none()))
                .hasMessageContaining("column 'mote' not found");
    }

    @Test
    void run_otherEngineVersion_rejected() {
        Recipe r = SeedRecipes.humidityFromTemperature("night.csv", Sha256.of(NIGHT), "temperature", "humidity", 1);
        Recipe old = new Recipe("veriflow-ml/0.0.1", r.dataReference(), r.dataSha256(), r.features(), r.label(),
                r.split(), r.algorithm(), r.hyperParameters(), r.seed());
        assertThatThrownBy(() -> RecipeRunner.run(old, NIGHT, Parallelism.sequential(), TrainingListener.none()))
                .hasMessageContaining("recipe needs engine veriflow-ml/0.0.1");
    }

    @Test
    void run_isolationForestWithLabel_reportsAuc() {
        StringBuilder csv = new StringBuilder("v,w,anomaly\n");
        org.veriflow.ml.random.Xoshiro256StarStar r = org.veriflow.ml.random.Xoshiro256StarStar.create(3);
        for (int i = 0; i < 400; i++) {
            boolean outlier = i % 40 == 0;
            double scale = outlier ? 8 : 1;
            csv.append(scale * r.nextGaussian() + (outlier ? 10 : 0)).append(',').append(r.nextGaussian())
                    .append(',').append(outlier ? 1 : 0).append('\n');
        }
        byte[] data = csv.toString().getBytes(StandardCharsets.UTF_8);
        Recipe recipe = Recipe.of("anomalies.csv", Sha256.of(data), List.of("v", "w"), "anomaly",
                new Recipe.Split(SplitRule.Kind.RANDOM, BigDecimal.ZERO, new BigDecimal("0.5")),
                Algorithm.ISOLATION_FOREST, Map.of("trees", 50), 5);
        TrainingRun run = RecipeRunner.run(recipe, data, Parallelism.sequential(), TrainingListener.none());
        assertThat(run.metrics().get("test.auc")).isGreaterThan(0.9);
        assertThat(run.history()).isEmpty();
    }

    @Test
    void run_progressListener_seesEveryEpoch() {
        Recipe recipe = SeedRecipes.deviceFromReading("night.csv", Sha256.of(NIGHT), List.of("temperature", "humidity"),
                "device", 1);
        int[] calls = new int[1];
        RecipeRunner.run(recipe, NIGHT, Parallelism.sequential(), (record, max) -> {
            calls[0]++;
            assertThat(max).isEqualTo(60);
            assertThat(record.epoch()).isEqualTo(calls[0]);
        });
        assertThat(calls[0]).isEqualTo(60);
    }
}
