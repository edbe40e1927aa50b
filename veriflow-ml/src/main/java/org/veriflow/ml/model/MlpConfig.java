package org.veriflow.ml.model;

import java.util.List;
import java.util.Objects;
import org.veriflow.ml.nn.Activation;
import org.veriflow.ml.nn.TrainingConfig;

/**
 * Architecture and training of a multi-layer perceptron. Each hidden layer is dense, then batch
 * normalisation (if enabled), then the activation, then dropout (if the rate is above 0); the output
 * layer is dense.
 *
 * @param hiddenLayers units per hidden layer (empty for a linear model)
 * @param activation   hidden-layer activation
 * @param batchNorm    whether to normalise each hidden layer's pre-activations
 * @param dropout      drop probability after each hidden layer, in [0, 1)
 * @param training     optimiser, schedule, epochs, batches, early stopping and seed
 */
public record MlpConfig(List<Integer> hiddenLayers, Activation activation, boolean batchNorm, double dropout,
        TrainingConfig training) {

    /**
     * @throws IllegalArgumentException if a layer has no units or the dropout rate is outside [0, 1)
     */
    public MlpConfig {
        hiddenLayers = List.copyOf(hiddenLayers);
        for (int units : hiddenLayers) {
            if (units < 1) {
                throw new IllegalArgumentException("hidden layers need at least one unit, not " + units);
            }
        }
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(training, "training");
        if (!(dropout >= 0.0 && dropout < 1.0)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), not " + dropout);
        }
    }
}
