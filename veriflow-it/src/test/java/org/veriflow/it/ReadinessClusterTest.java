package org.veriflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/**
 * {@code /ready} says whether a cluster member can commit: three members in one JVM are all ready;
 * once two are stopped the one left stays alive ({@code /health} 200, also on its operations
 * listener) but is not ready ({@code /ready} 503 {@code NOT_READY}, reason NO_QUORUM or NO_LEADER).
 */
class ReadinessClusterTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final List<Node> nodes = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void stop() {
    for (Node n : nodes) {
      if (n != null) {
        n.close();
      }
    }
  }

  @Test
  void memberThatLostItsPeers_aliveButNotReady() throws Exception {
    int size = 3;
    SigningKey admin = SigningKey.generate(SignatureAlgorithm.ED25519);
    int[] offsets = new int[2 * size];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = i;
    }
    int base = LoopbackPorts.freeBase(offsets);
    List<GenesisSpec.Member> validators = new ArrayList<>();
    List<String> members = new ArrayList<>();
    List<SigningKey> keys = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      SigningKey k = SigningKey.generate(SignatureAlgorithm.ED25519);
      keys.add(k);
      validators.add(new GenesisSpec.Member("node" + i, k.publicKey()));
      members.add("node" + i + "@127.0.0.1:" + (base + size + i - 1) + "@http://127.0.0.1:" + (base + i - 1));
    }
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), 1_000L);
    GenesisSpec genesis = new GenesisSpec("veriflow-ready", 1_700_000_000_000L, 1024 * 1024, List.of(new GenesisSpec.Member("admin", admin.publicKey())),
        validators, balances);
    for (int i = 1; i <= size; i++) {
      Path d = dir.resolve("node" + i);
      Files.createDirectories(d.resolve("keys"));
      Files.writeString(d.resolve("keys/node.key"), KeyPem.encodePrivate(keys.get(i - 1)));
      GenesisFile.write(d.resolve("genesis.json"), genesis);
      NodeConfig.write(d, Map.of(NodeConfig.HTTP_PORT.name(), Integer.toString(base + i - 1), NodeConfig.VERIFIER_ENABLED.name(), "false",
          NodeConfig.CLUSTER_ID.name(), "node" + i, NodeConfig.CLUSTER_MEMBERS.name(), String.join(",", members),
          NodeConfig.CLUSTER_ELECTION_TIMEOUT.name(), "300", NodeConfig.HTTP_INSECURE.name(), "true", NodeConfig.CLUSTER_INSECURE.name(), "true",
          NodeConfig.OPS_PORT.name(), "0"));
    }
    for (int i = 1; i <= size; i++) {
      nodes.add(Node.start(NodeConfig.load(dir.resolve("node" + i), Map.of(), Map.of()), Clock.systemUTC(), e -> { }));
    }
    for (Node n : nodes) {
      assertThat(awaitReady(n.httpPort(), 200, DEADLINE)).as("member on port %d ready", n.httpPort()).contains("\"status\":\"READY\"");
    }

    Node survivor = nodes.get(0);
    for (int i = 1; i < size; i++) {
      nodes.get(i).close();
      nodes.set(i, null);
    }
    long stopped = System.nanoTime();
    String notReady = awaitReady(survivor.httpPort(), 503, Duration.ofSeconds(10));
    assertThat(notReady).contains("\"code\":\"NOT_READY\"").containsAnyOf("\"reason\":\"NO_QUORUM\"", "\"reason\":\"NO_LEADER\"");
    assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(10));
    assertThat(get(survivor.httpPort(), "/health").statusCode()).isEqualTo(200);
    assertThat(get(survivor.opsPort(), "/health").statusCode()).isEqualTo(200);
    assertThat(get(survivor.opsPort(), "/ready").statusCode()).isEqualTo(503);
  }

  /** Asks {@code /ready} until it answers {@code status}, up to the deadline; the last body, or null. */
  private String awaitReady(int port, int status, Duration deadline) throws Exception {
    long end = System.nanoTime() + deadline.toNanos();
    String body = null;
    while (System.nanoTime() < end) {
      HttpResponse<String> r = get(port, "/ready");
      body = r.body();
      if (r.statusCode() == status) {
        return body;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("/ready on port " + port + " did not answer " + status + " within " + deadline + "; last: " + body);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
