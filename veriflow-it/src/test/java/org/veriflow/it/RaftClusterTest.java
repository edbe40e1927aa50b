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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.crypto.x509.DevelopmentPki;
import org.veriflow.crypto.x509.Pem;
import org.veriflow.ledger.Ledger;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/**
 * Three nodes in one JVM ordering through Raft: transactions sent to every node commit, and every
 * node ends at the same head and state hash. The multi-process scenarios (kills, catch-up) are in
 * the command-line module's integration tests.
 */
class RaftClusterTest {
  private static final String CHAIN = "veriflow-raft-test";
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final SigningKey admin = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final List<Node> nodes = new ArrayList<>();
  private final List<SigningKey> keys = new ArrayList<>();

  @AfterEach
  void stop() {
    for (Node n : nodes) {
      n.close();
    }
  }

  private List<VeriflowClient> startCluster(int size) throws Exception {
    List<GenesisSpec.Member> validators = new ArrayList<>();
    List<String> members = new ArrayList<>();
    int[] offsets = new int[2 * size];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = i;
    }
    int base = LoopbackPorts.freeBase(offsets);
    List<Integer> ports = new ArrayList<>();
    for (int o : offsets) {
      ports.add(base + o);
    }
    List<Integer> httpPorts = ports.subList(0, size);
    for (int i = 1; i <= size; i++) {
      SigningKey k = SigningKey.generate(SignatureAlgorithm.ED25519);
      keys.add(k);
      validators.add(new GenesisSpec.Member("node" + i, k.publicKey()));
      members.add("node" + i + "@127.0.0.1:" + ports.get(size + i - 1) + "@http://127.0.0.1:" + httpPorts.get(i - 1));
    }
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), 1_000_000L);
    GenesisSpec genesis = new GenesisSpec(CHAIN, 1_700_000_000_000L, 1024 * 1024, List.of(new GenesisSpec.Member("admin", admin.publicKey())),
        validators, balances);
    List<VeriflowClient> clients = new ArrayList<>();
    DevelopmentPki.Authority ca = DevelopmentPki.newAuthority("cluster CA", java.time.Instant.now());
    for (int i = 1; i <= size; i++) {
      Path d = dir.resolve("node" + i);
      Files.createDirectories(d.resolve("keys"));
      Files.writeString(d.resolve("keys/node.key"), KeyPem.encodePrivate(keys.get(i - 1)));
      GenesisFile.write(d.resolve("genesis.json"), genesis);
      // Members talk mutual TLS on Raft, with certificates of one CA bound to their ids and node keys.
      DevelopmentPki.Issued cert = DevelopmentPki.issue(ca, DevelopmentPki.NodeRequest.member("node" + i, keys.get(i - 1).publicKey(),
          List.of("127.0.0.1", "localhost")), java.time.Instant.now());
      Pem.writeCertificates(d.resolve("tls/ca.pem"), List.of(ca.certificate()));
      Pem.writeCertificates(d.resolve("tls/node.pem"), List.of(cert.certificate()));
      Pem.writePrivateKey(d.resolve("tls/node.key"), cert.key());
      Map<String, String> config = new TreeMap<>(Map.of(NodeConfig.HTTP_PORT.name(), Integer.toString(httpPorts.get(i - 1)),
          NodeConfig.VERIFIER_ENABLED.name(), "false", NodeConfig.CLUSTER_ID.name(), "node" + i, NodeConfig.CLUSTER_MEMBERS.name(), String.join(",", members),
          NodeConfig.CLUSTER_ELECTION_TIMEOUT.name(), "300", NodeConfig.CLUSTER_TLS_CERT.name(), "tls/node.pem", NodeConfig.CLUSTER_TLS_KEY.name(), "tls/node.key",
          NodeConfig.CLUSTER_TLS_CA.name(), "tls/ca.pem", NodeConfig.HTTP_INSECURE.name(), "true"));
      config.put(NodeConfig.OPS_PORT.name(), "0");
      NodeConfig.write(d, config);
    }
    // Members start one after the other, as operators start them; each start returns once its API serves.
    for (int i = 1; i <= size; i++) {
      nodes.add(Node.start(NodeConfig.load(dir.resolve("node" + i), Map.of(), Map.of()), Clock.systemUTC(), e -> { }));
      clients.add(new VeriflowClient(URI.create("http://127.0.0.1:" + httpPorts.get(i - 1)), Duration.ofSeconds(30)));
    }
    return clients;
  }

  /** Completes when {@code ledger}'s head reaches {@code height}. */
  private static void awaitHeight(Ledger ledger, long height) throws Exception {
    CompletableFuture<Void> reached = new CompletableFuture<>();
    ledger.onCommit(b -> {
      if (b.height() >= height) {
        reached.complete(null);
      }
    });
    if (ledger.head().height() >= height) {
      return;
    }
    reached.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void transactionsSentToEveryNodeCommitAndAllNodesAgree() throws Exception {
    List<VeriflowClient> clients = startCluster(3);
    // A registered identity: the second node's.
    SigningKey receiver = keys.get(1);
    long nonce = clients.get(0).account(admin.id().value()).nonce();
    TransactionBuilder b = new TransactionBuilder(CHAIN, admin, nonce, 100_000);
    int count = 30;
    for (int i = 0; i < count; i++) {
      SignedTransaction tx = b.transfer(receiver.id().value(), 1, "round robin " + i);
      Responses.TxInfo info = clients.get(i % clients.size()).submit(tx, true);
      assertThat(info.committed()).as("tx %d via node%d: %s %s %s", i, i % 3 + 1, info.status(), info.code(), info.message()).isTrue();
    }
    long top = nodes.stream().mapToLong(n -> n.ledger().head().height()).max().orElseThrow();
    for (Node n : nodes) {
      awaitHeight(n.ledger(), top);
    }
    for (Node n : nodes) {
      assertThat(n.ledger().block(top).orElseThrow().hash()).isEqualTo(nodes.get(0).ledger().block(top).orElseThrow().hash());
    }
    for (VeriflowClient c : clients) {
      assertThat(c.account(receiver.id().value()).balance()).isEqualTo(count);
    }
    // The followers did not verify again the transactions they had checked and relayed: about two
    // thirds of the submissions reached a follower, whose block then brought them back (the exact
    // number depends on who led at each submission, and the members' own key publications add theirs).
    double found = 0;
    for (VeriflowClient c : clients) {
      found += relayedChecksFound(c);
    }
    assertThat(found).isPositive();
  }

  private static double relayedChecksFound(VeriflowClient client) throws Exception {
    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(client.base().resolve("/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(l -> l.startsWith("veriflow_cluster_relayed_checks_found_total "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
  }

  @Test
  void aRelayedSubmissionReachingAMemberThatDoesNotLead_isRefusedNotRelayedAgain() throws Exception {
    List<VeriflowClient> clients = startCluster(3);
    long nonce = clients.get(0).account(admin.id().value()).nonce();
    String leader = clients.get(0).cluster().leader().orElseThrow();
    int follower = leader.equals("node1") ? 1 : 0;
    SignedTransaction tx = new TransactionBuilder(CHAIN, admin, nonce, 100_000).transfer(keys.get(1).id().value(), 1, "relayed");
    String body = "{\"payload\":\"" + Base64.getEncoder().encodeToString(tx.payload()) + "\",\"signature\":\""
        + Base64.getEncoder().encodeToString(tx.signature()) + "\"}";
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(clients.get(follower).base().resolve("/v1/transactions"))
        .header("Content-Type", "application/json").header(org.veriflow.node.service.HttpLeaderLink.RELAYED_BY, "node9")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).contains("LEADER_UNREACHABLE").contains("does not lead");
    // Nothing was ordered: the same transaction submitted normally still commits.
    assertThat(clients.get(follower).submit(tx, true).committed()).isTrue();
  }

  @Test
  void twoOfThreeDown_writesAreRefusedWithNoQuorum_readsOfCommittedDataGoOn() throws Exception {
    List<VeriflowClient> clients = startCluster(3);
    long nonce = clients.get(0).account(admin.id().value()).nonce();
    TransactionBuilder b = new TransactionBuilder(CHAIN, admin, nonce, 100_000);
    assertThat(clients.get(2).submit(b.transfer(keys.get(1).id().value(), 1, "before"), true).committed()).isTrue();
    long height = clients.get(2).latestBlock().height();
    nodes.remove(0).close();
    nodes.remove(0).close();

    ClientException refused = null;
    try {
      clients.get(2).submit(b.transfer(keys.get(1).id().value(), 1, "two down"), true);
    } catch (ClientException e) {
      refused = e;
    }
    assertThat(refused).as("a write with two of three members down").isNotNull();
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.code()).isEqualTo("NO_QUORUM");
    assertThat(refused.getMessage()).contains("found no majority (2 of 3 members)");
    assertThat(clients.get(2).block(height).height()).isEqualTo(height);
  }
}
