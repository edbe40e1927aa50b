package org.veriflow.ml.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CanonicalDecimalTest {

    @Test
    void format_values_seventeenSignificantDigitsWithoutTrailingZeros() {
        assertThat(CanonicalDecimal.format(0.5)).isEqualTo("0.5");
        assertThat(CanonicalDecimal.format(-0.0)).isEqualTo("0");
        assertThat(CanonicalDecimal.format(2.0)).isEqualTo("2");
        assertThat(CanonicalDecimal.format(1e21)).isEqualTo("1E+21");
        assertThat(CanonicalDecimal.format(2e-3)).isEqualTo("0.002");
        // Java 17's Double.toString gives "2.0E-3" and, for some values, a non-shortest form; these
        // strings are fixed by BigDecimal arithmetic instead.
        assertThat(CanonicalDecimal.format(1.0E23)).isEqualTo("9.9999999999999992E+22");
    }

    @Test
    void format_anyDouble_parsesBackToSameBits() {
        org.veriflow.ml.random.Xoshiro256StarStar r = org.veriflow.ml.random.Xoshiro256StarStar.create(1);
        for (int i = 0; i < 10_000; i++) {
            double v = Double.longBitsToDouble(r.nextLong());
            if (Double.isFinite(v)) {
                assertThat(Double.parseDouble(CanonicalDecimal.format(v))).isEqualTo(v == 0.0 ? 0.0 : v);
            }
        }
    }

    @Test
    void format_nonFinite_rejected() {
        assertThatThrownBy(() -> CanonicalDecimal.format(Double.NaN)).hasMessageContaining("non-finite");
    }
}
