package org.veriflow.node.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How the node's HTTP listeners are run: where they listen, how many request threads they have, and
 * the bounds that keep a slow or greedy client from holding them.
 *
 * @param host the API's address
 * @param port the API's port (0: any free one)
 * @param threads the API's request threads (its Jetty pool's maximum)
 * @param idleTimeout a connection (or a blocked read or write) with no progress for this long is closed
 * @param headerTimeout a request whose headers are not complete this long after they began is cut
 * @param minRequestBytesPerSecond a request body arriving slower than this many bytes per second is cut (408)
 * @param maxConnectionsPerAddress most open connections from one client address; more are closed as
 *     soon as they are accepted
 * @param tls the certificate the listeners present, or null to serve plain HTTP
 * @param ops the operations listener
 */
public record ServerSettings(String host, int port, int threads, Duration idleTimeout, Duration headerTimeout, long minRequestBytesPerSecond,
    int maxConnectionsPerAddress, TlsSettings tls, Ops ops) {
  /** Fewest request threads: Jetty's acceptor and selector take two, and requests need some. */
  static final int MIN_THREADS = 8;

  /**
   * @throws IllegalArgumentException if a bound is not positive or {@code threads} is below 8
   */
  public ServerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(ops, "ops");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, not " + port);
    }
    if (threads < MIN_THREADS) {
      throw new IllegalArgumentException("the API needs at least " + MIN_THREADS + " threads, not " + threads);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero() || headerTimeout.isNegative() || headerTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (minRequestBytesPerSecond < 1 || maxConnectionsPerAddress < 1) {
      throw new IllegalArgumentException("the minimum data rate and the connections per address must be at least 1");
    }
  }

  /** Whether the listeners speak TLS. */
  public boolean secure() {
    return tls != null;
  }

  /**
   * The operations listener: {@code /health}, {@code /ready} and {@code /metrics} on their own port
   * and their own few threads, so that they answer while the API's pool is busy.
   *
   * @param enabled whether it runs
   * @param host its address
   * @param port its port (0: any free one)
   */
  public record Ops(boolean enabled, String host, int port) {
    /**
     * @throws IllegalArgumentException if the port is not 0..65535
     */
    public Ops {
      Objects.requireNonNull(host, "host");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("ops port must be 0..65535, not " + port);
      }
    }
  }
}
