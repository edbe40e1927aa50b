package org.veriflow.ml.nn;

import org.veriflow.ml.metrics.EpochRecord;

/**
 * Receives a call after every epoch, on the training thread (for progress bars). A listener must not
 * throw; what it does has no effect on the training's result.
 */
@FunctionalInterface
public interface TrainingListener {

    /**
     * Called after epoch {@code record.epoch()} of at most {@code maxEpochs}.
     */
    void onEpochEnd(EpochRecord record, int maxEpochs);

    /** A listener that does nothing. */
    static TrainingListener none() {
        return (record, maxEpochs) -> { };
    }
}
