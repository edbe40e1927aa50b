package org.veriflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.cli.NodeSetup;
import org.veriflow.client.TlsOptions;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.demo.load.SlowClientsLoad;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/**
 * The slow-client load generator against a node serving HTTPS as {@code veriflow init} writes it,
 * with small bounds: the node never holds more slow connections than its per-address cap allows, and
 * its operations listener answers {@code /health} within the bound at every step.
 */
class SlowClientsLoadTest {
  static final int CAP = 8;
  static final int SOURCES = 2;

  @TempDir Path tmp;

  @Test
  void slowLoris_overTls_nodeHoldsAtMostItsCapPerAddress_andStaysLive() throws Exception {
    Path dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-slow", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"));
    Map<String, String> overrides = Map.of(NodeConfig.OPS_PORT.name(), "0", NodeConfig.VERIFIER_ENABLED.name(), "false",
        NodeConfig.HTTP_MAX_CONNECTIONS_PER_ADDRESS.name(), Integer.toString(CAP), NodeConfig.HTTP_MIN_REQUEST_DATA_RATE.name(), "200",
        NodeConfig.HTTP_IDLE_TIMEOUT.name(), "2000", NodeConfig.HTTP_HEADER_TIMEOUT.name(), "1000");
    try (Node node = Node.start(NodeConfig.load(dir, Map.of(), overrides), Clock.systemUTC(), e -> { })) {
      URI api = URI.create("https://127.0.0.1:" + node.httpPort());
      URI health = URI.create("https://127.0.0.1:" + node.opsPort() + "/health");
      List<String> lines = new ArrayList<>();
      SlowClientsLoad load = new SlowClientsLoad(api, health, Optional.of(TlsOptions.trusting(setup.caFile().orElseThrow()).context()),
          (task, done, total, detail) -> lines.add(task + ": " + detail));

      SlowClientsLoad.Result r = load.run(new int[] {20, 40}, SOURCES, Duration.ofMillis(200), Duration.ofMillis(1500), 3);

      assertThat(r.steps()).extracting(SlowClientsLoad.Step::target).containsExactly(20, 40);
      assertThat(r.steps()).allSatisfy(s -> {
        assertThat(s.healthy()).as("health within %s at %s", SlowClientsLoad.HEALTH_BOUND, s).isTrue();
        assertThat(s.apiMaxMillis()).as("the API still answers a fresh client at %s", s).isGreaterThanOrEqualTo(0);
        assertThat(s.openAtProbe()).as("slow connections the node holds at %s", s).isLessThanOrEqualTo(CAP * SOURCES);
      });
      // 40 asked for, at most 16 held at once: the node refused or ended the others.
      SlowClientsLoad.Step last = r.steps().get(1);
      assertThat(last.target() - last.openAtProbe()).isGreaterThanOrEqualTo(40 - CAP * SOURCES);
      assertThat(r.survived()).isEqualTo(40);
      assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("slow connections: "));
    }
  }
}
