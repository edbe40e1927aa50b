package org.veriflow.ml.recipe;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.veriflow.ml.data.SplitRule;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Algorithm;

/**
 * The recipes of the seed experiments (DESIGN.md, "The seed experiment"), ready to run with
 * {@link RecipeRunner} on a CSV of readings.
 */
public final class SeedRecipes {

    private SeedRecipes() {
    }

    /**
     * Experiment 1, validity: an MLP regressor predicting humidity from temperature. Two hidden layers
     * of 64 ReLU units, Adam (learning rate 0.01) with exponential decay (×0.96 every 100 updates), mean
     * squared error, batches of 32, up to 300 epochs with early stopping (patience 20) restoring the best
     * weights; 80 % training, 20 % validation.
     */
    public static Recipe humidityFromTemperature(String dataReference, Sha256 dataSha256, String temperatureColumn,
            String humidityColumn, long seed) {
        Map<String, Object> h = new TreeMap<>();
        h.put("hiddenLayers", List.of(64, 64));
        h.put("activation", "relu");
        h.put("optimizer", "adam");
        h.put("learningRate", new BigDecimal("0.01"));
        h.put("decayRate", new BigDecimal("0.96"));
        h.put("decaySteps", 100);
        h.put("epochs", 300);
        h.put("batchSize", 32);
        h.put("earlyStoppingPatience", 20);
        h.put("earlyStoppingMinDelta", new BigDecimal("0.0001"));
        h.put("restoreBestWeights", true);
        return Recipe.of(dataReference, dataSha256, List.of(temperatureColumn), humidityColumn,
                new Recipe.Split(SplitRule.Kind.RANDOM, new BigDecimal("0.2"), BigDecimal.ZERO),
                Algorithm.MLP_REGRESSOR, h, seed);
    }

    /**
     * Experiment 2, traceability: an MLP classifier telling which device produced a reading. Two hidden
     * layers of 64 and 32 ReLU units with batch normalisation, softmax with log loss, Adam (learning
     * rate 0.01) with exponential decay (×0.9 every 200 updates), batches of 64, 60 epochs; the data
     * shuffled and split 80 % training, 20 % validation.
     */
    public static Recipe deviceFromReading(String dataReference, Sha256 dataSha256, List<String> featureColumns,
            String deviceColumn, long seed) {
        Map<String, Object> h = new TreeMap<>();
        h.put("hiddenLayers", List.of(64, 32));
        h.put("activation", "relu");
        h.put("batchNorm", true);
        h.put("optimizer", "adam");
        h.put("learningRate", new BigDecimal("0.01"));
        h.put("decayRate", new BigDecimal("0.9"));
        h.put("decaySteps", 200);
        h.put("epochs", 60);
        h.put("batchSize", 64);
        return Recipe.of(dataReference, dataSha256, featureColumns, deviceColumn,
                new Recipe.Split(SplitRule.Kind.RANDOM, new BigDecimal("0.2"), BigDecimal.ZERO),
                Algorithm.MLP_CLASSIFIER, h, seed);
    }
}
