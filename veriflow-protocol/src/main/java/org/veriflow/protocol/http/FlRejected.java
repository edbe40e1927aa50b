package org.veriflow.protocol.http;

/**
 * An update a round's aggregation refused.
 *
 * @param participant the participant
 * @param updateSha256 the SHA-256 of its model file (64 hex)
 * @param reason a stable code: {@code WRONG_SHAPE}, {@code NON_FINITE}, {@code NO_CHANGE}, {@code MISSING_BLOB},
 *     {@code KRUM_NOT_SELECTED} or {@code ZERO_TRUST}
 * @param score the rule's score behind the rejection (Krum: its score; FLTrust: the cosine), 0 if none
 */
public record FlRejected(String participant, String updateSha256, String reason, double score) {}
