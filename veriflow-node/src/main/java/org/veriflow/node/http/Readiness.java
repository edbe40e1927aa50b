package org.veriflow.node.http;

import java.util.function.BooleanSupplier;
import org.veriflow.raft.RaftHealth;
import org.veriflow.raft.RaftOrderer;

/**
 * Whether this node can commit now ({@code GET /ready}). A single node is ready while its orderer
 * has not stopped on a storage failure. A cluster member is ready when it knows a leader, is in a
 * majority (as leader: followers that answered within the election timeout; as follower: the leader
 * was heard from within the election timeout), and has applied what is committed, up to {@link
 * #MAX_APPLY_LAG} entries behind. Thread-safe; reads without waiting.
 */
final class Readiness {
  /** Raft entries a member may lag behind the commit index and still count as caught up. */
  static final long MAX_APPLY_LAG = 16;

  /** Why a node is not ready; the names are the {@code reason} of a 503 {@code NOT_READY}. */
  enum Reason {
    /** The node stopped committing (a storage failure) and is shutting down. */
    STOPPED,
    /** No leader is known: an election is under way, or too few members are up to hold one. */
    NO_LEADER,
    /** A leader is known but this member is not in contact with a majority. */
    NO_QUORUM,
    /** This member has not applied what the cluster committed yet. */
    CATCHING_UP
  }

  /** A verdict: ready, or not with a reason and a sentence. */
  record Verdict(Reason reason, String detail) {
    static final Verdict READY = new Verdict(null, "ready");

    boolean ready() {
      return reason == null;
    }
  }

  private final RaftOrderer raft;
  private final BooleanSupplier stopped;

  /**
   * @param raft the cluster's orderer, or null for a single node
   * @param stopped whether the node stopped committing
   */
  Readiness(RaftOrderer raft, BooleanSupplier stopped) {
    this.raft = raft;
    this.stopped = stopped;
  }

  Verdict check() {
    if (stopped.getAsBoolean()) {
      return new Verdict(Reason.STOPPED, "the node stopped committing blocks (see its log) and is shutting down");
    }
    if (raft == null) {
      return Verdict.READY;
    }
    return of(raft.health());
  }

  static Verdict of(RaftHealth h) {
    if (!h.running()) {
      return new Verdict(Reason.STOPPED, "the member's orderer is not running");
    }
    int majority = h.members() / 2 + 1;
    if (h.leader() == null) {
      return new Verdict(Reason.NO_LEADER, "no leader is known; " + majority + " of " + h.members() + " members must be up to elect one");
    }
    if (h.leading() && h.membersInContact() < majority) {
      return new Verdict(Reason.NO_QUORUM, "this member leads but only " + h.membersInContact() + " of " + h.members()
          + " members answered within " + h.electionTimeoutMillis() + " ms; " + majority + " are needed");
    }
    if (!h.leading() && (h.leaderContactMillis() < 0 || h.leaderContactMillis() > h.electionTimeoutMillis())) {
      return new Verdict(Reason.NO_QUORUM, "the leader " + h.leader() + " was not heard from within " + h.electionTimeoutMillis() + " ms");
    }
    long lag = h.commitIndex() - h.appliedIndex();
    if (lag > MAX_APPLY_LAG) {
      return new Verdict(Reason.CATCHING_UP, "applied Raft index " + h.appliedIndex() + " is " + lag + " behind the commit index " + h.commitIndex());
    }
    return Verdict.READY;
  }
}
