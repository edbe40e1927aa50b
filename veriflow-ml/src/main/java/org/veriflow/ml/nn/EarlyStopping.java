package org.veriflow.ml.nn;

/**
 * Early stopping on the validation loss (the training loss when there is no validation set): training
 * stops after {@code patience} consecutive epochs without an improvement, an improvement being a value
 * below {@code best - minDelta}. With {@code restoreBestWeights} the network ends with the parameters
 * and running statistics of its best epoch.
 */
public record EarlyStopping(int patience, double minDelta, boolean restoreBestWeights) {

    /**
     * @throws IllegalArgumentException if patience is below 1 or minDelta is negative or not finite
     */
    public EarlyStopping {
        if (patience < 1) {
            throw new IllegalArgumentException("early-stopping patience must be at least 1, not " + patience);
        }
        if (!(minDelta >= 0.0) || !Double.isFinite(minDelta)) {
            throw new IllegalArgumentException("early-stopping minDelta must be finite and >= 0, not " + minDelta);
        }
    }
}
