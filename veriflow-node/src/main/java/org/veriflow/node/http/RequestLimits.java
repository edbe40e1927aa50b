package org.veriflow.node.http;

import org.veriflow.protocol.Limits;

/**
 * The node-local bounds on signed requests (configured in {@code NodeConfig}).
 *
 * @param noncesPerIdentity most signed-request nonces remembered at once for one identity; past it,
 *     that identity's signed requests are refused ({@code REPLAY_CACHE_FULL}) until its oldest expire
 * @param predictionsPerMinute predictions one identity may ask of this node per minute
 * @param predictInputsPerMinute inputs one identity may send to this node's predictions per minute;
 *     at least one request's most inputs ({@link Limits#PREDICT_INPUTS_PER_REQUEST})
 */
public record RequestLimits(int noncesPerIdentity, long predictionsPerMinute, long predictInputsPerMinute) {
  /** @throws IllegalArgumentException if a limit is below 1, or the inputs limit below one request's most inputs */
  public RequestLimits {
    if (noncesPerIdentity < 1 || predictionsPerMinute < 1) {
      throw new IllegalArgumentException("request limits must be at least 1, not " + noncesPerIdentity + " nonces and " + predictionsPerMinute
          + " predictions per minute");
    }
    if (predictInputsPerMinute < Limits.PREDICT_INPUTS_PER_REQUEST) {
      throw new IllegalArgumentException("inputs per minute must be at least one request's most inputs (" + Limits.PREDICT_INPUTS_PER_REQUEST
          + "), not " + predictInputsPerMinute);
    }
  }
}
