package org.veriflow.node.http;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Per-identity token buckets over two quantities, requests and the items they carry (for
 * predictions: the inputs), each refilled continuously at its rate per minute up to one minute's
 * worth. A request takes one request token and its items' tokens, both or neither. Node-local: each
 * node limits the requests it answers itself.
 *
 * <p>Thread-safe.
 */
final class RateLimiter {
  private static final long MINUTE_MILLIS = 60_000;

  /** One identity's buckets, in tokens (fractional), as of {@code atMillis}. */
  private static final class Buckets {
    double requests;
    double items;
    long atMillis;
  }

  private final Clock clock;
  private final long requestsPerMinute;
  private final long itemsPerMinute;
  private final Map<String, Buckets> buckets = new HashMap<>();

  /**
   * @param requestsPerMinute the requests one identity may make per minute (and in a burst)
   * @param itemsPerMinute the items one identity may send per minute (and in a burst)
   * @throws IllegalArgumentException if a rate is below 1
   */
  RateLimiter(Clock clock, long requestsPerMinute, long itemsPerMinute) {
    if (requestsPerMinute < 1 || itemsPerMinute < 1) {
      throw new IllegalArgumentException("rates must be at least 1 per minute, not " + requestsPerMinute + " and " + itemsPerMinute);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.requestsPerMinute = requestsPerMinute;
    this.itemsPerMinute = itemsPerMinute;
  }

  /**
   * Takes one request and {@code items} items from {@code identity}'s buckets if both hold enough.
   *
   * @return empty if taken; otherwise the whole seconds until both would hold enough (at least 1),
   *     nothing taken
   * @throws IllegalArgumentException if {@code items} is negative or more than a minute's worth,
   *     which could never be taken
   */
  OptionalLong take(String identity, long items) {
    if (items < 0 || items > itemsPerMinute) {
      throw new IllegalArgumentException("a request of " + items + " items can never pass a limit of " + itemsPerMinute + " per minute");
    }
    long now = clock.millis();
    synchronized (buckets) {
      Buckets b = buckets.computeIfAbsent(identity, k -> {
        Buckets fresh = new Buckets();
        fresh.requests = requestsPerMinute;
        fresh.items = itemsPerMinute;
        fresh.atMillis = now;
        return fresh;
      });
      long elapsed = Math.max(0, now - b.atMillis);
      b.requests = Math.min(requestsPerMinute, b.requests + (double) elapsed * requestsPerMinute / MINUTE_MILLIS);
      b.items = Math.min(itemsPerMinute, b.items + (double) elapsed * itemsPerMinute / MINUTE_MILLIS);
      b.atMillis = Math.max(b.atMillis, now);
      if (b.requests >= 1 && b.items >= items) {
        b.requests -= 1;
        b.items -= items;
        return OptionalLong.empty();
      }
      double waitRequests = b.requests >= 1 ? 0 : (1 - b.requests) * MINUTE_MILLIS / requestsPerMinute;
      double waitItems = b.items >= items ? 0 : (items - b.items) * MINUTE_MILLIS / itemsPerMinute;
      return OptionalLong.of(Math.max(1, (long) Math.ceil(Math.max(waitRequests, waitItems) / 1000)));
    }
  }
}
