package org.veriflow.client.federated;

import java.util.Objects;
import java.util.Optional;

/**
 * A validator's attestation of a round's aggregation, from its own recomputation.
 *
 * @param validator the attesting validator
 * @param attempt the aggregation of the round it recomputed (1 for the first)
 * @param resultSha256 SHA-256 of its own encoded round result (64 hex); empty with a failure
 * @param match whether it equals the aggregator's result
 * @param failure why it could not recompute the round, if it could not
 * @param height the height it was attested at
 * @param txId the id of its {@code fl.attest_round} transaction, signed by the validator (64 hex); empty if the chain did not record it
 */
public record RoundAttestation(String validator, int attempt, String resultSha256, boolean match, Optional<String> failure, long height,
    Optional<String> txId) {
  /** @throws NullPointerException if a reference is null */
  public RoundAttestation {
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(txId, "txId");
  }
}
