package org.veriflow.protocol.http;

/**
 * An update a round's aggregation took in.
 *
 * @param participant the participant
 * @param updateSha256 the SHA-256 of its model file (64 hex)
 * @param weight its share of the aggregate (FedAvg: examples / all examples; FLTrust: trust / all trust)
 */
public record FlAccepted(String participant, String updateSha256, double weight) {}
