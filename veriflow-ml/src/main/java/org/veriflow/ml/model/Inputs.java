package org.veriflow.ml.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.io.CanonicalInput;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.nn.Network;
import org.veriflow.ml.tensor.Matrix;

/** Checks and conversions shared by the models. */
final class Inputs {

    private Inputs() {
    }

    /**
     * Checks the feature list against {@code table} and returns the feature matrix.
     *
     * @throws IllegalArgumentException if the table is empty or a feature is missing or repeated
     */
    static Matrix features(Table table, List<String> features, String what) {
        if (table == null) {
            throw new IllegalArgumentException("the " + what + " set is missing");
        }
        if (table.rowCount() == 0) {
            throw new IllegalArgumentException("the " + what + " set is empty");
        }
        requireFeatureNames(features);
        for (String f : features) {
            if (!table.numericColumns().contains(f)) {
                throw new IllegalArgumentException("feature column '" + f + "' not found in the " + what
                        + " set; numeric columns: " + table.numericColumns());
            }
        }
        return table.matrix(features);
    }

    static void requireFeatureNames(List<String> features) {
        if (features.isEmpty()) {
            throw new IllegalArgumentException("at least one feature column is needed");
        }
        Set<String> seen = new HashSet<>();
        for (String f : features) {
            if (!seen.add(f)) {
                throw new IllegalArgumentException("feature column '" + f + "' is listed twice");
            }
        }
    }

    /**
     * Checks that a row matrix has the model's width.
     *
     * @throws IllegalArgumentException if it does not, or holds a non-finite value
     */
    static void requireRows(Matrix x, int width) {
        if (x.cols() != width) {
            throw new IllegalArgumentException("input has " + x.cols() + " features, the model takes " + width);
        }
        for (int i = 0; i < x.rows(); i++) {
            for (double v : x.row(i)) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("input row " + i + " holds " + v + "; values must be finite");
                }
            }
        }
    }

    static Matrix single(double[] row) {
        return Matrix.of(new double[][] {row});
    }

    static Network mlp(int inputs, int outputs, MlpConfig config) {
        Network.Builder b = Network.builder(inputs, config.training().seed());
        for (int units : config.hiddenLayers()) {
            b.dense(units);
            if (config.batchNorm()) {
                b.batchNorm();
            }
            b.activation(config.activation());
            if (config.dropout() > 0.0) {
                b.dropout(config.dropout());
            }
        }
        return b.dense(outputs).build();
    }


    static void writeStrings(CanonicalOutput out, List<String> values) {
        out.writeInt(values.size());
        for (String v : values) {
            out.writeString(v);
        }
    }

    static List<String> readStrings(CanonicalInput in, String what) {
        int n = in.readInt(what + " count", 0, 1 << 20);
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            values.add(in.readString(what));
        }
        return List.copyOf(values);
    }
}
