package org.veriflow.ml.data;

import java.util.Arrays;
import org.veriflow.ml.io.CanonicalInput;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.io.MalformedModelException;
import org.veriflow.ml.tensor.Matrix;

/**
 * Per-feature standardisation {@code z = (x - mean) / scale}, where {@code scale} is the population
 * standard deviation, or 1 for a constant feature. Sums run over rows in order, so fitting is
 * deterministic.
 *
 * <p>Immutable and thread-safe; the arrays are copied in and out.
 */
public final class Standardizer {

    private final double[] means;
    private final double[] scales;

    /**
     * @throws IllegalArgumentException if the arrays differ in length, a mean is not finite, or a scale
     *     is not positive and finite
     */
    public Standardizer(double[] means, double[] scales) {
        if (means.length != scales.length) {
            throw new IllegalArgumentException(
                    "standardizer has " + means.length + " means but " + scales.length + " scales");
        }
        for (int j = 0; j < means.length; j++) {
            if (!Double.isFinite(means[j]) || !(scales[j] > 0.0) || !Double.isFinite(scales[j])) {
                throw new IllegalArgumentException("standardizer feature " + j + ": mean " + means[j]
                        + " must be finite and scale " + scales[j] + " positive and finite");
            }
        }
        this.means = means.clone();
        this.scales = scales.clone();
    }

    /**
     * Fits means and scales on the rows of {@code x} (the training split only).
     *
     * @throws IllegalArgumentException if {@code x} has no rows
     */
    public static Standardizer fit(Matrix x) {
        int n = x.rows();
        if (n == 0) {
            throw new IllegalArgumentException("cannot fit a standardizer on zero rows");
        }
        int d = x.cols();
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            double[] r = x.row(i);
            for (int j = 0; j < d; j++) {
                mean[j] = mean[j] + r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] = mean[j] / n;
        }
        double[] var = new double[d];
        for (int i = 0; i < n; i++) {
            double[] r = x.row(i);
            for (int j = 0; j < d; j++) {
                double diff = r[j] - mean[j];
                var[j] = var[j] + diff * diff;
            }
        }
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            double std = Math.sqrt(var[j] / n);
            scale[j] = std > 0.0 && Double.isFinite(std) ? std : 1.0;
        }
        return new Standardizer(mean, scale);
    }

    /** Returns the identity transformation for {@code features} features. */
    public static Standardizer identity(int features) {
        double[] ones = new double[features];
        Arrays.fill(ones, 1.0);
        return new Standardizer(new double[features], ones);
    }

    public int features() {
        return means.length;
    }

    public double[] means() {
        return means.clone();
    }

    public double[] scales() {
        return scales.clone();
    }

    /**
     * Returns a new matrix holding the standardised rows of {@code x}.
     *
     * @throws IllegalArgumentException if the column count differs
     */
    public Matrix transform(Matrix x) {
        requireWidth(x.cols());
        Matrix out = Matrix.zeros(x.rows(), x.cols());
        for (int i = 0; i < x.rows(); i++) {
            double[] r = x.row(i);
            double[] o = out.row(i);
            for (int j = 0; j < r.length; j++) {
                o[j] = (r[j] - means[j]) / scales[j];
            }
        }
        return out;
    }

    /** Standardises one row. */
    public double[] transform(double[] row) {
        requireWidth(row.length);
        double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            out[j] = (row[j] - means[j]) / scales[j];
        }
        return out;
    }

    /** Maps one standardised value of feature {@code j} back to original units. */
    public double inverse(int j, double z) {
        return z * scales[j] + means[j];
    }

    private void requireWidth(int width) {
        if (width != means.length) {
            throw new IllegalArgumentException(
                    "standardizer fitted on " + means.length + " features, given " + width);
        }
    }

    /** Writes the feature count, then the means, then the scales. */
    public void write(CanonicalOutput out) {
        out.writeInt(means.length).writeDoubles(means).writeDoubles(scales);
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws MalformedModelException if the values are invalid
     */
    public static Standardizer read(CanonicalInput in) {
        int d = in.readInt("standardizer feature count", 0, 1 << 24);
        double[] means = in.readDoubles(d, "standardizer means");
        double[] scales = in.readDoubles(d, "standardizer scales");
        try {
            return new Standardizer(means, scales);
        } catch (IllegalArgumentException e) {
            throw new MalformedModelException(e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardizer s && Arrays.equals(means, s.means) && Arrays.equals(scales, s.scales);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(means) * 31 + Arrays.hashCode(scales);
    }

    @Override
    public String toString() {
        return "Standardizer[means=" + Arrays.toString(means) + ", scales=" + Arrays.toString(scales) + "]";
    }
}
