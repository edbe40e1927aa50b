package org.veriflow.client.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.veriflow.protocol.proto.fl.AggregationRule;

class TaskSpecTest {
  private static TaskSpec.Builder valid() {
    return TaskSpec.builder("t1").recipe(FakeChain.recipe()).validation(DatasetSource.snapshot("s-val")).aggregator("agg").modelId("m1");
  }

  @Test
  void build_defaults_fedAvgFiveRoundsAnyoneMayJoin() {
    TaskSpec s = valid().build();
    assertThat(s.rule()).isEqualTo(AggregationRule.FEDAVG);
    assertThat(s.rounds()).isEqualTo(5);
    assertThat(s.roundBlocks()).isEqualTo(20);
    assertThat(s.roundMillis()).as("no time limit unless asked").isZero();
    assertThat(s.minParticipants()).isEqualTo(1);
    assertThat(s.maxParticipants()).isEqualTo(16);
    assertThat(s.root()).isEmpty();
    assertThat(s.identities()).isEmpty();
  }

  @Test
  void build_policy_sortedAndDistinct() {
    TaskSpec s = valid().allowIdentity("b").allowIdentity("a").allowIdentity("b").allowRole("lab").allowOrganisation("org2")
        .allowOrganisation("org1").build();
    assertThat(s.identities()).containsExactly("a", "b");
    assertThat(s.organisations()).containsExactly("org1", "org2");
    assertThat(s.roles()).containsExactly("lab");
  }

  @Test
  void build_ruleParameters_keptForTheirRule() {
    assertThat(valid().trimmedMean(200_000).build().trimFractionMicros()).isEqualTo(200_000);
    TaskSpec mk = valid().multiKrum(1, 3).build();
    assertThat(mk.rule()).isEqualTo(AggregationRule.MULTI_KRUM);
    assertThat(mk.krumF()).isEqualTo(1);
    assertThat(mk.multiKrumM()).isEqualTo(3);
    assertThat(valid().flTrust(DatasetSource.version("clean", 1)).build().root()).contains(DatasetSource.version("clean", 1));
  }

  @Test
  void roundMillis_withinOneSecondToSevenDays_keptInMillis() {
    assertThat(valid().roundMillis(Duration.ofSeconds(30)).build().roundMillis()).isEqualTo(30_000);
    assertThat(valid().roundMillis(Duration.ofSeconds(1)).build().roundMillis()).isEqualTo(1_000);
    assertThat(valid().roundMillis(Duration.ofDays(7)).build().roundMillis()).isEqualTo(TaskSpec.MAX_ROUND_MILLIS);
    assertThat(valid().roundMillis(Duration.ofSeconds(5)).roundMillis(Duration.ZERO).build().roundMillis()).isZero();
  }

  @Test
  void roundMillis_outOfBounds_refusedWithTheLimits() {
    assertThatThrownBy(() -> valid().roundMillis(Duration.ofMillis(999))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a round's time limit must be 0 (none) or 1 s to 7 days, not PT0.999S");
    assertThatThrownBy(() -> valid().roundMillis(Duration.ofDays(7).plusMillis(1))).hasMessageContaining("1 s to 7 days");
    assertThatThrownBy(() -> valid().roundMillis(Duration.ofSeconds(-5))).hasMessageContaining("1 s to 7 days");
    assertThatThrownBy(() -> valid().roundMillis(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void build_recipeJson_keptCanonical() {
    byte[] canonical = FakeChain.recipe().toCanonicalJson();
    TaskSpec s = valid().recipe(canonical).build();
    assertThat(new String(s.recipe().toCanonicalJson(), StandardCharsets.UTF_8)).isEqualTo(new String(canonical, StandardCharsets.UTF_8));
  }

  @Test
  void build_eachBrokenRule_refusedWithTheField() {
    assertThatThrownBy(() -> valid().rounds(0).build()).hasMessageContaining("rounds must be 1 to 100, not 0");
    assertThatThrownBy(() -> valid().rounds(101).build()).hasMessageContaining("rounds must be 1 to 100");
    assertThatThrownBy(() -> valid().roundBlocks(0).build()).hasMessageContaining("round blocks");
    assertThatThrownBy(() -> valid().maxParticipants(17).build()).hasMessageContaining("max participants");
    assertThatThrownBy(() -> valid().maxParticipants(3).minParticipants(4).build()).hasMessageContaining("min participants must be 1 to 3");
    assertThatThrownBy(() -> valid().trimmedMean(500_000).build()).hasMessageContaining("trim fraction");
    assertThatThrownBy(() -> valid().rule(AggregationRule.FEDAVG, 10, 0, 0, null).build()).hasMessageContaining("only TRIMMED_MEAN");
    assertThatThrownBy(() -> valid().rule(AggregationRule.MEDIAN, 0, 1, 0, null).build()).hasMessageContaining("only KRUM and MULTI_KRUM");
    assertThatThrownBy(() -> valid().rule(AggregationRule.KRUM, 0, 0, 2, null).build()).hasMessageContaining("only MULTI_KRUM");
    assertThatThrownBy(() -> valid().multiKrum(1, 0).build()).hasMessageContaining("multi-krum m");
    assertThatThrownBy(() -> valid().rule(AggregationRule.FLTRUST, 0, 0, 0, null).build()).hasMessageContaining("FLTRUST needs a root");
    assertThatThrownBy(() -> valid().rule(AggregationRule.FEDAVG, 0, 0, 0, DatasetSource.snapshot("r")).build())
        .hasMessageContaining("only FLTRUST takes a root");
    assertThatThrownBy(() -> valid().rule(AggregationRule.AGGREGATION_RULE_UNSPECIFIED).build()).hasMessageContaining("needs an aggregation rule");
    assertThatThrownBy(() -> valid().rewardPool(-1).build()).hasMessageContaining("reward pool");
    assertThatThrownBy(() -> TaskSpec.builder("t1").validation(DatasetSource.snapshot("s")).aggregator("a").modelId("m").build())
        .hasMessageContaining("federated recipe");
    assertThatThrownBy(() -> TaskSpec.builder("t1").recipe(FakeChain.recipe()).aggregator("a").modelId("m").build())
        .hasMessageContaining("validation dataset");
    assertThatThrownBy(() -> valid().aggregator("").build()).hasMessageContaining("aggregator");
    assertThatThrownBy(() -> valid().allowRole("").build()).hasMessageContaining("empty id");
    assertThatThrownBy(() -> valid().recipe("{}".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
  }
}
