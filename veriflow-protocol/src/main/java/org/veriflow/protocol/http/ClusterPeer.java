package org.veriflow.protocol.http;

/**
 * A configured member of a Raft cluster, in {@link Cluster}.
 *
 * @param id its Raft peer id
 * @param raftAddress its Raft address ({@code host:port})
 * @param apiUrl its HTTP API's base URL
 */
public record ClusterPeer(String id, String raftAddress, String apiUrl) {}
