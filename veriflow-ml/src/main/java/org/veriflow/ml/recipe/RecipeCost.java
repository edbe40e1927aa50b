package org.veriflow.ml.recipe;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.veriflow.ml.model.Algorithm;

/**
 * What replaying a recipe costs, estimated from the recipe and the number of training examples
 * alone, before any data is read: the chain bounds a recipe's cost when it is registered, and a
 * validator bounds the memory a replay may take before starting it.
 *
 * <p>Integer arithmetic only, so every node computes the same figures; a product that would not
 * fit in a {@code long} saturates at {@link Long#MAX_VALUE}, above any limit. The figures are
 * estimates of the engine's work and memory, not measurements: they grow as the engine's do
 * (linearly in parameters, examples and epochs), which is what a bound needs.
 *
 * @param parameters the model's trainable parameters (an MLP's weights and biases, k-means' centroid
 *     coordinates, an isolation forest's tree nodes); for a classifier the output layer counts one
 *     unit, the number of classes not being known before the data is read
 * @param operations parameters × training examples × passes over the data (epochs, or k-means'
 *     iterations × initialisations; an isolation forest: nodes visited to build and score)
 * @param memoryBytes the heap a replay needs: the model and its optimiser state, one batch's
 *     activations and the decoded data, 8 bytes a number
 */
public record RecipeCost(long parameters, long operations, long memoryBytes) {
    private static final long NUMBER_BYTES = Double.BYTES;
    /** Weights, gradients and Adam's two moments: four numbers a parameter. */
    private static final long OPTIMISER_COPIES = 4;
    /** Forward values, pre-activations and their gradients: three numbers a unit of a batch. */
    private static final long ACTIVATION_COPIES = 3;
    /** The decoded table and its split copies: two numbers a cell. */
    private static final long DATA_COPIES = 2;

    /**
     * @throws IllegalArgumentException if a figure is negative
     */
    public RecipeCost {
        if (parameters < 0 || operations < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException("recipe cost figures must not be negative");
        }
    }

    /**
     * Estimates {@code recipe}'s cost on {@code examples} training examples (rows of its data).
     *
     * @param recipe the recipe
     * @param examples the rows of the data it trains on, 0 or more
     * @return the estimate
     * @throws IllegalArgumentException if {@code examples} is negative
     */
    public static RecipeCost of(Recipe recipe, long examples) {
        Objects.requireNonNull(recipe, "recipe");
        if (examples < 0) {
            throw new IllegalArgumentException("examples must not be negative, not " + examples);
        }
        HyperParameters h = recipe.hyperParameters();
        long features = recipe.features().size();
        long columns = features + 1;
        long data = times(examples, columns, NUMBER_BYTES, DATA_COPIES);
        Algorithm algorithm = recipe.algorithm();
        switch (algorithm) {
            case MLP_REGRESSOR, MLP_CLASSIFIER, LOGISTIC_REGRESSION -> {
                List<Long> widths = new ArrayList<>();
                widths.add(features);
                if (algorithm != Algorithm.LOGISTIC_REGRESSION) {
                    for (int w : h.getIntList("hiddenLayers")) {
                        widths.add((long) w);
                    }
                }
                widths.add(1L);
                long parameters = 0;
                long units = 0;
                for (int i = 0; i + 1 < widths.size(); i++) {
                    parameters = plus(parameters, times(widths.get(i) + 1, widths.get(i + 1)));
                    units = plus(units, widths.get(i + 1));
                }
                long epochs = h.getLong("epochs");
                long batch = Math.min(h.getLong("batchSize"), Math.max(examples, 1));
                long memory = plus(plus(times(parameters, NUMBER_BYTES, OPTIMISER_COPIES),
                    times(batch, plus(units, features), NUMBER_BYTES, ACTIVATION_COPIES)), data);
                return new RecipeCost(parameters, times(parameters, examples, epochs), memory);
            }
            case K_MEANS -> {
                long parameters = times(h.getLong("clusters"), features);
                long passes = times(h.getLong("maxIterations"), h.getLong("initializations"));
                long memory = plus(plus(times(parameters, NUMBER_BYTES, OPTIMISER_COPIES), times(examples, Long.BYTES)), data);
                return new RecipeCost(parameters, times(parameters, examples, passes), memory);
            }
            case ISOLATION_FOREST -> {
                long sample = Math.min(h.getLong("sampleSize"), Math.max(examples, 1));
                long depth = 64 - Long.numberOfLeadingZeros(sample);
                long parameters = times(h.getLong("trees"), 2 * sample);
                long operations = times(h.getLong("trees"), plus(times(sample, depth), times(examples, depth)));
                long memory = plus(times(parameters, NUMBER_BYTES, OPTIMISER_COPIES), data);
                return new RecipeCost(parameters, operations, memory);
            }
            default -> throw new IllegalStateException("no cost model for algorithm " + algorithm.id());
        }
    }

    private static long times(long... factors) {
        for (long f : factors) {
            if (f == 0) {
                return 0;
            }
        }
        long product = 1;
        for (long f : factors) {
            try {
                product = Math.multiplyExact(product, f);
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return product;
    }

    private static long plus(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
