package org.veriflow.ml.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reader for the formats written by {@link CanonicalOutput}. Every read checks the remaining length and
 * every malformed input is reported as {@link MalformedModelException} naming the byte offset.
 *
 * <p>Not thread-safe.
 */
public final class CanonicalInput {

    private final ByteBuffer buffer;

    public CanonicalInput(byte[] bytes) {
        this.buffer = ByteBuffer.wrap(bytes.clone());
    }

    private void need(int count, String what) {
        if (buffer.remaining() < count) {
            throw new MalformedModelException("truncated at byte " + buffer.position() + ": " + what
                    + " needs " + count + " bytes, " + buffer.remaining() + " left");
        }
    }

    public int readInt(String what) {
        need(4, what);
        return buffer.getInt();
    }

    /**
     * Reads an int that must lie in [min, max].
     *
     * @throws MalformedModelException if it does not
     */
    public int readInt(String what, int min, int max) {
        int position = buffer.position();
        int value = readInt(what);
        if (value < min || value > max) {
            throw new MalformedModelException(what + " at byte " + position + " is " + value
                    + ", expected a value in [" + min + ", " + max + "]");
        }
        return value;
    }

    public long readLong(String what) {
        need(8, what);
        return buffer.getLong();
    }

    /**
     * Reads a double that must be finite.
     *
     * @throws MalformedModelException if it is NaN or infinite
     */
    public double readDouble(String what) {
        need(8, what);
        int position = buffer.position();
        double value = buffer.getDouble();
        if (!Double.isFinite(value)) {
            throw new MalformedModelException(what + " at byte " + position + " is " + value + ", not finite");
        }
        return value;
    }

    /** Reads {@code count} finite doubles. */
    public double[] readDoubles(int count, String what) {
        need(Math.multiplyExact(count, 8), what);
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = readDouble(what);
        }
        return values;
    }

    public boolean readBoolean(String what) {
        need(1, what);
        int position = buffer.position();
        byte b = buffer.get();
        if (b != 0 && b != 1) {
            throw new MalformedModelException(what + " at byte " + position + " is " + b + ", expected 0 or 1");
        }
        return b == 1;
    }

    /** Reads a length-prefixed UTF-8 string of at most 65,536 bytes. */
    public String readString(String what) {
        int length = readInt(what + " length", 0, 1 << 16);
        need(length, what);
        byte[] utf8 = new byte[length];
        buffer.get(utf8);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedModelException(what + " is not valid UTF-8");
        }
    }

    /** Reads a string that must equal {@code expected}. */
    public void expectString(String expected, String what) {
        String actual = readString(what);
        if (!actual.equals(expected)) {
            throw new MalformedModelException(what + " is '" + actual + "', expected '" + expected + "'");
        }
    }

    /**
     * Checks that every byte has been read.
     *
     * @throws MalformedModelException if bytes remain
     */
    public void requireEnd() {
        if (buffer.hasRemaining()) {
            throw new MalformedModelException(
                    buffer.remaining() + " unexpected trailing bytes at byte " + buffer.position());
        }
    }
}
