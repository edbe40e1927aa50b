package org.veriflow.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.tensor.Matrix;

class StandardizerAndSplitTest {

    @Test
    void standardizer_fit_usesPopulationStatisticsAndHandlesConstantColumns() {
        Standardizer s = Standardizer.fit(Matrix.of(new double[][] {{1, 5}, {3, 5}}));
        assertThat(s.means()).containsExactly(2, 5);
        assertThat(s.scales()).containsExactly(1, 1);
        Matrix z = s.transform(Matrix.of(new double[][] {{3, 7}}));
        assertThat(z.row(0)).containsExactly(1, 2);
        assertThat(s.inverse(0, 1.0)).isEqualTo(3.0);
    }

    @Test
    void standardizer_fittedOnTrainingRowsOnly_ignoresOtherRows() {
        Table t = Table.builder().numeric("x", new double[] {0, 2, 4, 1000}).build();
        SplitRule.Parts parts = new SplitRule(SplitRule.Kind.RANDOM, 0.0, 0.25).apply(4, null, 1);
        Table train = t.selectRows(parts.train());
        Standardizer s = Standardizer.fit(train.matrix(List.of("x")));
        double sum = 0;
        for (double v : train.column("x")) {
            sum += v;
        }
        assertThat(s.means()[0]).isEqualTo(sum / 3);
    }

    @Test
    void standardizer_wrongWidthOrEmpty_rejected() {
        Standardizer s = Standardizer.identity(2);
        assertThatThrownBy(() -> s.transform(new double[3])).hasMessageContaining("fitted on 2 features, given 3");
        assertThatThrownBy(() -> Standardizer.fit(Matrix.zeros(0, 2))).hasMessageContaining("zero rows");
    }

    @Test
    void randomSplit_partsAreDisjointCompleteAndSized() {
        SplitRule.Parts p = new SplitRule(SplitRule.Kind.RANDOM, 0.2, 0.1).apply(1000, null, 5);
        assertThat(p.test()).hasSize(100);
        assertThat(p.validation()).hasSize(200);
        assertThat(p.train()).hasSize(700).isSorted();
        Set<Integer> all = new HashSet<>();
        for (int[] part : new int[][] {p.train(), p.validation(), p.test()}) {
            for (int i : part) {
                assertThat(all.add(i)).isTrue();
            }
        }
        assertThat(all).hasSize(1000);
        assertThat(new SplitRule(SplitRule.Kind.RANDOM, 0.2, 0.1).apply(1000, null, 5)).isEqualTo(p);
        assertThat(new SplitRule(SplitRule.Kind.RANDOM, 0.2, 0.1).apply(1000, null, 6)).isNotEqualTo(p);
    }

    @Test
    void stratifiedSplit_keepsClassProportionsInEachPart() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            labels.add(i % 10 == 0 ? "rare" : "common");
        }
        SplitRule.Parts p = new SplitRule(SplitRule.Kind.STRATIFIED, 0.2, 0.2).apply(1000, labels, 3);
        long rareInTest = java.util.Arrays.stream(p.test()).filter(i -> labels.get(i).equals("rare")).count();
        long rareInValidation = java.util.Arrays.stream(p.validation()).filter(i -> labels.get(i).equals("rare"))
                .count();
        assertThat(rareInTest).isEqualTo(20);
        assertThat(rareInValidation).isEqualTo(20);
        assertThat(p.train()).hasSize(600);
    }

    @Test
    void split_invalidFractionsOrNoLabels_rejected() {
        assertThatThrownBy(() -> new SplitRule(SplitRule.Kind.RANDOM, 0.6, 0.4)).hasMessageContaining("no training");
        assertThatThrownBy(() -> new SplitRule(SplitRule.Kind.RANDOM, -0.1, 0)).hasMessageContaining("validation");
        assertThatThrownBy(() -> new SplitRule(SplitRule.Kind.STRATIFIED, 0.1, 0.1).apply(10, null, 1))
                .hasMessageContaining("needs one label per row");
        assertThatThrownBy(() -> new SplitRule(SplitRule.Kind.RANDOM, 0.1, 0.1).apply(0, null, 1))
                .hasMessageContaining("empty data set");
        assertThatThrownBy(() -> SplitRule.Kind.fromId("kfold")).hasMessageContaining("unknown split kind 'kfold'");
    }
}
