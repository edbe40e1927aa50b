package org.veriflow.demo.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.protocol.proto.fl.AggregationRule;

class FederatedDemoConfigTest {
  private static FederatedDemo.Config config(int days, int rounds, int epochs, List<AggregationRule> rules, long pool, AggregationRule robust) {
    return new FederatedDemo.Config(days, Duration.ofMinutes(10), rounds, epochs, rules, pool, 1, Path.of("work"), Duration.ofMinutes(1), robust);
  }

  @Test
  void config_defaults_accepted() {
    FederatedDemo.Config c = config(7, 10, 2, FederatedDemo.RULES, 10_000, FederatedDemo.DEFAULT_ROBUST_RULE);
    assertThat(c.rules()).containsExactlyElementsOf(FederatedDemo.RULES);
  }

  @Test
  void config_outOfRange_refusedWithASentence() {
    List<AggregationRule> rules = FederatedDemo.RULES;
    AggregationRule robust = FederatedDemo.DEFAULT_ROBUST_RULE;
    assertThatThrownBy(() -> config(0, 10, 2, rules, 10_000, robust)).hasMessageContaining("days must be 1 to 60");
    assertThatThrownBy(() -> config(7, 0, 2, rules, 10_000, robust)).hasMessageContaining("rounds must be 1 to 100");
    assertThatThrownBy(() -> config(7, 10, 0, rules, 10_000, robust)).hasMessageContaining("local epochs must be 1 to 100");
    assertThatThrownBy(() -> config(7, 10, 2, List.of(AggregationRule.MEDIAN), 10_000, AggregationRule.MEDIAN))
        .hasMessageContaining("include FEDAVG");
    assertThatThrownBy(() -> config(7, 10, 2, List.of(AggregationRule.FEDAVG, AggregationRule.FEDAVG), 10_000, robust))
        .hasMessageContaining("distinct");
    assertThatThrownBy(() -> config(7, 10, 2, List.of(AggregationRule.FEDAVG, AggregationRule.KRUM), 10_000, AggregationRule.KRUM))
        .hasMessageContaining("the demo runs");
    assertThatThrownBy(() -> config(7, 10, 2, rules, 10_000, AggregationRule.FEDAVG)).hasMessageContaining("headline robust rule");
    assertThatThrownBy(() -> config(7, 10, 2, List.of(AggregationRule.FEDAVG, AggregationRule.MEDIAN), 10_000, AggregationRule.FLTRUST))
        .hasMessageContaining("headline robust rule");
    assertThatThrownBy(() -> config(7, 10, 2, rules, 4, robust)).hasMessageContaining("reward pool must be at least 5");
  }
}
