package org.veriflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.cli.Veriflow;

/**
 * {@code ./veriflow demo federated}, shortened (two days of readings every 30 minutes, three rounds),
 * run as a user runs it; report.json must hold the documented structure and the figures that hold
 * even on so little data: FedAvg ruined by the Byzantine participant, the robust headline rule at
 * least 0.97 × the centralised model, every round recomputed by the node's verifier, no reward for
 * the free-rider, nor for the Byzantine participant under the rules that throw its updates out.
 */
class FederatedDemoTest {
  private static final int ROUNDS = 3;
  @TempDir Path tmp;

  @Test
  void shortenedFederatedDemo_robustRulesResistTheByzantineParticipant_andTheReportHoldsEveryRound() throws Exception {
    Path out = tmp.resolve("federated");
    Veriflow.Captured run = Veriflow.capture("demo", "federated", "--out", out.toString(), "--rounds", Integer.toString(ROUNDS), "--days", "2",
        "--interval-min", "30");
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("round  1/" + ROUNDS).contains("robust / centralised").contains("Report: ");

    JsonNode report = new ObjectMapper().readTree(out.resolve("report/report.json").toFile());
    Map<String, String> behaviour = new HashMap<>();
    for (JsonNode p : report.path("participants")) {
      assertThat(p.path("id").asText()).startsWith("vf1");
      assertThat(p.path("contribution").isNumber()).isTrue();
      behaviour.put(p.path("id").asText(), p.path("behaviour").asText());
      if (!p.path("behaviour").asText().equals("honest")) {
        assertThat(p.path("reward").asLong()).as("%s gets nothing", p).isZero();
      }
    }
    assertThat(behaviour).hasSize(5);
    assertThat(behaviour.values()).containsOnlyOnce("byzantine", "free-rider");

    JsonNode rounds = report.path("rounds");
    assertThat(rounds).hasSize(5 * ROUNDS);
    for (JsonNode r : rounds) {
      assertThat(r.path("round").asInt()).isBetween(1, ROUNDS);
      assertThat(r.path("rule").asText()).isIn("FEDAVG", "MEDIAN", "TRIMMED_MEAN", "MULTI_KRUM", "FLTRUST");
      assertThat(r.path("globalModelHash").asText()).matches("[0-9a-f]{64}");
      assertThat(r.path("accepted").size()).as(r.toString()).isPositive();
      assertThat(r.path("attestations").size()).as("round %s of %s recomputed by a validator", r.path("round"), r.path("rule")).isPositive();
      for (JsonNode a : r.path("attestations")) {
        assertThat(a.path("match").asBoolean()).as(a.toString()).isTrue();
      }
      boolean freeRiderRejected = false;
      for (JsonNode x : r.path("rejected")) {
        String who = behaviour.get(x.path("participant").asText());
        assertThat(x.path("reason").asText()).isIn("NO_CHANGE", "KRUM_NOT_SELECTED", "ZERO_TRUST");
        freeRiderRejected |= "free-rider".equals(who) && x.path("reason").asText().equals("NO_CHANGE");
      }
      boolean freeRiderAccepted = false;
      for (JsonNode p : r.path("accepted")) {
        freeRiderAccepted |= "free-rider".equals(behaviour.get(p.asText()));
      }
      // Refused NO_CHANGE; or, when the global model did not change in the round before, its resubmission is a replay
      // the contract refuses and the round closes at its deadline without it.
      assertThat(freeRiderAccepted).as("the free-rider's unchanged model is never taken in %s", r).isFalse();
      if (r.path("accepted").size() + r.path("rejected").size() == 5) {
        assertThat(freeRiderRejected).as("the free-rider's unchanged model is refused in %s", r).isTrue();
      }
      if (r.path("rule").asText().equals("MULTI_KRUM") || r.path("rule").asText().equals("FLTRUST")) {
        assertThat(r.path("accepted")).as("the Byzantine update is thrown out in %s", r)
            .noneMatch(p -> "byzantine".equals(behaviour.get(p.asText())));
      }
    }
    // The free-rider is refused by every rule; the Byzantine participant by the rules that judge whole updates. The
    // coordinate-wise rules (median, trimmed mean) accept every valid update, so there the Byzantine participant's pay
    // rests on its leave-one-out contribution alone, which is not asserted.
    for (JsonNode t : report.path("tasks")) {
      assertThat(t.path("status").asText()).isEqualTo("COMPLETED");
      boolean judgesWholeUpdates = t.path("rule").asText().equals("MULTI_KRUM") || t.path("rule").asText().equals("FLTRUST");
      for (Map.Entry<String, String> e : behaviour.entrySet()) {
        if (e.getValue().equals("free-rider") || (e.getValue().equals("byzantine") && judgesWholeUpdates)) {
          assertThat(t.path("rewards").path(e.getKey()).asLong()).as("%s in %s", e.getValue(), t.path("rule")).isZero();
        }
      }
    }

    JsonNode accuracy = report.path("accuracy");
    double robust = accuracy.path("federatedRobust").asDouble();
    double mean = accuracy.path("federatedMean").asDouble();
    double centralised = accuracy.path("centralised").asDouble();
    assertThat(accuracy.path("robustRule").asText()).isEqualTo("MULTI_KRUM");
    assertThat(robust).isEqualTo(accuracy.path("byRule").path("MULTI_KRUM").asDouble());
    assertThat(mean).as("FedAvg with the Byzantine participant in").isLessThan(robust - 0.3);
    assertThat(robust).isGreaterThanOrEqualTo(0.97 * centralised);
    assertThat(accuracy.path("localOnly").asDouble()).isBetween(0.0, 1.0);
    assertThat(accuracy.path("localOnlyAll")).hasSize(5);
    assertThat(report.path("cost").path("localTrainingMillis").asDouble()).isPositive();
    assertThat(out.resolve("report/index.html")).content().contains("<svg").contains("Rejected updates");
  }

  @Test
  void badOptions_exit2WithTheReason_beforeAnyNodeIsMade() {
    Path out = tmp.resolve("bad");
    Veriflow.Captured rule = Veriflow.capture("demo", "federated", "--out", out.toString(), "--rule", "fedavg,bogus");
    assertThat(rule.exitCode()).isEqualTo(2);
    assertThat(rule.err()).contains("unknown rule 'bogus'");
    Veriflow.Captured noFedAvg = Veriflow.capture("demo", "federated", "--out", out.toString(), "--rule", "median");
    assertThat(noFedAvg.exitCode()).isEqualTo(2);
    assertThat(noFedAvg.err()).contains("include FEDAVG");
    Veriflow.Captured interval = Veriflow.capture("demo", "federated", "--out", out.toString(), "--interval-min", "7");
    assertThat(interval.exitCode()).isEqualTo(2);
    assertThat(interval.err()).contains("--interval-min must divide a day");
    Veriflow.Captured headline = Veriflow.capture("demo", "federated", "--out", out.toString(), "--robust-rule", "fedavg");
    assertThat(headline.exitCode()).isEqualTo(2);
    assertThat(headline.err()).contains("headline robust rule");
    assertThat(out.resolve("node")).doesNotExist();
  }
}
