package org.veriflow.contracts.fl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reward split: proportional to positive contributions, rounded down, the remainder to the owner. */
class RewardsTest {
  @Test
  void split_proportionalExact_noRemainder() {
    Rewards.Split s = Rewards.split(1_000, List.of(600_000L, 200_000L, -100_000L));

    assertThat(s.rewards()).containsExactly(750L, 250L, 0L);
    assertThat(s.refund()).isZero();
  }

  @Test
  void split_roundedDown_remainderRefunded() {
    Rewards.Split s = Rewards.split(1_000, List.of(1L, 1L, 1L));

    assertThat(s.rewards()).containsExactly(333L, 333L, 333L);
    assertThat(s.refund()).isEqualTo(1);
  }

  @Test
  void split_noPositiveContribution_wholePoolRefunded() {
    Rewards.Split s = Rewards.split(1_000, List.of(0L, -5L));

    assertThat(s.rewards()).containsExactly(0L, 0L);
    assertThat(s.refund()).isEqualTo(1_000);
  }

  @Test
  void split_extremeValues_exactWithoutOverflow() {
    Rewards.Split s = Rewards.split(Long.MAX_VALUE, List.of(Long.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE));

    assertThat(s.rewards()).containsExactly(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, 0L);
    assertThat(s.refund()).isEqualTo(1);
  }

  @Test
  void split_manyShapes_sumsToPoolEachAtMostItsShareRemainderBelowContributors() {
    List<String> failures = new ArrayList<>();
    long x = 0x9E3779B97F4A7C15L;
    for (int c = 0; c < 500; c++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      long pool = (x >>> 20) % 1_000_000_007L;
      int n = 1 + (int) ((x >>> 8) & 15);
      List<Long> contributions = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
        contributions.add((x >> 30) % 5_000_000L);
      }
      Rewards.Split s = Rewards.split(pool, contributions);
      long positive = contributions.stream().filter(v -> v > 0).count();
      BigInteger total = contributions.stream().map(v -> BigInteger.valueOf(Math.max(0, v))).reduce(BigInteger.ZERO, BigInteger::add);
      long paid = s.rewards().stream().mapToLong(Long::longValue).sum();
      boolean ok = paid + s.refund() == pool && s.refund() >= 0 && (positive == 0 ? s.refund() == pool : s.refund() < positive);
      for (int i = 0; i < n && ok; i++) {
        BigInteger exact = BigInteger.valueOf(pool).multiply(BigInteger.valueOf(Math.max(0, contributions.get(i))));
        BigInteger reward = BigInteger.valueOf(s.rewards().get(i));
        ok = total.signum() == 0 ? reward.signum() == 0
            : reward.multiply(total).compareTo(exact) <= 0 && reward.add(BigInteger.ONE).multiply(total).compareTo(exact) > 0;
      }
      if (!ok) {
        failures.add("pool " + pool + " contributions " + contributions + " gave " + s);
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void split_negativePool_throws() {
    assertThatThrownBy(() -> Rewards.split(-1, List.of(1L))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void quote_escapesQuotesBackslashesAndControls() {
    assertThat(FederatedModel.quote("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\u000ad\\u0001\"");
  }
}
