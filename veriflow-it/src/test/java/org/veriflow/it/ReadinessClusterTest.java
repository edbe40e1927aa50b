package org.veriflow.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * A cluster's availability as its operators see it. {@code /ready} says whether a member can commit:
 * three members in one JVM are all ready; once two are stopped the one left stays alive ({@code
 * /health} 200, also on its operations listener) but is not ready ({@code /ready} 503 {@code
 * NOT_READY}, reason NO_QUORUM or NO_LEADER). And slow clients aimed at the leader, as a slow-loris
 * attacker aims them, do not stop writes relayed to it by the followers.
 */
class ReadinessClusterTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final SigningKey admin = SigningKey.generate(SignatureAlgorithm.ED25519);
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

  /** Starts {@code size} members in this JVM, plain HTTP and Raft, and waits until each is ready. */
  private void startCluster(int size) throws Exception {
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
    balances.put(admin.id(), 1_000_000L);
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

  }

  @Test
  void memberThatLostItsPeers_aliveButNotReady() throws Exception {
    startCluster(3);
    int size = 3;
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

  /**
   * The attack as it was found: about 250 slow POSTs (headers announcing a 1,000,000-byte body,
   * then a byte now and then) at the leader's API from one address, reopened as the leader closes
   * them. Meanwhile transfers submitted to a follower, which relays them to the leader, commit, and
   * the leader's operations listener answers {@code /health} within a second.
   */
  @Test
  void slowClientsAtTheLeader_writesThroughAFollowerStillCommit() throws Exception {
    startCluster(3);
    Node leader = leader();
    Node follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    org.veriflow.client.VeriflowClient client = new org.veriflow.client.VeriflowClient(URI.create("http://127.0.0.1:" + follower.httpPort()));
    org.veriflow.client.Session session = new org.veriflow.client.Session(client, admin);
    SigningKey payee = SigningKey.generate(SignatureAlgorithm.ED25519);
    assertThat(session.submit(b -> b.registerIdentity(payee.publicKey(), org.veriflow.protocol.proto.contracts.IdentityKind.ORGANISATION, "payee",
        List.of()), true).committed()).isTrue();

    SlowLoris attack = new SlowLoris(leader.httpPort(), 250);
    attack.start();
    try {
      attack.awaitHeld(100, Duration.ofSeconds(10));
      // Transfers go on until the attacker has had to reopen connections the leader cut (at least
      // 10 of them, for at most 60 s), so that they cross the attack's whole cycle.
      int transfers = 0;
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while ((transfers < 10 || attack.opened() <= 250) && System.nanoTime() < end) {
        long start = System.nanoTime();
        assertThat(get(leader.opsPort(), "/health").statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("/health on the leader's operations listener").isLessThan(Duration.ofSeconds(1));
        int n = transfers;
        assertThat(session.submit(b -> b.transfer(payee.id().value(), 1, "under attack " + n), true).committed())
            .as("transfer %d through follower while %d slow connections are open at the leader", n, attack.held()).isTrue();
        transfers++;
      }
      assertThat(attack.opened()).as("the attacker kept reopening what the leader closed").isGreaterThan(250);
      assertThat(client.account(payee.id().value()).balance()).isEqualTo(transfers);
    } finally {
      attack.stop();
    }
  }

  private Node leader() {
    return await("a leader").atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> {
      for (Node n : nodes) {
        if (get(n.httpPort(), "/v1/cluster").body().contains("\"role\":\"LEADER\"")) {
          return n;
        }
      }
      return null;
    }, java.util.Objects::nonNull);
  }

  /**
   * Holds up to {@code target} slow requests at a port from 127.0.0.2 (another client than the
   * members, which talk from 127.0.0.1): every 500 ms, the attacker's pace, it reopens those the
   * node closed and trickles a byte to each, until stopped.
   */
  private static final class SlowLoris {
    private static final byte[] HEAD = ("POST /v1/transactions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: 1000000\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final int port;
    private final int target;
    /** Touched by the pacing thread only, and by {@link #stop} once it has ended. */
    private final List<java.net.Socket> open = new ArrayList<>();
    private final java.util.concurrent.ScheduledExecutorService pace = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    private volatile int held;
    private volatile int opened;

    SlowLoris(int port, int target) {
      this.port = port;
      this.target = target;
    }

    void start() {
      pace.scheduleWithFixedDelay(this::round, 0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void round() {
      open.removeIf(java.net.Socket::isClosed);
      while (open.size() < target && !pace.isShutdown()) {
        java.net.Socket s = new java.net.Socket();
        try {
          s.bind(new java.net.InetSocketAddress("127.0.0.2", 0));
          s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
          s.getOutputStream().write(HEAD);
          open.add(s);
          opened++;
        } catch (java.io.IOException e) {
          close(s);
        }
      }
      for (java.net.Socket s : open) {
        try {
          s.getOutputStream().write('{');
          s.setSoTimeout(1);
          s.getInputStream().read(); // the end of the stream or an answer: the node is done with it
          close(s);
        } catch (java.net.SocketTimeoutException e) {
          // still open, no answer: held
        } catch (java.io.IOException e) {
          close(s);
        }
      }
      held = (int) open.stream().filter(s -> !s.isClosed()).count();
    }

    void awaitHeld(int atLeast, Duration deadline) {
      await("the attacker holds at least " + atLeast + " slow connections").atMost(deadline).until(() -> held >= atLeast);
    }

    int held() {
      return held;
    }

    int opened() {
      return opened;
    }

    void stop() throws InterruptedException {
      pace.shutdownNow();
      assertThat(pace.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      open.forEach(SlowLoris::close);
    }

    private static void close(java.net.Socket s) {
      try {
        s.close();
      } catch (java.io.IOException ignored) {
        // closing anyway
      }
    }
  }

  /** Asks {@code /ready} until it answers {@code status}, up to the deadline; the last body, or null. */
  private String awaitReady(int port, int status, Duration deadline) {
    return await("/ready on port " + port + " answers " + status).atMost(deadline).pollInterval(Duration.ofMillis(100))
        .until(() -> get(port, "/ready"), r -> r.statusCode() == status).body();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
