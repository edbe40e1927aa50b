package org.veriflow.raft;

/**
 * What this member's Raft server knows, read without waiting, for deciding whether it can commit.
 *
 * @param running whether the orderer runs (false once stopped or failed)
 * @param leader the leader's member id, or null when none is known
 * @param leading whether this member leads
 * @param members the cluster's size
 * @param membersInContact when leading: this member plus the followers that answered within the
 *     election timeout; otherwise -1 (a follower knows only its leader)
 * @param leaderContactMillis when following: how long ago the leader was last heard from; otherwise -1
 * @param electionTimeoutMillis the configured election timeout
 * @param commitIndex the last Raft log index known committed
 * @param appliedIndex the last Raft log index this member applied
 */
public record RaftHealth(boolean running, String leader, boolean leading, int members, int membersInContact, long leaderContactMillis,
    long electionTimeoutMillis, long commitIndex, long appliedIndex) {}
