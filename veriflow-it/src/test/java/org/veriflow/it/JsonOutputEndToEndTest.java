package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.cli.cluster.Problems;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/**
 * {@code --output json} against a real node: each command prints one JSON object with exactly the
 * fields docs/cli.md lists for it, and nothing else on standard output.
 */
class JsonOutputEndToEndTest {
  @TempDir static Path tmp;
  static Path dir;
  static Node node;
  static String url;
  static String admin;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void startNode() throws Exception {
    dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-json", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    admin = setup.admin().id().value();
    node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
    url = "http://127.0.0.1:" + node.httpPort();
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  /** Runs the command with --output json, checks it succeeded, and returns the object after checking its field names in order. */
  static JsonNode json(List<String> fields, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--output");
    all.add("json");
    Veriflow.Captured o = Veriflow.capture(all.toArray(String[]::new));
    assertThat(o.exitCode()).as(o.err()).isZero();
    JsonNode n = JSON.readTree(o.out());
    assertThat(n.isObject()).as(o.out()).isTrue();
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    assertThat(names).as(String.join(" ", args)).containsExactlyElementsOf(fields);
    return n;
  }

  @Test
  void jsonOutput_coreCommands_printDocumentedObjects() throws Exception {
    String key = dir.resolve("keys/admin.key").toString();
    String node = "--node=" + url;

    JsonNode created = json(List.of("type", "file", "id", "publicKey"), "keys", "new", "--out", tmp.resolve("bob.key").toString());
    assertThat(created.get("type").asText()).isEqualTo("ed25519");
    assertThat(created.get("id").asText()).startsWith("vf1");
    assertThat(created.get("publicKey").isNull()).isTrue();
    String bob = created.get("id").asText();
    JsonNode enc = json(List.of("type", "file", "id", "publicKey"), "keys", "new", "--type", "x25519", "--out", tmp.resolve("bob.x25519").toString());
    assertThat(enc.get("publicKey").asText()).hasSize(64);

    List<String> submitted = List.of("transaction", "height");
    JsonNode reg = json(submitted, "identity", "register", "--kind", "organisation", "--pubkey", tmp.resolve("bob.key").toString(), "--name", "Bob",
        node, "--key", key);
    assertThat(reg.get("transaction").asText()).hasSize(64);
    assertThat(reg.get("height").asLong()).isPositive();

    JsonNode id = json(List.of("id", "kind", "name", "owner", "algorithm", "roles", "status", "registeredHeight", "encryptionKey", "revokedHeight",
        "revocationReason"), "identity", "get", bob, node);
    assertThat(id.get("kind").asText()).isEqualTo("organisation");
    assertThat(id.get("owner").asText()).isEqualTo(admin);
    assertThat(id.get("revokedHeight").isNull()).isTrue();

    JsonNode transfer = json(submitted, "credits", "transfer", "--to", bob, "--amount", "7", node, "--key", key);
    JsonNode balance = json(List.of("id", "balance", "nonce"), "credits", "balance", bob, node);
    assertThat(balance.get("balance").asLong()).isEqualTo(7);

    String tx = transfer.get("transaction").asText();
    JsonNode t = json(List.of("id", "status", "height", "code", "message", "leafIndex", "logSize"), "tx", "get", tx, node);
    assertThat(t.get("status").asText()).isEqualTo("COMMITTED");
    assertThat(t.get("height").asLong()).isEqualTo(transfer.get("height").asLong());
    assertThat(t.get("code").isNull()).isTrue();

    JsonNode block = json(List.of("height", "hash", "previousHash", "time", "timestampMillis", "logSize", "logRoot", "stateHash", "txCount",
        "transactions"), "block", "get", transfer.get("height").asText(), node);
    assertThat(block.get("transactions").toString()).contains(tx);

    JsonNode inclusion = json(List.of("transaction", "status", "blockHeight", "blockHash", "leafIndex", "logSize", "logRoot", "proof", "verified"),
        "proof", "verify", "--tx", tx, node);
    assertThat(inclusion.get("verified").asBoolean()).isTrue();
    JsonNode consistency = json(List.of("fromHeight", "toHeight", "fromSize", "toSize", "proof", "verified"), "proof", "verify", "--consistency",
        "1", transfer.get("height").asText(), node);
    assertThat(consistency.get("toHeight").asLong()).isEqualTo(transfer.get("height").asLong());

    JsonNode cluster = json(List.of("chainId", "clustered", "term", "leader", "members", "agree", "problems"), "cluster", "status", node);
    assertThat(cluster.get("clustered").asBoolean()).isFalse();
    assertThat(cluster.get("members").get(0).get("height").asLong()).isPositive();

    JsonNode datasets = json(List.of("datasets"), "dataset", "list", node);
    assertThat(datasets.get("datasets").isArray()).isTrue();
    JsonNode lineage = json(List.of("erasedVersions", "affectedModels", "models"), "lineage", "erased", node);
    assertThat(lineage.get("affectedModels").asInt()).isZero();
  }

  @Test
  void unknownOutputFormat_isAUsageError() {
    Veriflow.Captured o = Veriflow.capture("credits", "balance", "vf1x", "--output", "yaml");
    assertThat(o.exitCode()).isEqualTo(Veriflow.USAGE);
    assertThat(o.out()).isEmpty();
    assertThat(o.err()).contains("--output");
  }

  @Test
  void problems_consensusExceptionText_isRemoved() {
    String node = "the cluster has no leader: member n1 found no majority (2 of 3 members) to elect one within 10 s; retry when more are up"
        + " (org.apache.ratis.protocol.exceptions.NotLeaderException: Server n1@group-ABC is not the leader (n2:127.0.0.1:9000))";
    assertThat(Problems.withoutExceptionText(node)).isEqualTo(
        "the cluster has no leader: member n1 found no majority (2 of 3 members) to elect one within 10 s; retry when more are up");
    assertThat(Problems.withoutExceptionText("no answer (null)")).isEqualTo("no answer");
    assertThat(Problems.withoutExceptionText("a plain sentence (with a note)")).isEqualTo("a plain sentence (with a note)");
  }
}
