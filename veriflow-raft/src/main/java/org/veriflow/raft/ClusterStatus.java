package org.veriflow.raft;

import java.util.List;

/**
 * What this node knows of its cluster.
 *
 * @param self this node's id
 * @param role LEADER, FOLLOWER, CANDIDATE or another Raft role, as Raft names it
 * @param leader the leader's id, or null when none is known
 * @param term the current Raft term
 * @param commitIndex the last Raft log index known committed
 * @param appliedIndex the last Raft log index this node applied
 * @param logStartIndex the first index still in this node's Raft log (earlier entries were purged
 *     after a snapshot; a member that needs them installs a snapshot instead)
 * @param members every member
 * @param followers when this node leads: each follower's last replicated index and how long ago it
 *     last answered
 */
public record ClusterStatus(String self, String role, String leader, long term, long commitIndex, long appliedIndex, long logStartIndex,
    List<ClusterMember> members, List<Follower> followers) {
  public record Follower(String id, long matchIndex, long lastContactMillis) {}
}
