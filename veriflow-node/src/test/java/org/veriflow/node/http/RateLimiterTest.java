package org.veriflow.node.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Per-identity token buckets for requests and their items, on a clock the test moves. */
class RateLimiterTest {
  private Instant now = Instant.parse("2026-06-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  @Test
  void take_thirtyRequestsOfAThousandItems_cutAfterAMinutesWorth_thenRefilled() {
    RateLimiter limiter = new RateLimiter(clock, 600, 10_000);
    int passed = 0;
    long retry = 0;
    for (int i = 0; i < 30; i++) {
      var wait = limiter.take("a", 1_000);
      if (wait.isEmpty()) {
        passed++;
      } else {
        retry = wait.getAsLong();
      }
    }
    assertThat(passed).isEqualTo(10);
    assertThat(retry).isEqualTo(6);
    // Another identity has its own buckets.
    assertThat(limiter.take("b", 1_000)).isEmpty();
    now = now.plusSeconds(6);
    assertThat(limiter.take("a", 1_000)).isEmpty();
    assertThat(limiter.take("a", 1_000)).isPresent();
  }

  @Test
  void take_requestLimit_cutsSmallRequestsToo() {
    RateLimiter limiter = new RateLimiter(clock, 5, 10_000);
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.take("a", 1)).isEmpty();
    }
    assertThat(limiter.take("a", 1)).hasValue(12);
  }

  @Test
  void take_moreItemsThanAMinutesWorth_isAProgrammingError() {
    RateLimiter limiter = new RateLimiter(clock, 5, 1_000);
    assertThatThrownBy(() -> limiter.take("a", 1_001)).isInstanceOf(IllegalArgumentException.class);
  }
}
