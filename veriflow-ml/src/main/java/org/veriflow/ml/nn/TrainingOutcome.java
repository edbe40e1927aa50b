package org.veriflow.ml.nn;

import java.util.Objects;
import org.veriflow.ml.metrics.History;

/**
 * What {@link Trainer#fit} did.
 *
 * @param history      one record per epoch run
 * @param bestEpoch    epoch with the lowest monitored loss (validation loss, else training loss)
 * @param stoppedEarly true if early stopping ended training before the last epoch
 * @param updates      number of optimiser updates applied
 */
public record TrainingOutcome(History history, int bestEpoch, boolean stoppedEarly, long updates) {

    public TrainingOutcome {
        Objects.requireNonNull(history, "history");
    }
}
