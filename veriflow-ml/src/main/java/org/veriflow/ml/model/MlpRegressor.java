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
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.nn.TrainingOutcome;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * A multi-layer perceptron that predicts one numeric target. Inputs and target are standardised with
 * statistics of the training set only; the network is trained with mean squared error on the
 * standardised target and its output is mapped back to the target's units. The history's metric is
 * the mean absolute error in the target's units.
 *
 * <p>Immutable and thread-safe.
 */
public final class MlpRegressor implements Model {

    private final List<String> features;
    private final String target;
    private final Standardizer inputScaler;
    private final double targetMean;
    private final double targetScale;
    private final Network network;

    MlpRegressor(List<String> features, String target, Standardizer inputScaler, double targetMean,
            double targetScale, Network network) {
        this.features = List.copyOf(features);
        this.target = target;
        this.inputScaler = inputScaler;
        this.targetMean = targetMean;
        this.targetScale = targetScale;
        this.network = network;
        if (!Double.isFinite(targetMean) || !(targetScale > 0.0) || !Double.isFinite(targetScale)) {
            throw new IllegalArgumentException("regressor target mean " + targetMean + " must be finite and scale "
                    + targetScale + " positive");
        }
        if (inputScaler.features() != features.size() || network.inputSize() != features.size()
                || network.outputSize() != 1) {
            throw new IllegalArgumentException("regressor parts disagree: " + features.size() + " features, scaler of "
                    + inputScaler.features() + ", network " + network.inputSize() + "->" + network.outputSize());
        }
    }

    /**
     * Trains a regressor.
     *
     * @param train      training rows
     * @param validation validation rows for early stopping and the history, or null
     * @param features   input columns
     * @param target     numeric target column
     * @throws IllegalArgumentException if a set is empty, a column is missing, or the target is also a
     *     feature
     * @throws IllegalStateException    if training diverges
     */
    public static TrainedModel<MlpRegressor> fit(Table train, Table validation, List<String> features, String target,
            MlpConfig config, Parallelism parallelism, TrainingListener listener) {
        if (features.contains(target)) {
            throw new IllegalArgumentException("the target column '" + target + "' is also a feature");
        }
        Matrix x = Inputs.features(train, features, "training");
        double[] y = targetColumn(train, target, "training");
        Standardizer scaler = Standardizer.fit(x);
        Standardizer targetScaler = Standardizer.fit(Matrix.column(y));
        double mean = targetScaler.means()[0];
        double scale = targetScaler.scales()[0];
        Matrix vx = null;
        Matrix vy = null;
        if (validation != null) {
            vx = scaler.transform(Inputs.features(validation, features, "validation"));
            vy = targetScaler.transform(Matrix.column(targetColumn(validation, target, "validation")));
        }
        Network network = Inputs.mlp(features.size(), 1, config);
        TrainingOutcome outcome = Trainer.fit(network, Loss.MEAN_SQUARED_ERROR, scaler.transform(x),
                targetScaler.transform(Matrix.column(y)), vx, vy, config.training(),
                EpochMetric.meanAbsoluteError(scale), parallelism, listener);
        return new TrainedModel<>(new MlpRegressor(features, target, scaler, mean, scale, network), outcome);
    }

    private static double[] targetColumn(Table table, String target, String what) {
        if (!table.numericColumns().contains(target)) {
            throw new IllegalArgumentException("target column '" + target + "' not found in the " + what
                    + " set; numeric columns: " + table.numericColumns());
        }
        return table.column(target);
    }

    @Override
    public Algorithm algorithm() {
        return Algorithm.MLP_REGRESSOR;
    }

    @Override
    public List<String> featureNames() {
        return features;
    }

    /** The target column's name. */
    public String target() {
        return target;
    }

    /** A copy of the trained network (it works on standardised inputs and targets). */
    public Network network() {
        return network.copy();
    }

    /**
     * Predicts the target for every row of {@code x} (columns in {@link #featureNames()} order).
     *
     * @throws IllegalArgumentException if the width is wrong or a value is not finite
     */
    public double[] predict(Matrix x) {
        Inputs.requireRows(x, features.size());
        Matrix out = network.predict(inputScaler.transform(x), Parallelism.sequential());
        double[] y = new double[x.rows()];
        for (int i = 0; i < y.length; i++) {
            y[i] = out.get(i, 0) * targetScale + targetMean;
        }
        return y;
    }

    /** Predicts the target for every row of {@code table}, reading the feature columns by name. */
    public double[] predict(Table table) {
        return predict(Inputs.features(table, features, "prediction"));
    }

    /** Predicts the target for one row. */
    public double predict(double[] row) {
        return predict(Inputs.single(row))[0];
    }

    /**
     * Input × gradient attributions of the prediction for {@code row}, in the target's units.
     *
     * @throws IllegalArgumentException if the width is wrong or a value is not finite
     */
    public List<FeatureAttribution> explain(double[] row) {
        Inputs.requireRows(Inputs.single(row), features.size());
        double[] z = inputScaler.transform(row);
        double[] grad = network.inputGradient(z, 0);
        List<FeatureAttribution> result = new ArrayList<>();
        for (int j = 0; j < z.length; j++) {
            result.add(new FeatureAttribution(features.get(j), row[j], z[j] * grad[j] * targetScale));
        }
        return List.copyOf(result);
    }

    Standardizer inputScaler() {
        return inputScaler;
    }

    MlpRegressor withNetwork(Network replacement) {
        return new MlpRegressor(features, target, inputScaler, targetMean, targetScale, replacement);
    }

    void writeBody(CanonicalOutput out) {
        Inputs.writeStrings(out, features);
        out.writeString(target);
        inputScaler.write(out);
        out.writeDouble(targetMean).writeDouble(targetScale);
        network.write(out);
    }

    static MlpRegressor readBody(CanonicalInput in) {
        List<String> features = Inputs.readStrings(in, "feature name");
        String target = in.readString("target name");
        Standardizer scaler = Standardizer.read(in);
        double mean = in.readDouble("target mean");
        double scale = in.readDouble("target scale");
        Network network = Network.read(in);
        try {
            return new MlpRegressor(features, target, scaler, mean, scale, network);
        } catch (IllegalArgumentException e) {
            throw new MalformedModelException(e.getMessage());
        }
    }
}
