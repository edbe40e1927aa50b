package org.veriflow.ml.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.data.SplitRule;
import org.veriflow.ml.io.Json;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Algorithm;

class RecipeCostTest {
  private static final Sha256 DATA = Sha256.of(new byte[] {1});
  private static final Recipe.Split SPLIT = new Recipe.Split(SplitRule.Kind.RANDOM, new BigDecimal("0.2"), BigDecimal.ZERO);

  private static Recipe mlp(List<Integer> hidden, int epochs, int features) {
    List<String> columns = java.util.stream.IntStream.range(0, features).mapToObj(i -> "f" + i).toList();
    return Recipe.of("data", DATA, columns, "y", SPLIT, Algorithm.MLP_REGRESSOR, Map.of("hiddenLayers", hidden, "epochs", epochs), 1);
  }

  @Test
  void of_mlp_parametersTimesRowsTimesEpochs() {
    // widths 3 -> 4 -> 2 -> 1: (3+1)*4 + (4+1)*2 + (2+1)*1 = 16 + 10 + 3 = 29
    RecipeCost cost = RecipeCost.of(mlp(List.of(4, 2), 7, 3), 100);
    assertThat(cost.parameters()).isEqualTo(29);
    assertThat(cost.operations()).isEqualTo(29L * 100 * 7);
    assertThat(cost.memoryBytes()).isPositive();
  }

  @Test
  void of_twoLayersOfTwoToTheTwenty_saturatesAboveAnyLimit() {
    RecipeCost cost = RecipeCost.of(mlp(List.of(1 << 20, 1 << 20), 1_000_000, 1), 10_000);
    assertThat(cost.parameters()).isGreaterThan(1L << 40);
    assertThat(cost.operations()).isEqualTo(Long.MAX_VALUE);
    assertThat(cost.memoryBytes()).isGreaterThan(8L << 40);
  }

  @Test
  void of_kMeansAndIsolationForest_growWithRows() {
    Recipe kmeans = Recipe.of("data", DATA, List.of("a", "b"), null, SPLIT, Algorithm.K_MEANS, Map.of("clusters", 3), 1);
    assertThat(RecipeCost.of(kmeans, 2_000).operations()).isEqualTo(2 * RecipeCost.of(kmeans, 1_000).operations());
    Recipe forest = Recipe.of("data", DATA, List.of("a"), null, SPLIT, Algorithm.ISOLATION_FOREST, Map.of(), 1);
    assertThat(RecipeCost.of(forest, 10_000).operations()).isGreaterThan(RecipeCost.of(forest, 1_000).operations());
  }

  @Test
  void of_negativeRows_refused() {
    assertThatThrownBy(() -> RecipeCost.of(mlp(List.of(2), 1, 1), -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jsonParse_nestedDeeperThanTheBound_refusedNotStackOverflow() {
    String deep = "[".repeat(65_536) + "]".repeat(65_536);
    assertThatThrownBy(() -> Json.parse(deep)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nest deeper");
    assertThatThrownBy(() -> Recipe.parse(deep.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    String atBound = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    assertThat(Json.parse(atBound)).isInstanceOf(List.class);
  }
}
