package org.veriflow.node.service;

import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.node.GenesisFile;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.SetEncryptionKey;
import org.veriflow.protocol.proto.datasets.ChangeDatasetStatus;
import org.veriflow.protocol.proto.datasets.ColumnSpec;
import org.veriflow.protocol.proto.datasets.Policy;
import org.veriflow.protocol.proto.datasets.PublishDataset;
import org.veriflow.protocol.proto.datasets.QualitySummary;

/**
 * Crypto-shredding on the node: a committed {@code datasets.erase} deletes the version's blobs,
 * those of other versions stay, and a copy that comes back is deleted at the next start. The
 * wrapped key's bytes are opaque to the contract, so none is made here.
 */
class DatasetErasureTest {
  private static final String CHAIN = "veriflow-erasure";
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final SigningKey admin = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final SigningKey nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final HttpClient http = HttpClient.newHttpClient();

  private Node start() throws Exception {
    if (Files.notExists(dir.resolve("genesis.json"))) {
      Files.createDirectories(dir.resolve("keys"));
      Files.writeString(dir.resolve("keys/node.key"), KeyPem.encodePrivate(nodeKey));
      TreeMap<IdentityId, Long> balances = new TreeMap<>();
      balances.put(admin.id(), 1_000L);
      GenesisFile.write(dir.resolve("genesis.json"), new GenesisSpec(CHAIN, 1_700_000_000_000L, 1024 * 1024,
          List.of(new GenesisSpec.Member("admin", admin.publicKey())), List.of(new GenesisSpec.Member("node1", nodeKey.publicKey())), balances));
      NodeConfig.write(dir, Map.of(NodeConfig.HTTP_PORT.name(), "0", NodeConfig.HTTP_INSECURE.name(), "true", NodeConfig.OPS_PORT.name(), "0", NodeConfig.VERIFIER_ENABLED.name(), "false"));
    }
    return Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
  }

  private static void committed(VeriflowClient client, SignedTransaction tx) {
    Responses.TxInfo info = client.submit(tx, true);
    assertThat(info.committed()).as("%s: %s %s", info.status(), info.code(), info.message()).isTrue();
  }

  private static TransactionBuilder tx(VeriflowClient client, SigningKey key) {
    return new TransactionBuilder(CHAIN, key, client.account(key.id().value()).nonce(), 10_000);
  }

  /** Uploads a blob in a request signed by the administrator. */
  private void put(Node node, byte[] bytes) throws Exception {
    Hash hash = Hash.sha256(bytes);
    byte[] nonce = new byte[16];
    new java.security.SecureRandom().nextBytes(nonce);
    org.veriflow.core.crypto.RequestSignature s = org.veriflow.core.crypto.RequestSignature.sign(admin, "PUT", "/v1/blobs/" + hash.hex(), "", hash,
        java.time.Instant.now().getEpochSecond(), nonce);
    int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/blobs/" + hash.hex()))
        .header(org.veriflow.core.crypto.RequestSignature.BLOB_HEADER, s.blob()).header("Signature-Input", s.signatureInput())
        .header("Signature", s.signatureHeader())
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    assertThat(status).isIn(200, 201);
  }

  private static PublishDataset version(String id, byte[] ciphertext, byte[] report, String custodian) {
    return PublishDataset.newBuilder().setDatasetId(id).setVersion(1).setTitle(id).addSchema(ColumnSpec.newBuilder().setName("x").setType("float64"))
        .setLicence("CC0").setPolicy(Policy.newBuilder().addPurposes("research").setAutoGrant(true))
        .setPlaintextSha256(ByteString.copyFrom(Hash.sha256(new byte[] {9}).bytes()))
        .setCiphertextSha256(ByteString.copyFrom(Hash.sha256(ciphertext).bytes())).setPlaintextBytes(1).setCiphertextBytes(ciphertext.length)
        .setCustodian(custodian).setCustodyKey(ByteString.copyFrom(new byte[] {1, 2, 3}))
        .setQuality(QualitySummary.newBuilder().setRows(1).setColumns(1))
        .setQualityReportSha256(ByteString.copyFrom(Hash.sha256(report).bytes())).build();
  }

  @Test
  void erase_deletesThatVersionsBlobs_keepsOthers_andAtTheNextStartDeletesACopyThatCameBack() throws Exception {
    byte[] erasedCiphertext = "ciphertext to erase".getBytes(StandardCharsets.UTF_8);
    byte[] erasedReport = "report to erase".getBytes(StandardCharsets.UTF_8);
    byte[] keptCiphertext = "ciphertext to keep".getBytes(StandardCharsets.UTF_8);
    byte[] keptReport = "report to keep".getBytes(StandardCharsets.UTF_8);
    try (Node node = start()) {
      VeriflowClient client = new VeriflowClient(URI.create("http://127.0.0.1:" + node.httpPort()));
      byte[] encryptionKey = new byte[32];
      Arrays.fill(encryptionKey, (byte) 9);
      // The custodian needs an encryption key on chain; its bytes do not matter here.
      committed(client, tx(client, nodeKey).call("identities", "set_encryption_key",
          SetEncryptionKey.newBuilder().setPublicKey(ByteString.copyFrom(encryptionKey)).build()));
      for (byte[] b : List.of(erasedCiphertext, erasedReport, keptCiphertext, keptReport)) {
        put(node, b);
      }
      committed(client, tx(client, admin).call("datasets", "publish", version("erased", erasedCiphertext, erasedReport, nodeKey.id().value())));
      committed(client, tx(client, admin).call("datasets", "publish", version("kept", keptCiphertext, keptReport, nodeKey.id().value())));
      BlobStore store = BlobStore.open(dir.resolve("blobs"), 1024);

      committed(client, tx(client, admin).call("datasets", "erase",
          ChangeDatasetStatus.newBuilder().setDatasetId("erased").setVersion(1).setReason("consent withdrawn").build()));
      node.erasureSettled().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(store.exists(Hash.sha256(erasedCiphertext))).isFalse();
      assertThat(store.exists(Hash.sha256(erasedReport))).isFalse();
      assertThat(store.exists(Hash.sha256(keptCiphertext))).isTrue();
      assertThat(store.exists(Hash.sha256(keptReport))).isTrue();

      put(node, erasedCiphertext);
      assertThat(store.exists(Hash.sha256(erasedCiphertext))).isTrue();
    }
    try (Node node = start()) {
      BlobStore store = BlobStore.open(dir.resolve("blobs"), 1024);
      assertThat(store.exists(Hash.sha256(erasedCiphertext))).isFalse();
      assertThat(store.exists(Hash.sha256(keptCiphertext))).isTrue();
    }
  }

  @Test
  void delete_removesTheBlob_onceOnly() throws Exception {
    BlobStore store = BlobStore.open(dir.resolve("blobs"), 1024);
    byte[] bytes = "blob".getBytes(StandardCharsets.UTF_8);
    assertThat(store.put(Hash.sha256(bytes), new java.io.ByteArrayInputStream(bytes))).isInstanceOf(BlobStore.Stored.class);
    assertThat(store.delete(Hash.sha256(bytes))).isTrue();
    assertThat(store.exists(Hash.sha256(bytes))).isFalse();
    assertThat(store.delete(Hash.sha256(bytes))).isFalse();
  }
}
