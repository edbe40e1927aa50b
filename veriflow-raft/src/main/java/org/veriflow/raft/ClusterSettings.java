package org.veriflow.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How this node takes part in a cluster.
 *
 * @param selfId this node's member id
 * @param members every member, this node included (an odd number is wise: 3 tolerates one down, 5 two)
 * @param storageDir where the Raft log and its metadata live
 * @param maxBlockTxs a block is cut when this many transactions are pending
 * @param maxBlockBytes or when their serialised size would pass this; one Raft entry carries one
 *     block, so the Raft entry and message limits are derived from it
 * @param maxBlockDelay or when the oldest pending transaction has waited this long
 * @param electionTimeout a follower that hears nothing from the leader for this long (up to twice
 *     this, randomised) starts an election; a leader that hears from no majority for as long steps down
 * @param snapshotInterval log entries between snapshots (the ledger itself is the snapshot; the log
 *     before it is purged, and a follower behind the purge fetches blocks instead)
 * @param logSegmentBytes size at which a Raft log segment is closed (only closed segments are purged)
 * @param requestTimeout how long the leader waits for a block to be committed, and a read for the
 *     latest commit, before giving up
 */
public record ClusterSettings(String selfId, List<ClusterMember> members, Path storageDir, int maxBlockTxs, long maxBlockBytes,
    Duration maxBlockDelay, Duration electionTimeout, long snapshotInterval, long logSegmentBytes, Duration requestTimeout) {
  public ClusterSettings {
    Objects.requireNonNull(selfId, "selfId");
    members = List.copyOf(members);
    Objects.requireNonNull(storageDir, "storageDir");
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a cluster needs at least one member");
    }
    Set<String> ids = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    for (ClusterMember m : members) {
      if (!ids.add(m.id())) {
        throw new IllegalArgumentException("member id " + m.id() + " appears twice");
      }
      if (!addresses.add(m.raftAddress())) {
        throw new IllegalArgumentException("raft address " + m.raftAddress() + " appears twice");
      }
    }
    if (!ids.contains(selfId)) {
      throw new IllegalArgumentException("this node's id '" + selfId + "' is not among the members " + members.stream().map(ClusterMember::id).toList());
    }
    if (maxBlockTxs < 1) {
      throw new IllegalArgumentException("maxBlockTxs must be at least 1");
    }
    if (maxBlockBytes < 1024 || maxBlockBytes > MAX_BLOCK_BYTES_LIMIT) {
      throw new IllegalArgumentException("maxBlockBytes must be 1 KiB to " + (MAX_BLOCK_BYTES_LIMIT >> 20) + " MiB, not " + maxBlockBytes);
    }
    if (electionTimeout.toMillis() < 50) {
      throw new IllegalArgumentException("the election timeout must be at least 50 ms");
    }
    if (snapshotInterval < 1) {
      throw new IllegalArgumentException("snapshotInterval must be at least 1");
    }
    if (logSegmentBytes < 64 * 1024) {
      throw new IllegalArgumentException("logSegmentBytes must be at least 64 KiB");
    }
  }

  /** Largest block size accepted: gRPC messages carry an int length, and a block is one message. */
  public static final long MAX_BLOCK_BYTES_LIMIT = 256L << 20;

  public ClusterMember self() {
    return member(selfId);
  }

  /** The member with {@code id}, or null. */
  public ClusterMember member(String id) {
    for (ClusterMember m : members) {
      if (m.id().equals(id)) {
        return m;
      }
    }
    return null;
  }
}
