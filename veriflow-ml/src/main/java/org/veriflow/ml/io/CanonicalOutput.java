package org.veriflow.ml.io;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writer for the engine's canonical binary formats: big-endian integers, IEEE-754 binary64 doubles in
 * big-endian byte order (NaN, which the engine never stores, would be written as the canonical NaN),
 * booleans as one byte 0 or 1, and strings as a 32-bit byte count followed by UTF-8.
 *
 * <p>Not thread-safe.
 */
public final class CanonicalOutput {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    public CanonicalOutput writeInt(int value) {
        try {
            out.writeInt(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public CanonicalOutput writeLong(long value) {
        try {
            out.writeLong(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public CanonicalOutput writeDouble(double value) {
        try {
            out.writeDouble(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Writes every value of {@code values} in order, without a length prefix. */
    public CanonicalOutput writeDoubles(double[] values) {
        for (double v : values) {
            writeDouble(v);
        }
        return this;
    }

    public CanonicalOutput writeBoolean(boolean value) {
        try {
            out.writeByte(value ? 1 : 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public CanonicalOutput writeString(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        try {
            out.write(utf8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Returns a copy of everything written so far. */
    public byte[] toByteArray() {
        return bytes.toByteArray();
    }
}
