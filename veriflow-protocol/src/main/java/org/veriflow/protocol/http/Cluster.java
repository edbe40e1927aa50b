package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/cluster}: the cluster as this node sees it, and its head. Unlike the other
 * bodies, its null fields are written as explicit {@code null}s.
 *
 * @param clustered whether the node runs in a Raft cluster
 * @param self this node's Raft peer id, or null on a single node
 * @param role {@code LEADER}, {@code FOLLOWER}, {@code CANDIDATE}, ... or {@code SOLO} on a single node
 * @param leader the leader's Raft peer id, or null when none is known (and on a single node)
 * @param term the Raft term
 * @param commitIndex the Raft commit index
 * @param appliedIndex the last Raft log index applied to the ledger
 * @param logStartIndex the first Raft log index still held
 * @param members the configured members
 * @param followers the leader's view of its followers (empty on other nodes)
 * @param chainId the chain's id
 * @param height the head's height
 * @param blockHash the head's block hash (64 hex)
 * @param stateHash the head's state hash (64 hex)
 */
public record Cluster(boolean clustered, String self, String role, String leader, long term, long commitIndex, long appliedIndex,
    long logStartIndex, List<ClusterPeer> members, List<ClusterFollower> followers, String chainId, long height, String blockHash,
    String stateHash) {
  /** Copies the lists. */
  public Cluster {
    members = List.copyOf(members);
    followers = List.copyOf(followers);
  }
}
