package org.veriflow.client.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.federated.LocalTraining;
import org.veriflow.ml.federated.Parameters;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;

class UpdateTransformTest {
  private final FederatedRecipe recipe = FakeChain.recipe();
  private final Model base = recipe.initialModel();
  private final Model trained = LocalTraining.train(recipe, base, FakeChain.csv(1, 100), 5, Parallelism.sequential(),
      TrainingListener.none()).model();

  @Test
  void signFlipped_reversesAndScalesTheStepFromTheBase() {
    double[] b = Parameters.of(base);
    double[] t = Parameters.of(trained);
    double[] out = Parameters.of(UpdateTransform.signFlipped(3).transform(base, trained));
    assertThat(out).hasSameSizeAs(b);
    for (int i = 0; i < b.length; i++) {
      assertThat(out[i]).isEqualTo(b[i] - 3 * (t[i] - b[i]));
    }
  }

  @Test
  void signFlipped_scaleNotAboveZero_refused() {
    assertThatThrownBy(() -> UpdateTransform.signFlipped(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above 0");
    assertThatThrownBy(() -> UpdateTransform.signFlipped(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void freeRider_returnsTheBase_identityTheTrained() {
    assertThat(UpdateTransform.freeRider().transform(base, trained).hash()).isEqualTo(base.hash());
    assertThat(UpdateTransform.IDENTITY.transform(base, trained)).isSameAs(trained);
  }
}
