package org.veriflow.ml.model;

import java.util.ArrayList;
import java.util.List;
import org.veriflow.ml.data.Standardizer;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.io.CanonicalInput;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.io.MalformedModelException;
import org.veriflow.ml.nn.EpochMetric;
import org.veriflow.ml.nn.Loss;
import org.veriflow.ml.nn.Network;
import org.veriflow.ml.nn.Trainer;
import org.veriflow.ml.nn.TrainingConfig;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.nn.TrainingOutcome;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * The parts shared by the network classifiers: standardised inputs, classes in ascending order, and a
 * network producing either one logit per class (softmax cross-entropy) or, for a binary logistic
 * regression, a single logit for the second class (binary cross-entropy).
 */
final class ClassifierCore {

    final List<String> features;
    final String labelName;
    final List<String> classes;
    final Standardizer scaler;
    final Network network;

    ClassifierCore(List<String> features, String labelName, List<String> classes, Standardizer scaler,
            Network network) {
        this.features = List.copyOf(features);
        this.labelName = labelName;
        this.classes = List.copyOf(classes);
        this.scaler = scaler;
        this.network = network;
        int outputs = classes.size() == 2 && network.outputSize() == 1 ? 1 : classes.size();
        if (classes.size() < 2 || scaler.features() != features.size() || network.inputSize() != features.size()
                || network.outputSize() != outputs) {
            throw new IllegalArgumentException("classifier parts disagree: " + features.size() + " features, "
                    + classes.size() + " classes, scaler of " + scaler.features() + ", network "
                    + network.inputSize() + "->" + network.outputSize());
        }
        for (int i = 1; i < classes.size(); i++) {
            if (classes.get(i - 1).compareTo(classes.get(i)) >= 0) {
                throw new IllegalArgumentException("classes must be distinct and in ascending order: " + classes);
            }
        }
    }

    boolean binaryLogit() {
        return network.outputSize() == 1;
    }

    /** Builds the network with {@code networkFactory(inputs, outputs)} and trains it. */
    static Fitted fit(Table train, Table validation, List<String> features, boolean binaryLogit,
            java.util.function.BiFunction<Integer, Integer, Network> networkFactory, TrainingConfig training,
            Parallelism parallelism, TrainingListener listener) {
        Matrix x = Inputs.features(train, features, "training");
        String label = train.labelColumn().orElseThrow(() -> new IllegalArgumentException(
                "the training set has no label column; a classifier needs a categorical label"));
        List<String> classes = train.labelClasses();
        if (classes.size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least two classes in the training set, found "
                    + classes);
        }
        boolean oneLogit = binaryLogit && classes.size() == 2;
        Standardizer scaler = Standardizer.fit(x);
        Matrix y = targets(train.labels(), classes, oneLogit, "training");
        Matrix vx = null;
        Matrix vy = null;
        if (validation != null) {
            if (!validation.labelColumn().equals(train.labelColumn())) {
                throw new IllegalArgumentException("the validation set's label column " + validation.labelColumn()
                        + " differs from the training set's '" + label + "'");
            }
            vx = scaler.transform(Inputs.features(validation, features, "validation"));
            vy = targets(validation.labels(), classes, oneLogit, "validation");
        }
        Network network = networkFactory.apply(features.size(), oneLogit ? 1 : classes.size());
        TrainingOutcome outcome = Trainer.fit(network,
                oneLogit ? Loss.BINARY_CROSS_ENTROPY : Loss.SOFTMAX_CROSS_ENTROPY, scaler.transform(x), y, vx, vy,
                training, EpochMetric.accuracy(), parallelism, listener);
        return new Fitted(new ClassifierCore(features, label, classes, scaler, network), outcome);
    }

    record Fitted(ClassifierCore core, TrainingOutcome outcome) {
    }

    private static Matrix targets(List<String> labels, List<String> classes, boolean oneLogit, String what) {
        Matrix y = Matrix.zeros(labels.size(), oneLogit ? 1 : classes.size());
        for (int i = 0; i < labels.size(); i++) {
            int k = java.util.Collections.binarySearch(classes, labels.get(i));
            if (k < 0) {
                throw new IllegalArgumentException("the " + what + " label '" + labels.get(i) + "' at row " + i
                        + " does not occur in the training set's classes " + classes);
            }
            if (oneLogit) {
                y.set(i, 0, k);
            } else {
                y.set(i, k, 1.0);
            }
        }
        return y;
    }

    Matrix probabilities(Matrix x) {
        Inputs.requireRows(x, features.size());
        Matrix scores = network.predict(scaler.transform(x), Parallelism.sequential());
        Matrix p = Matrix.zeros(x.rows(), classes.size());
        for (int i = 0; i < x.rows(); i++) {
            if (binaryLogit()) {
                double p1 = sigmoid(scores.get(i, 0));
                p.set(i, 0, 1.0 - p1);
                p.set(i, 1, p1);
            } else {
                softmax(scores.row(i), p.row(i));
            }
        }
        return p;
    }

    List<String> predict(Matrix x) {
        Matrix p = probabilities(x);
        List<String> out = new ArrayList<>(x.rows());
        for (int i = 0; i < x.rows(); i++) {
            out.add(classes.get(EpochMetric.argMax(p.row(i))));
        }
        return List.copyOf(out);
    }

    /** Attributions of the score (logit) of {@code className}; for a single logit, of its sign-adjusted score. */
    List<FeatureAttribution> explain(double[] row, String className) {
        Inputs.requireRows(Inputs.single(row), features.size());
        int k = classes.indexOf(className);
        if (k < 0) {
            throw new IllegalArgumentException("unknown class '" + className + "'; classes: " + classes);
        }
        double[] z = scaler.transform(row);
        double[] grad;
        if (binaryLogit()) {
            grad = network.inputGradient(z, 0);
            if (k == 0) {
                for (int j = 0; j < grad.length; j++) {
                    grad[j] = -grad[j];
                }
            }
        } else {
            grad = network.inputGradient(z, k);
        }
        List<FeatureAttribution> result = new ArrayList<>();
        for (int j = 0; j < z.length; j++) {
            result.add(new FeatureAttribution(features.get(j), row[j], z[j] * grad[j]));
        }
        return List.copyOf(result);
    }

    private static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + StrictMath.exp(-x));
        }
        double e = StrictMath.exp(x);
        return e / (1.0 + e);
    }

    private static void softmax(double[] z, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0.0;
        for (int j = 0; j < z.length; j++) {
            p[j] = StrictMath.exp(z[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < z.length; j++) {
            p[j] = p[j] / sum;
        }
    }

    void write(CanonicalOutput out) {
        Inputs.writeStrings(out, features);
        out.writeString(labelName);
        Inputs.writeStrings(out, classes);
        scaler.write(out);
        network.write(out);
    }

    static ClassifierCore read(CanonicalInput in) {
        List<String> features = Inputs.readStrings(in, "feature name");
        String label = in.readString("label name");
        List<String> classes = Inputs.readStrings(in, "class name");
        Standardizer scaler = Standardizer.read(in);
        Network network = Network.read(in);
        try {
            return new ClassifierCore(features, label, classes, scaler, network);
        } catch (IllegalArgumentException e) {
            throw new MalformedModelException(e.getMessage());
        }
    }

}
