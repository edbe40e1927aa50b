package org.veriflow.client.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.veriflow.client.ClientException;
import org.veriflow.protocol.http.FlAccepted;
import org.veriflow.protocol.http.FlAttestation;
import org.veriflow.protocol.http.FlContribution;
import org.veriflow.protocol.http.FlParticipant;
import org.veriflow.protocol.http.FlRejected;
import org.veriflow.protocol.http.FlRound;
import org.veriflow.protocol.http.FlRoundResult;
import org.veriflow.protocol.http.FlTask;
import org.veriflow.protocol.http.FlUpdate;
import org.veriflow.protocol.http.ModelDataset;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.TaskStatus;

/** The node's federated records as the SDK's: typed statuses and rules, datasets as sources, absent fields as empty. */
class FederatedClientTest {
  private static final String H = "ab".repeat(32);

  private static FlTask task(String status, String rule) {
    ModelDataset validation = new ModelDataset("s-val", H, H, null, null);
    ModelDataset joined = new ModelDataset("", H, "", "data-1", 2L);
    return new FlTask("t1", "owner", status, H, "{}", 2, 5, 10_000, 1, 3, rule, 0, 1, 0, validation, null, 100, List.of("a"), List.of(), List.of(),
        "agg", "m1", 31, H, List.of(new FlParticipant("p1", joined, 40, 7, 1500, 1, 1, 0, 60, "55".repeat(32))), 1, 3, 6, 0, null, 0);
  }

  @Test
  void task_nodesRecord_typedWithDatasetSources() {
    Task t = FederatedClient.task(task("RUNNING", "KRUM"));
    assertThat(t.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(t.rule()).isEqualTo(AggregationRule.KRUM);
    assertThat(t.roundBlocks()).isEqualTo(5);
    assertThat(t.roundMillis()).isEqualTo(10_000);
    assertThat(t.validation().source()).isEqualTo(DatasetSource.snapshot("s-val"));
    assertThat(t.root()).isEmpty();
    assertThat(t.cancelReason()).isEmpty();
    assertThat(t.finished()).isFalse();
    TaskParticipant p = t.participant("p1").orElseThrow();
    assertThat(p.dataset().source()).isEqualTo(DatasetSource.version("data-1", 2));
    assertThat(p.dataset().readingsRoot()).isEmpty();
    assertThat(p.contributionMicros()).isEqualTo(1500);
    assertThat(p.joinTxId()).contains("55".repeat(32));
    assertThat(t.participant("p2")).isEmpty();
  }

  @Test
  void task_statusOrRuleThisClientDoesNotKnow_badResponse() {
    assertThatThrownBy(() -> FederatedClient.task(task("PAUSED", "FEDAVG"))).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.code()).isEqualTo("BAD_RESPONSE"));
    assertThatThrownBy(() -> FederatedClient.task(task("RUNNING", "MEAN"))).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.code()).isEqualTo("BAD_RESPONSE"));
  }

  @Test
  void round_aggregatedRecord_resultAndContributionsByParticipant() {
    FlRoundResult result = new FlRoundResult(H, List.of(new FlAccepted("p1", H, 1.0)), List.of(new FlRejected("p2", H, "KRUM_NOT_SELECTED", 4.5)),
        List.of(new FlContribution("p1", -20)), 0.4, 0.9);
    FlRound r = new FlRound("t1", 1, "VERIFIED", 3, 8, 1_700_000_010_000L, H, List.of(new FlUpdate("p1", H, 40, 31, new TreeMap<>(), 4, H)), 1, H, result, 9,
        List.of(new FlAttestation("v1", 1, H, true, null, 10, "66".repeat(32))), 10, null);
    Round round = FederatedClient.round(r);
    assertThat(round.status()).isEqualTo(RoundStatus.VERIFIED);
    assertThat(round.deadlineHeight()).isEqualTo(8);
    assertThat(round.deadlineMillis()).isEqualTo(1_700_000_010_000L);
    assertThat(round.update("p1")).isPresent();
    assertThat(round.rejection()).isEmpty();
    RoundResult x = round.result().orElseThrow();
    assertThat(x.contributionMicros()).containsEntry("p1", -20L);
    assertThat(x.rejected()).singleElement().satisfies(j -> assertThat(j.reason()).isEqualTo("KRUM_NOT_SELECTED"));
    assertThat(round.attestations()).singleElement().satisfies(a -> {
      assertThat(a.failure()).isEmpty();
      assertThat(a.txId()).contains("66".repeat(32));
    });
    FlRound unrecorded = new FlRound("t1", 1, "VERIFIED", 3, 8, 0, H, List.of(), 1, H, result, 9, List.of(new FlAttestation("v1", 1, H, true, null,
        10, null)), 10, null);
    assertThat(FederatedClient.round(unrecorded).attestations().get(0).txId()).isEmpty();

    FlRound open = new FlRound("t1", 2, "OPEN", 9, 14, 0, H, List.of(), 0, null, null, 0, List.of(), 0, null);
    assertThat(FederatedClient.round(open).result()).isEmpty();
    assertThat(FederatedClient.round(open).deadlineMillis()).isZero();
    assertThat(FederatedClient.round(open).resultSha256()).isEmpty();
  }
}
