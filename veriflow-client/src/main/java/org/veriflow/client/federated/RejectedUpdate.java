package org.veriflow.client.federated;

/**
 * An update a round's aggregation refused.
 *
 * @param participant the participant
 * @param updateSha256 SHA-256 of its model file (64 hex)
 * @param reason a stable code: WRONG_SHAPE, NON_FINITE, NO_CHANGE, MISSING_BLOB, KRUM_NOT_SELECTED or ZERO_TRUST
 * @param score the rule's score behind the rejection (Krum: its score; FLTrust: the cosine), 0 if none
 */
public record RejectedUpdate(String participant, String updateSha256, String reason, double score) {}
