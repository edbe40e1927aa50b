package org.veriflow.client.federated;

/**
 * Hears a {@link Participant}'s progress, round by round. Calls come from the participant's thread,
 * in order; each phase of a round is reported at most once per run. Implementations must be quick
 * and must not throw.
 */
@FunctionalInterface
public interface RoundListener {
  /** Ignores every step. */
  RoundListener NONE = progress -> { };

  /**
   * A step of one round.
   *
   * @param progress the round, its phase and what is known of it
   */
  void onProgress(RoundProgress progress);
}
