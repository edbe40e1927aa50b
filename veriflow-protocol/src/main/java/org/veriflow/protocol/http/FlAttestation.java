package org.veriflow.protocol.http;

/**
 * A validator's attestation of a round's aggregation, from its own recomputation.
 *
 * @param validator the attesting validator
 * @param attempt the aggregation of the round it recomputed (1 for the first)
 * @param resultSha256 the SHA-256 of its own encoded round result (64 hex); null (absent) with a failure
 * @param match whether it equals the aggregator's result
 * @param failure why it could not recompute the round; null (absent) when it could
 * @param height the height it was attested at
 * @param txId the id of the {@code fl.attest_round} transaction, signed by the validator (64 hex); null (absent) if the chain did
 *     not record it
 */
public record FlAttestation(String validator, int attempt, String resultSha256, boolean match, String failure, long height,
    String txId) {}
