package org.veriflow.ml.nn;

/**
 * How a {@link Network} is trained.
 *
 * @param epochs        maximum number of passes over the training set, at least 1
 * @param batchSize     rows per mini-batch (the last batch of an epoch may be smaller), at least 1
 * @param optimizer     update rule
 * @param schedule      learning rate per update
 * @param earlyStopping early-stopping rule, or null to always run {@code epochs} epochs
 * @param seed          seed of the shuffling stream ({@code Xoshiro256StarStar.forStream(seed, 2)})
 */
public record TrainingConfig(int epochs, int batchSize, Optimizer optimizer, LearningRateSchedule schedule,
        EarlyStopping earlyStopping, long seed) {

    /**
     * @throws IllegalArgumentException if epochs or batch size is below 1
     * @throws NullPointerException     if the optimizer or schedule is null
     */
    public TrainingConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, not " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
        }
        java.util.Objects.requireNonNull(optimizer, "optimizer");
        java.util.Objects.requireNonNull(schedule, "schedule");
    }
}
