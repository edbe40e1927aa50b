package org.veriflow.ml.model;

import java.util.List;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.io.CanonicalInput;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.nn.Network;
import org.veriflow.ml.nn.TrainingConfig;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Logistic regression on standardised inputs, fitted by mini-batch gradient descent: with two classes
 * one logit for the second class and binary cross-entropy; with more, multinomial (softmax)
 * regression. Classes are the training set's distinct labels in ascending order.
 *
 * <p>Immutable and thread-safe.
 */
public final class LogisticRegression implements Model {

    private final ClassifierCore core;

    LogisticRegression(ClassifierCore core) {
        this.core = core;
    }

    /**
     * Fits the model on the categorical label column of {@code train}.
     *
     * @param validation validation rows, or null
     * @throws IllegalArgumentException if a set is empty, the label column is missing, there are fewer
     *     than two classes, a validation label is unknown, or a feature is missing
     */
    public static TrainedModel<LogisticRegression> fit(Table train, Table validation, List<String> features,
            TrainingConfig training, Parallelism parallelism, TrainingListener listener) {
        ClassifierCore.Fitted fitted = ClassifierCore.fit(train, validation, features, true,
                (inputs, outputs) -> Network.builder(inputs, training.seed()).dense(outputs).build(), training,
                parallelism, listener);
        return new TrainedModel<>(new LogisticRegression(fitted.core()), fitted.outcome());
    }

    @Override
    public Algorithm algorithm() {
        return Algorithm.LOGISTIC_REGRESSION;
    }

    @Override
    public List<String> featureNames() {
        return core.features;
    }

    /** The classes, in ascending order (the order of probability columns). */
    public List<String> classes() {
        return core.classes;
    }

    /**
     * Coefficients on standardised inputs: features×1 for two classes (log-odds of the second class),
     * features×classes otherwise. A copy.
     */
    public Matrix coefficients() {
        return core.network.denseWeights(0);
    }

    /** Intercepts, one per output score. A copy. */
    public double[] intercepts() {
        return core.network.denseBias(0);
    }

    /** Class probabilities, one row per input row, one column per class. */
    public Matrix predictProbabilities(Matrix x) {
        return core.probabilities(x);
    }

    /** The most probable class of each row. */
    public List<String> predict(Matrix x) {
        return core.predict(x);
    }

    /** Input × gradient attributions of the log-odds (score) of {@code className} for {@code row}. */
    public List<FeatureAttribution> explain(double[] row, String className) {
        return core.explain(row, className);
    }

    ClassifierCore core() {
        return core;
    }

    void writeBody(CanonicalOutput out) {
        core.write(out);
    }

    static LogisticRegression readBody(CanonicalInput in) {
        return new LogisticRegression(ClassifierCore.read(in));
    }
}
