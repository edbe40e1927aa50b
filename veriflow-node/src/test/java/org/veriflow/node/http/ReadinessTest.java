package org.veriflow.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.veriflow.raft.RaftHealth;

/** The readiness verdict over what a member's Raft server knows: each reason, and ready. */
class ReadinessTest {
  private static final long ELECTION = 300;

  @Test
  void leaderInContactWithAMajority_caughtUp_ready() {
    assertThat(Readiness.of(new RaftHealth(true, "node1", true, 3, 2, -1, ELECTION, 100, 95)).ready()).isTrue();
  }

  @Test
  void followerHearingItsLeader_ready() {
    assertThat(Readiness.of(new RaftHealth(true, "node1", false, 3, -1, 40, ELECTION, 100, 100)).ready()).isTrue();
  }

  @Test
  void noLeaderKnown_notReady_noLeader() {
    assertThat(Readiness.of(new RaftHealth(true, null, false, 3, -1, -1, ELECTION, 100, 100)).reason()).isEqualTo(Readiness.Reason.NO_LEADER);
  }

  @Test
  void leaderAlone_notReady_noQuorum() {
    assertThat(Readiness.of(new RaftHealth(true, "node1", true, 3, 1, -1, ELECTION, 100, 100)).reason()).isEqualTo(Readiness.Reason.NO_QUORUM);
  }

  @Test
  void followerNotHearingItsLeader_notReady_noQuorum() {
    assertThat(Readiness.of(new RaftHealth(true, "node1", false, 3, -1, ELECTION + 1, ELECTION, 100, 100)).reason())
        .isEqualTo(Readiness.Reason.NO_QUORUM);
  }

  @Test
  void appliedFarBehindTheCommitIndex_notReady_catchingUp() {
    assertThat(Readiness.of(new RaftHealth(true, "node1", false, 3, -1, 10, ELECTION, 100, 100 - Readiness.MAX_APPLY_LAG - 1)).reason())
        .isEqualTo(Readiness.Reason.CATCHING_UP);
    assertThat(Readiness.of(new RaftHealth(true, "node1", false, 3, -1, 10, ELECTION, 100, 100 - Readiness.MAX_APPLY_LAG)).ready()).isTrue();
  }

  @Test
  void ordererStopped_notReady_stopped() {
    assertThat(Readiness.of(new RaftHealth(false, null, false, 3, -1, -1, ELECTION, -1, -1)).reason()).isEqualTo(Readiness.Reason.STOPPED);
    assertThat(new Readiness(null, () -> true).check().reason()).isEqualTo(Readiness.Reason.STOPPED);
    assertThat(new Readiness(null, () -> false).check().ready()).isTrue();
  }
}
