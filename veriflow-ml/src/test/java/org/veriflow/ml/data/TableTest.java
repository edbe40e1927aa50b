package org.veriflow.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.tensor.Matrix;

class TableTest {

    @Test
    void build_mismatchedLengths_rejected() {
        assertThatThrownBy(() -> Table.builder().numeric("a", new double[3]).numeric("b", new double[2]).build())
                .hasMessageContaining("column 'b' has 2 rows, column 'a' has 3");
        assertThatThrownBy(() -> Table.builder().numeric("a", new double[3]).label("l", List.of("x")).build())
                .hasMessageContaining("label column 'l' has 1 rows");
    }

    @Test
    void build_nonFiniteValue_rejectedNamingColumnAndRow() {
        assertThatThrownBy(() -> Table.builder().numeric("t", new double[] {1, Double.NaN}).build())
                .hasMessageContaining("column 't', row 1").hasMessageContaining("NaN");
        assertThatThrownBy(() -> Table.builder().numeric("t", new double[] {Double.NEGATIVE_INFINITY}).build())
                .hasMessageContaining("-Infinity");
    }

    @Test
    void build_duplicateOrBlankColumn_rejected() {
        assertThatThrownBy(() -> Table.builder().numeric("a", new double[1]).numeric("a", new double[1]))
                .hasMessageContaining("duplicate column 'a'");
        assertThatThrownBy(() -> Table.builder().numeric(" ", new double[1])).hasMessageContaining("blank");
    }

    @Test
    void matrixAndSelectRows_copyValuesInRequestedOrder() {
        double[] a = {1, 2, 3};
        Table t = Table.builder().numeric("a", a).numeric("b", new double[] {4, 5, 6})
                .label("l", List.of("x", "y", "x")).build();
        a[0] = 99;
        Matrix m = t.matrix(List.of("b", "a"));
        assertThat(m.row(0)).containsExactly(4, 1);
        Table picked = t.selectRows(new int[] {2, 0});
        assertThat(picked.column("a")).containsExactly(3, 1);
        assertThat(picked.labels()).containsExactly("x", "x");
        assertThat(t.labelClasses()).containsExactly("x", "y");
        assertThatThrownBy(() -> t.matrix(List.of("c"))).hasMessageContaining("column 'c' not found");
        assertThatThrownBy(() -> t.column("l")).hasMessageContaining("is the categorical label");
    }
}
