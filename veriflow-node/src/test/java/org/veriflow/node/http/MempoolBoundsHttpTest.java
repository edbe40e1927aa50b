package org.veriflow.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/**
 * The pool's bounds over HTTP, tried as they were found: one sender posts transfers made as large
 * as a transfer may be, with nonces next+1 … next+1024 (none can be ordered, so all would stay
 * pending) and {@code valid_until} at its maximum; the node answers {@code 400
 * VALID_UNTIL_TOO_FAR} to the maximum validity, {@code 400 NON_CANONICAL} to a payload padded with
 * an undeclared field, and {@code 429 SENDER_POOL_FULL} once the sender's share is taken, while
 * another sender's transfer is admitted and committed. Shortened: a 16 KiB share.
 */
class MempoolBoundsHttpTest {
  private static final String CHAIN = "veriflow-pool";
  private static final long VALIDITY = 10_000;

  @TempDir Path dir;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> post(Node node, SignedTransaction tx) throws Exception {
    Base64.Encoder b64 = Base64.getEncoder();
    String body = "{\"payload\":\"" + b64.encodeToString(tx.payload()) + "\",\"signature\":\"" + b64.encodeToString(tx.signature()) + "\"}";
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/transactions"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void submit_oneSenderParksFutureNonces_sender429AtItsShareWhileAnotherSenderCommits() throws Exception {
    SigningKey admin = SigningKey.generate(SignatureAlgorithm.ED25519);
    SigningKey nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);
    SigningKey other = SigningKey.generate(SignatureAlgorithm.ED25519);
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/node.key"), KeyPem.encodePrivate(nodeKey));
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), 1_000_000L);
    balances.put(other.id(), 1_000L);
    GenesisFile.write(dir.resolve("genesis.json"), new GenesisSpec(CHAIN, 1_700_000_000_000L, 1024 * 1024,
        List.of(new GenesisSpec.Member("admin", admin.publicKey()), new GenesisSpec.Member("other", other.publicKey())), List.of(new GenesisSpec.Member("node1", nodeKey.publicKey())), balances));
    NodeConfig.write(dir, Map.of(NodeConfig.HTTP_PORT.name(), "0", NodeConfig.VERIFIER_ENABLED.name(), "false",
        NodeConfig.MEMPOOL_MAX_SENDER_BYTES.name(), "16384", NodeConfig.MEMPOOL_MAX_VALIDITY_BLOCKS.name(), Long.toString(VALIDITY),
        NodeConfig.HTTP_INSECURE.name(), "true", NodeConfig.OPS_PORT.name(), "0"));

    try (Node node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { })) {
      long head = node.ledger().head().height();
      String memo = "x".repeat(256);

      HttpResponse<String> forever = post(node, new TransactionBuilder(CHAIN, admin, 1, Long.MAX_VALUE).transfer(nodeKey.id().value(), 1, memo));
      assertThat(forever.statusCode()).isEqualTo(400);
      assertThat(forever.body()).contains("\"code\":\"VALID_UNTIL_TOO_FAR\"");

      SignedTransaction plain = new TransactionBuilder(CHAIN, admin, 1, head + VALIDITY).transfer(nodeKey.id().value(), 1, memo);
      byte[] padded = java.util.Arrays.copyOf(plain.payload(), plain.payload().length + 3);
      padded[plain.payload().length] = (byte) 0x98; // field 99, varint 1
      padded[plain.payload().length + 1] = 0x06;
      padded[plain.payload().length + 2] = 0x01;
      HttpResponse<String> paddedAnswer = post(node, new SignedTransaction(padded, admin.sign(padded)));
      assertThat(paddedAnswer.statusCode()).isEqualTo(400);
      assertThat(paddedAnswer.body()).contains("\"code\":\"NON_CANONICAL\"");

      TransactionBuilder parked = new TransactionBuilder(CHAIN, admin, 1, head + VALIDITY);
      int accepted = 0;
      int refused = 0;
      for (int i = 1; i <= 1024; i++) {
        HttpResponse<String> r = post(node, parked.transfer(nodeKey.id().value(), 1, memo));
        if (r.statusCode() == 202) {
          assertThat(refused).as("accepted after a refusal").isZero();
          accepted++;
        } else {
          assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
          assertThat(r.body()).contains("\"code\":\"SENDER_POOL_FULL\"");
          refused++;
        }
      }
      assertThat(accepted).isBetween(16384 / 1024, 16384 / 400);
      assertThat(refused).isEqualTo(1024 - accepted);

      VeriflowClient client = new VeriflowClient(URI.create("http://127.0.0.1:" + node.httpPort()));
      Responses.TxInfo transfer = client.submit(new TransactionBuilder(CHAIN, other, 0, head + 1000).transfer(admin.id().value(), 5, "rent"), true);
      assertThat(transfer.committed()).as("%s %s %s", transfer.status(), transfer.code(), transfer.message()).isTrue();
    }
  }
}
