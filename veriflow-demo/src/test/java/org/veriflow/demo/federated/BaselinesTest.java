package org.veriflow.demo.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.tensor.Parallelism;

class BaselinesTest {
  private static byte[] office(int index, int days, long seed) {
    return OfficeStreams.csv(new OfficeModel(Office.scenario().get(index), 2, Duration.ofMinutes(30), days, seed), List.of("a", "b"), 0);
  }

  @Test
  void pooled_keepsOneHeaderAndEveryRow() {
    byte[] a = "h1,h2\n1,2\n".getBytes(StandardCharsets.UTF_8);
    byte[] b = "h1,h2\n3,4\n5,6".getBytes(StandardCharsets.UTF_8);
    assertThat(new String(Baselines.pooled(List.of(a, b)), StandardCharsets.UTF_8)).isEqualTo("h1,h2\n1,2\n3,4\n5,6\n");
  }

  @Test
  void pooled_differentHeaders_orNothing_refused() {
    assertThatThrownBy(() -> Baselines.pooled(List.of("a\n1\n".getBytes(StandardCharsets.UTF_8), "b\n1\n".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different headers");
    assertThatThrownBy(() -> Baselines.pooled(List.of())).hasMessageContaining("at least one CSV");
  }

  @Test
  void train_sameInputs_sameModel_andLearnsOccupancy() {
    byte[] root = office(6, 1, 3);
    byte[] train = office(2, 3, 4);
    byte[] validation = office(5, 2, 5);
    FederatedRecipe recipe = OccupancyRecipe.of(root, 1, 9);
    Baselines.Outcome first = Baselines.train(recipe, "local-1", 3, train, validation, Parallelism.sequential());
    Baselines.Outcome again = Baselines.train(recipe, "local-1", 3, train, validation, Parallelism.threads(2));
    assertThat(again.model().toCanonicalBytes()).isEqualTo(first.model().toCanonicalBytes());
    assertThat(first.validation().accuracy()).as("better than always guessing 'empty'").isGreaterThan(0.85);
    assertThat(Baselines.train(recipe, "local-2", 3, train, validation, Parallelism.sequential()).model().toCanonicalBytes())
        .as("the name seeds the shuffling").isNotEqualTo(first.model().toCanonicalBytes());
    assertThatThrownBy(() -> Baselines.train(recipe, "x", 0, train, validation, Parallelism.sequential())).hasMessageContaining("at least one round");
  }

  @Test
  void recipe_scalingFromTheRoot_badRootRefused() {
    FederatedRecipe recipe = OccupancyRecipe.of(office(6, 1, 3), 2, 9);
    assertThat(recipe.features()).isEqualTo(OfficeFields.FEATURES);
    assertThat(recipe.classes()).containsExactly("0", "1");
    assertThat(recipe.epochs()).isEqualTo(2);
    assertThat(recipe.scales()).allSatisfy(s -> assertThat(s.signum()).isPositive());
    assertThatThrownBy(() -> OccupancyRecipe.of("temperature,humidity,light\n1,2,3\n4,5,6\n".getBytes(StandardCharsets.UTF_8), 1, 1))
        .hasMessageContaining("no column co2");
    assertThatThrownBy(() -> OccupancyRecipe.of("temperature,humidity,light,co2\n1,2,3,4\n1,5,6,7\n".getBytes(StandardCharsets.UTF_8), 1, 1))
        .hasMessageContaining("temperature never varies");
    assertThatThrownBy(() -> OccupancyRecipe.of("temperature,humidity,light,co2\n1,2,3,4\n".getBytes(StandardCharsets.UTF_8), 1, 1))
        .hasMessageContaining("at least two rows");
    assertThatThrownBy(() -> OccupancyRecipe.of("temperature,humidity,light,co2\n1,2,3,x\n2,3,4,5\n".getBytes(StandardCharsets.UTF_8), 1, 1))
        .hasMessageContaining("no number in column co2");
  }
}
