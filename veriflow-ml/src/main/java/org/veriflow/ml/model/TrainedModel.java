package org.veriflow.ml.model;

import java.util.Objects;
import org.veriflow.ml.nn.TrainingOutcome;

/**
 * A network model with the record of its training.
 *
 * @param model   the fitted model
 * @param outcome history, best epoch, early stop
 */
public record TrainedModel<M extends Model>(M model, TrainingOutcome outcome) {

    public TrainedModel {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(outcome, "outcome");
    }
}
