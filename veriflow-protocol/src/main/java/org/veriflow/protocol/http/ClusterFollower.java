package org.veriflow.protocol.http;

/**
 * The leader's view of a follower, in {@link Cluster}.
 *
 * @param id the follower's Raft peer id
 * @param matchIndex the highest Raft log index known to be replicated on it
 * @param lastContactMillis how long ago, in milliseconds, the leader last heard from it
 */
public record ClusterFollower(String id, long matchIndex, long lastContactMillis) {}
