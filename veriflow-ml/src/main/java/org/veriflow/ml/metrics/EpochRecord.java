package org.veriflow.ml.metrics;

/**
 * What one training epoch produced. The training loss and metric are averages over the epoch's
 * mini-batches in training mode (weighted by batch size); the validation values come from an
 * inference-mode pass and are NaN when there is no validation set. {@code learningRate} is the rate of
 * the epoch's last update.
 */
public record EpochRecord(int epoch, double trainLoss, double trainMetric, double validationLoss,
        double validationMetric, double learningRate) {

    /**
     * @throws IllegalArgumentException if the epoch is below 1 or a training value is not finite
     */
    public EpochRecord {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch numbers start at 1, not " + epoch);
        }
        if (!Double.isFinite(trainLoss) || !Double.isFinite(trainMetric) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("epoch " + epoch + ": training loss " + trainLoss + ", metric "
                    + trainMetric + " and learning rate " + learningRate + " must be finite");
        }
    }

    /** True if the epoch has validation values. */
    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }
}
