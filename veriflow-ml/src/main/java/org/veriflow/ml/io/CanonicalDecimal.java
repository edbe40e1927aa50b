package org.veriflow.ml.io;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Text form of doubles that is the same on every JDK: the exact binary value rounded to 17 significant
 * digits (half-even, enough to read back the same double), trailing zeros removed, written by
 * {@link BigDecimal#toString()} (scientific notation only for very small or large magnitudes).
 * {@link Double#toString(double)} is avoided because its digits changed between JDK 17 and 19.
 */
public final class CanonicalDecimal {

    private static final MathContext SEVENTEEN_DIGITS = new MathContext(17, RoundingMode.HALF_EVEN);

    private CanonicalDecimal() {
    }

    /**
     * Formats a finite double; negative zero is written as {@code 0}.
     *
     * @throws IllegalArgumentException if {@code value} is NaN or infinite
     */
    public static String format(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("cannot format non-finite value " + value);
        }
        if (value == 0.0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(SEVENTEEN_DIGITS).stripTrailingZeros();
        return rounded.toString();
    }
}
