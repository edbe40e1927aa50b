package org.veriflow.client.federated;

import java.util.Objects;
import org.veriflow.ml.federated.Parameters;
import org.veriflow.ml.model.Model;

/**
 * A testing and simulation hook of {@link Participant}: changes a participant's locally trained model
 * before it is uploaded and submitted. An honest participant never sets one (the default is {@link
 * #IDENTITY}); demos and tests use it to play a misbehaving participant and show that the chain's
 * robust rules and its contribution accounting catch it: a Byzantine participant ({@link
 * #signFlipped}) or a free-rider that trains nothing ({@link #freeRider}).
 *
 * <p>Implementations must be deterministic (a participant that restarts trains again and must get
 * the same update) and must return a model of the base model's shape.
 */
@FunctionalInterface
public interface UpdateTransform {
  /** Submits the trained model as it is: what every honest participant does. */
  UpdateTransform IDENTITY = (base, trained) -> trained;

  /**
   * The model to upload instead of {@code trained}.
   *
   * @param base the round's global model the participant started from
   * @param trained the model after local training
   * @return the model to upload and submit
   */
  Model transform(Model base, Model trained);

  /**
   * A Byzantine participant: its update's step from the base model is reversed and scaled,
   * {@code base - scale × (trained - base)}, parameter by parameter.
   *
   * @param scale how far the reversed step goes, above 0 (e.g. 3)
   * @return the transform
   * @throws IllegalArgumentException if {@code scale} is not a finite number above 0
   */
  static UpdateTransform signFlipped(double scale) {
    if (!(scale > 0) || !Double.isFinite(scale)) {
      throw new IllegalArgumentException("the scale of a sign-flipped update must be a finite number above 0, not " + scale);
    }
    return (base, trained) -> {
      double[] b = Parameters.of(base);
      double[] t = Parameters.of(trained);
      double[] out = new double[b.length];
      for (int i = 0; i < b.length; i++) {
        out[i] = b[i] - scale * (t[i] - b[i]);
      }
      return Parameters.with(base, out);
    };
  }

  /**
   * A free-rider: submits the round's global model unchanged, as if it had trained.
   *
   * @return the transform
   */
  static UpdateTransform freeRider() {
    return (base, trained) -> Objects.requireNonNull(base, "base");
  }
}
