package org.veriflow.ml.model;

import java.util.List;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.io.CanonicalInput;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.nn.Network;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * A multi-layer perceptron that predicts a categorical label: one output score per class, softmax
 * with cross-entropy (log loss). Inputs are standardised with training-set statistics; classes are
 * the training set's distinct labels in ascending order. The history's metric is accuracy.
 *
 * <p>Immutable and thread-safe.
 */
public final class MlpClassifier implements Model {

    private final ClassifierCore core;

    MlpClassifier(ClassifierCore core) {
        this.core = core;
    }

    /**
     * Trains a classifier on the categorical label column of {@code train}.
     *
     * @param validation validation rows for early stopping and the history, or null
     * @throws IllegalArgumentException if a set is empty, the label column is missing, there are fewer
     *     than two classes, a validation label is unknown, or a feature is missing
     * @throws IllegalStateException    if training diverges
     */
    public static TrainedModel<MlpClassifier> fit(Table train, Table validation, List<String> features,
            MlpConfig config, Parallelism parallelism, TrainingListener listener) {
        ClassifierCore.Fitted fitted = ClassifierCore.fit(train, validation, features, false,
                (inputs, outputs) -> Inputs.mlp(inputs, outputs, config), config.training(), parallelism, listener);
        return new TrainedModel<>(new MlpClassifier(fitted.core()), fitted.outcome());
    }

    @Override
    public Algorithm algorithm() {
        return Algorithm.MLP_CLASSIFIER;
    }

    @Override
    public List<String> featureNames() {
        return core.features;
    }

    /** The label column's name. */
    public String labelName() {
        return core.labelName;
    }

    /** The classes, in ascending order (the order of probability columns). */
    public List<String> classes() {
        return core.classes;
    }

    /** A copy of the trained network (standardised inputs, one score per class). */
    public Network network() {
        return core.network.copy();
    }

    /** Class probabilities, one row per input row, one column per class. */
    public Matrix predictProbabilities(Matrix x) {
        return core.probabilities(x);
    }

    /** The most probable class of each row (the first class on ties). */
    public List<String> predict(Matrix x) {
        return core.predict(x);
    }

    /** The most probable class of each row of {@code table}, reading the features by name. */
    public List<String> predict(Table table) {
        return core.predict(Inputs.features(table, core.features, "prediction"));
    }

    /** Input × gradient attributions of the score of {@code className} for {@code row}. */
    public List<FeatureAttribution> explain(double[] row, String className) {
        return core.explain(row, className);
    }

    ClassifierCore core() {
        return core;
    }

    void writeBody(CanonicalOutput out) {
        core.write(out);
    }

    static MlpClassifier readBody(CanonicalInput in) {
        return new MlpClassifier(ClassifierCore.read(in));
    }
}
