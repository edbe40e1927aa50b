package org.veriflow.ml.federated;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.veriflow.ml.model.Model;

/**
 * Where a model's parameters sit in its canonical model file, so that another file can be checked to
 * be the same model with other parameter values (same engine, algorithm, features, label, classes,
 * scaler and architecture: every other byte identical) and its parameters read even when they are not
 * finite (which {@link org.veriflow.ml.model.ModelFile#read} refuses).
 *
 * <p>The positions are found by writing the template twice, once with every parameter 0.0 (bytes 0x00)
 * and once with every parameter of bit pattern 0x5555555555555555 (a finite double): exactly the
 * parameter bytes differ. Immutable and thread-safe.
 */
final class ModelShape {

    private static final double PATTERN = Double.longBitsToDouble(0x5555555555555555L);

    private final byte[] zeroFile;
    private final int[] offsets;

    ModelShape(Model template) {
        double[] values = Parameters.of(template);
        Arrays.fill(values, 0.0);
        byte[] zeros = Parameters.with(template, values).toCanonicalBytes();
        Arrays.fill(values, PATTERN);
        byte[] pattern = Parameters.with(template, values).toCanonicalBytes();
        int[] found = new int[values.length];
        int k = 0;
        int i = 0;
        while (i < zeros.length) {
            if (zeros[i] != pattern[i]) {
                found[k++] = i;
                i += Double.BYTES;
            } else {
                i++;
            }
        }
        if (k != values.length || zeros.length != pattern.length) {
            throw new IllegalStateException("the model file layout does not hold its " + values.length
                    + " parameters as contiguous doubles");
        }
        this.zeroFile = zeros;
        this.offsets = found;
    }

    int parameterCount() {
        return offsets.length;
    }

    /**
     * Returns the parameters of {@code file} if it is a model file of the template's shape, or null if
     * it is not (other length, or any non-parameter byte differs). Parameters may be non-finite.
     */
    double[] parameters(byte[] file) {
        if (file.length != zeroFile.length) {
            return null;
        }
        int from = 0;
        for (int offset : offsets) {
            if (!Arrays.equals(file, from, offset, zeroFile, from, offset)) {
                return null;
            }
            from = offset + Double.BYTES;
        }
        if (!Arrays.equals(file, from, file.length, zeroFile, from, file.length)) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(file);
        double[] values = new double[offsets.length];
        for (int k = 0; k < offsets.length; k++) {
            values[k] = buffer.getDouble(offsets[k]);
        }
        return values;
    }
}
