package org.veriflow.client.federated;

/**
 * An update a round's aggregation took in.
 *
 * @param participant the participant
 * @param updateSha256 SHA-256 of its model file (64 hex)
 * @param weight its share of the aggregate (FedAvg: examples / all examples; FLTrust: trust / all trust)
 */
public record AcceptedUpdate(String participant, String updateSha256, double weight) {}
