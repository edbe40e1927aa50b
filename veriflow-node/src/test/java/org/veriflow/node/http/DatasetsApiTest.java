package org.veriflow.node.http;

import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.service.BlobStore;

import org.veriflow.protocol.datasets.DatasetCryptoLabels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.RequestSignature;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.SetEncryptionKey;
import org.veriflow.protocol.proto.datasets.ChangeDatasetStatus;
import org.veriflow.protocol.proto.datasets.ColumnSpec;
import org.veriflow.protocol.proto.datasets.Policy;
import org.veriflow.protocol.proto.datasets.PublishDataset;
import org.veriflow.protocol.proto.datasets.QualitySummary;
import org.veriflow.protocol.proto.datasets.RequestAccess;
import org.veriflow.crypto.DataKey;
import org.veriflow.crypto.Digests;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.crypto.EncryptionPublicKey;
import org.veriflow.crypto.KeyWrap;
import org.veriflow.crypto.StreamingEncryption;

/**
 * A node in this JVM as a dataset's custodian: its encryption key published at start, dataset
 * queries, the signed key release and ciphertext download (each recorded on chain first), every
 * refusal of a signed request, read limits, and erasure deleting the blobs (also at the next start).
 */
class DatasetsApiTest {
  private static final String CHAIN = "veriflow-datasets";
  private static final long T0 = 1_700_000_000_000L;
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String DATASET = "room-climate";
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;
  private SigningKey admin;
  private SigningKey nodeKey;
  private final SigningKey grantee = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final SigningKey other = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final EncryptionKeyPair granteeEncryption = EncryptionKeyPair.generate();
  private final HttpClient http = HttpClient.newHttpClient();
  private final byte[] plaintext = "timestamp,temperature,humidity\n1,21.5,40.1\n2,21.4,40.3\n".getBytes(StandardCharsets.UTF_8);
  private final byte[] qualityReport = "{\"rows\":2}".getBytes(StandardCharsets.UTF_8);

  private Node node;
  private VeriflowClient client;
  private Hash ciphertextHash;
  private byte[] ciphertext;

  @BeforeEach
  void writeNodeDirectory() throws Exception {
    admin = SigningKey.generate(SignatureAlgorithm.ED25519);
    nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/node.key"), KeyPem.encodePrivate(nodeKey));
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), 1_000_000L);
    GenesisFile.write(dir.resolve("genesis.json"), new GenesisSpec(CHAIN, T0, 1024 * 1024,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())), List.of(new GenesisSpec.Member("node1", nodeKey.publicKey())), balances));
    NodeConfig.write(dir, Map.of(NodeConfig.HTTP_PORT.name(), "0", NodeConfig.HTTP_INSECURE.name(), "true", NodeConfig.OPS_PORT.name(), "0", NodeConfig.VERIFIER_ENABLED.name(), "false"));
  }

  // ------------------------------------------------------------ set-up

  private Node start() throws Exception {
    Node n = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
    node = n;
    client = new VeriflowClient(URI.create("http://127.0.0.1:" + n.httpPort()));
    return n;
  }

  /** Starts the node (which has published its encryption key before serving), registers the grantee and the other identity. */
  private void startAndRegister() throws Exception {
    start();
    EncryptionPublicKey nodeEncryption = EncryptionKeyPair.readPem(dir.resolve("keys/node-encryption.key")).publicKey();
    assertThat(Identities.find(node.ledger().state(Identities.NAME), nodeKey.id().value()).orElseThrow().getEncryptionKey())
        .isEqualTo(ByteString.copyFrom(nodeEncryption.bytes()));
    assertThat(client.identity(nodeKey.id().value()).encryptionKey()).contains(nodeEncryption.hex());
    committed(tx(admin).registerIdentity(grantee.publicKey(), IdentityKind.ORGANISATION, "Consumer", List.of()));
    committed(tx(admin).registerIdentity(other.publicKey(), IdentityKind.ORGANISATION, "Other", List.of()));
    committed(tx(grantee).call("identities", "set_encryption_key",
        SetEncryptionKey.newBuilder().setPublicKey(ByteString.copyFrom(granteeEncryption.publicKey().bytes())).build()));
  }

  private TransactionBuilder tx(SigningKey key) {
    return new TransactionBuilder(CHAIN, key, client.account(key.id().value()).nonce(), 10_000);
  }

  private Responses.TxInfo committed(SignedTransaction tx) {
    Responses.TxInfo info = client.submit(tx, true);
    assertThat(info.committed()).as("%s: %s %s", info.status(), info.code(), info.message()).isTrue();
    return info;
  }

  /** Encrypts the plaintext under a fresh key, uploads ciphertext and report, publishes version 1 in the custody of the node. */
  private void publish(long maxReads, String... admitted) throws Exception {
    DataKey key = DataKey.generate();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Digests digests = StreamingEncryption.encrypt(key, new ByteArrayInputStream(plaintext), out, associatedData());
    ciphertext = out.toByteArray();
    ciphertextHash = digests.ciphertextSha256();
    assertThat(put(ciphertextHash, ciphertext)).isEqualTo(201);
    assertThat(put(Hash.sha256(qualityReport), qualityReport)).isEqualTo(201);
    EncryptionPublicKey custodian = EncryptionPublicKey.of(
        Identities.find(node.ledger().state(Identities.NAME), nodeKey.id().value()).orElseThrow().getEncryptionKey().toByteArray());
    byte[] custodyKey = KeyWrap.wrap(key, custodian, DatasetCryptoLabels.custody(DATASET, 1));
    committed(tx(admin).call("datasets", "publish", PublishDataset.newBuilder()
        .setDatasetId(DATASET).setVersion(1).setTitle("Room climate").setDescription("two sensors").addTags("climate")
        .addSchema(ColumnSpec.newBuilder().setName("timestamp").setType("int64"))
        .addSchema(ColumnSpec.newBuilder().setName("temperature").setType("float64"))
        .addSchema(ColumnSpec.newBuilder().setName("humidity").setType("float64"))
        .setLicence("CC-BY-4.0")
        .setPolicy(Policy.newBuilder().addPurposes("research").setMaxReads(maxReads).setAutoGrant(true).addAllIdentities(java.util.Arrays.stream(admitted).sorted().toList()))
        .setPlaintextSha256(ByteString.copyFrom(digests.plaintextSha256().bytes()))
        .setCiphertextSha256(ByteString.copyFrom(ciphertextHash.bytes()))
        .setPlaintextBytes(digests.plaintextBytes()).setCiphertextBytes(digests.ciphertextBytes())
        .setCustodian(nodeKey.id().value()).setCustodyKey(ByteString.copyFrom(custodyKey))
        .setQuality(QualitySummary.newBuilder().setRows(2).setColumns(3))
        .setQualityReportSha256(ByteString.copyFrom(Hash.sha256(qualityReport).bytes()))
        .build()));
    key.destroy();
  }

  private static byte[] associatedData() {
    return ("veriflow-dataset/" + DATASET + "/1").getBytes(StandardCharsets.UTF_8);
  }

  /** The grant id of a request by {@code who}. */
  private String request(SigningKey who, String purpose) {
    return committed(tx(who).call("datasets", "request",
        RequestAccess.newBuilder().setDatasetId(DATASET).setVersion(1).setPurpose(purpose).build())).id();
  }

  /** Uploads a blob in a request signed by the administrator. */
  private int put(Hash hash, byte[] bytes) throws Exception {
    String path = "/v1/blobs/" + hash.hex();
    RequestSignature s = sign(admin, "PUT", path, hash, Instant.now().getEpochSecond());
    return http.send(HttpRequest.newBuilder(uri(path)).header(RequestSignature.BLOB_HEADER, s.blob())
        .header("Signature-Input", s.signatureInput()).header("Signature", s.signatureHeader())
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + node.httpPort() + path);
  }

  private static byte[] nonce() {
    byte[] n = new byte[16];
    RANDOM.nextBytes(n);
    return n;
  }

  private RequestSignature sign(SigningKey key, String method, String path, Hash blob, long created) {
    return RequestSignature.sign(key, method, path, "", blob, created, nonce());
  }

  private HttpResponse<byte[]> send(String method, String path, RequestSignature s) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody());
    if (s != null) {
      b.header(RequestSignature.BLOB_HEADER, s.blob()).header("Signature-Input", s.signatureInput()).header("Signature", s.signatureHeader());
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> release(SigningKey key, String grantId) throws Exception {
    String path = "/v1/grants/" + grantId + "/key";
    return send("POST", path, sign(key, "POST", path, ciphertextHash, Instant.now().getEpochSecond()));
  }

  private HttpResponse<byte[]> download(SigningKey key, String grantId) throws Exception {
    String path = "/v1/grants/" + grantId + "/ciphertext";
    return send("GET", path, sign(key, "GET", path, ciphertextHash, Instant.now().getEpochSecond()));
  }

  private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as("GET %s: %s", path, new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return json(r);
  }

  private static void refused(HttpResponse<byte[]> r, int status, String code) throws Exception {
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(status);
    assertThat(json(r).path("code").asText()).isEqualTo(code);
  }

  private String metrics() throws Exception {
    return http.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  // ------------------------------------------------------------ tests

  @Test
  void releaseAndDownload_keyDecryptsTheCiphertext_bothAccessesLogged_readsExhaustedAfterMaxReads() throws Exception {
    startAndRegister();
    try (Node n = node) {
      publish(2);
      // The plain blob API does not serve a dataset's ciphertext: only a grant's signed, recorded download does.
      refused(send("GET", "/v1/blobs/" + ciphertextHash.hex(), null), 403, "SIGNED_DOWNLOAD_REQUIRED");
      assertThat(send("GET", "/v1/blobs/" + Hash.sha256(qualityReport).hex(), null).statusCode()).isEqualTo(200);
      String grantId = request(grantee, "research");

      HttpResponse<byte[]> r = release(grantee, grantId);
      assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
      JsonNode released = json(r);
      assertThat(released.path("grantId").asText()).isEqualTo(grantId);
      byte[] wrapped = Base64.getDecoder().decode(released.path("wrappedKey").asText());
      DataKey key = KeyWrap.unwrap(wrapped, granteeEncryption, DatasetCryptoLabels.grant(grantId));
      assertThat(client.transaction(released.path("accessTx").asText()).committed()).isTrue();

      HttpResponse<byte[]> d = download(grantee, grantId);
      assertThat(d.statusCode()).isEqualTo(200);
      assertThat(d.headers().firstValue("Content-Type")).contains("application/octet-stream");
      assertThat(d.headers().firstValueAsLong("Content-Length").orElse(-1)).isEqualTo(ciphertext.length);
      ByteArrayOutputStream decrypted = new ByteArrayOutputStream();
      StreamingEncryption.decrypt(key, new ByteArrayInputStream(d.body()), decrypted, associatedData());
      assertThat(decrypted.toByteArray()).isEqualTo(plaintext);

      JsonNode accesses = get("/v1/datasets/" + DATASET + "/versions/1/accesses");
      assertThat(accesses.path("accesses")).hasSize(2);
      JsonNode first = accesses.path("accesses").get(0);
      assertThat(first.path("kind").asText()).isEqualTo("KEY_RELEASE");
      assertThat(first.path("txId").asText()).isEqualTo(released.path("accessTx").asText());
      assertThat(first.path("wrappedKeySha256").asText()).isEqualTo(Hash.sha256(wrapped).hex());
      assertThat(first.path("granteeEncryptionKey").asText()).isEqualTo(granteeEncryption.publicKey().hex());
      assertThat(accesses.path("accesses").get(1).path("kind").asText()).isEqualTo("BLOB_DOWNLOAD");
      assertThat(get("/v1/identities/" + grantee.id().value() + "/accesses").path("accesses")).hasSize(2);
      assertThat(get("/v1/identities/" + other.id().value() + "/accesses").path("accesses")).isEmpty();

      // The queries the SDK reads.
      JsonNode dataset = get("/v1/datasets/" + DATASET);
      assertThat(dataset.path("versions").toString()).isEqualTo("[1]");
      assertThat(dataset.path("latest").path("custodyKey").asBoolean()).isTrue();
      assertThat(dataset.path("latest").path("ciphertextSha256").asText()).isEqualTo(ciphertextHash.hex());
      assertThat(get("/v1/datasets?tag=climate").path("datasets")).hasSize(1);
      assertThat(get("/v1/datasets?tag=other").path("datasets")).isEmpty();
      assertThat(get("/v1/datasets?field=humidity&owner=" + admin.id().value()).path("datasets")).hasSize(1);
      JsonNode grant = get("/v1/grants/" + grantId);
      assertThat(grant.path("status").asText()).isEqualTo("GRANTED");
      assertThat(grant.path("reads").asLong()).isEqualTo(1);
      assertThat(get("/v1/datasets/" + DATASET + "/versions/1/grants").path("grants")).hasSize(1);
      assertThat(get("/v1/identities/" + grantee.id().value() + "/grants").path("grants").get(0).path("grantId").asText()).isEqualTo(grantId);
      assertThat(client.datasets().version(DATASET, 1).custodyKey()).isTrue();
      refused(http.send(HttpRequest.newBuilder(uri("/v1/datasets/nothing-here")).build(), HttpResponse.BodyHandlers.ofByteArray()), 404,
          "UNKNOWN_DATASET");
      refused(http.send(HttpRequest.newBuilder(uri("/v1/datasets/" + DATASET + "/versions/2")).build(), HttpResponse.BodyHandlers.ofByteArray()),
          404, "UNKNOWN_DATASET");
      refused(http.send(HttpRequest.newBuilder(uri("/v1/datasets/Bad_Id")).build(), HttpResponse.BodyHandlers.ofByteArray()), 400, "INVALID_ID");
      refused(http.send(HttpRequest.newBuilder(uri("/v1/datasets?cursor=xyz")).build(), HttpResponse.BodyHandlers.ofByteArray()), 400,
          "INVALID_PARAMETER");
      refused(http.send(HttpRequest.newBuilder(uri("/v1/grants/" + Hash.sha256(new byte[] {7}).hex())).build(),
          HttpResponse.BodyHandlers.ofByteArray()), 404, "UNKNOWN_GRANT");

      // The SDK's own signed requests work against the node: the second read, then none left.
      Responses.KeyRelease second = client.datasets().releaseKey(grantId, grantee, ciphertextHash);
      assertThat(KeyWrap.unwrap(second.wrappedKey(), granteeEncryption, DatasetCryptoLabels.grant(grantId)).id()).isEqualTo(key.id());
      refused(release(grantee, grantId), 403, "READS_EXHAUSTED");
      // A download is not a read.
      assertThat(download(grantee, grantId).statusCode()).isEqualTo(200);
      assertThat(get("/v1/grants/" + grantId).path("reads").asLong()).isEqualTo(2);

      String m = metrics();
      assertThat(m).contains("veriflow_dataset_key_releases_total{outcome=\"released\"} 2.0");
      assertThat(m).contains("veriflow_dataset_key_releases_total{outcome=\"READS_EXHAUSTED\"} 1.0");
      assertThat(m).contains("veriflow_dataset_downloads_total{outcome=\"downloaded\"} 2.0");
    }
  }

  @Test
  void signedRequests_refusedWithTheirCodes_beforeAnythingIsRecorded() throws Exception {
    startAndRegister();
    try (Node n = node) {
      publish(0);
      String grantId = request(grantee, "research");
      String path = "/v1/grants/" + grantId + "/key";
      long now = Instant.now().getEpochSecond();

      refused(send("POST", path, null), 401, "SIGNATURE_MISSING");
      HttpResponse<byte[]> malformed = http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody())
          .header(RequestSignature.BLOB_HEADER, ciphertextHash.hex()).header("Signature-Input", "vf=(\"@method\");created=1")
          .header("Signature", "vf=:AAAA:").build(), HttpResponse.BodyHandlers.ofByteArray());
      refused(malformed, 401, "SIGNATURE_MALFORMED");
      refused(send("POST", "/v1/grants/" + Hash.sha256(new byte[] {1}).hex() + "/key",
          sign(grantee, "POST", "/v1/grants/" + Hash.sha256(new byte[] {1}).hex() + "/key", ciphertextHash, now)), 404, "UNKNOWN_GRANT");
      refused(send("POST", "/v1/grants/not-a-grant/key", sign(grantee, "POST", "/v1/grants/not-a-grant/key", ciphertextHash, now)), 400,
          "INVALID_ID");
      refused(send("POST", path, sign(other, "POST", path, ciphertextHash, now)), 403, "FOREIGN_SIGNER");
      // The grantee's key id, but another key's signature.
      RequestSignature unsigned = new RequestSignature("POST", path, "", ciphertextHash.hex(), now, "00".repeat(16), grantee.id().value(), new byte[0]);
      RequestSignature forged = new RequestSignature("POST", path, "", ciphertextHash.hex(), now, "00".repeat(16), grantee.id().value(),
          other.sign(unsigned.base()));
      refused(send("POST", path, forged), 401, "SIGNATURE_INVALID");
      // Signed for another method or path: the signature does not cover this request.
      refused(send("POST", path, sign(grantee, "GET", path, ciphertextHash, now)), 401, "SIGNATURE_INVALID");
      refused(send("POST", path, sign(grantee, "POST", path, ciphertextHash, now - SignedRequests.WINDOW.toSeconds() - 5)), 401, "REQUEST_EXPIRED");
      refused(send("POST", path, sign(grantee, "POST", path, ciphertextHash, now + SignedRequests.WINDOW.toSeconds() + 5)), 401, "REQUEST_EXPIRED");
      refused(send("POST", path, sign(grantee, "POST", path, Hash.sha256(new byte[] {2}), now)), 400, "BLOB_MISMATCH");
      assertThat(get("/v1/datasets/" + DATASET + "/versions/1/accesses").path("accesses")).isEmpty();

      RequestSignature once = sign(grantee, "POST", path, ciphertextHash, Instant.now().getEpochSecond());
      assertThat(send("POST", path, once).statusCode()).isEqualTo(200);
      refused(send("POST", path, once), 409, "REQUEST_REPLAYED");
      String download = "/v1/grants/" + grantId + "/ciphertext";
      RequestSignature fetch = sign(grantee, "GET", download, ciphertextHash, Instant.now().getEpochSecond());
      assertThat(send("GET", download, fetch).statusCode()).isEqualTo(200);
      refused(send("GET", download, fetch), 409, "REQUEST_REPLAYED");
      assertThat(get("/v1/datasets/" + DATASET + "/versions/1/accesses").path("accesses")).hasSize(2);

      // No grant: a request denied at once (purpose not in the policy) releases nothing; the contract says why.
      String denied = request(other, "training");
      assertThat(get("/v1/grants/" + denied).path("status").asText()).isEqualTo("DENIED");
      refused(release(other, denied), 403, "GRANT_NOT_ACTIVE");
      refused(download(other, denied), 403, "GRANT_NOT_ACTIVE");
      // A grantee without an encryption key gets no key.
      String noKey = request(other, "research");
      refused(release(other, noKey), 403, "NO_ENCRYPTION_KEY");
      assertThat(get("/v1/datasets/" + DATASET + "/versions/1/accesses").path("accesses")).hasSize(2);
    }
  }

  @Test
  void pendingGrantee_floodsValidlySignedReleases_fillsNothing_andAGranteesReleaseStillSucceeds() throws Exception {
    // A small per-identity memory, so that a shortened flood would fill it if refused requests were remembered.
    NodeConfig.write(dir, Map.of(NodeConfig.HTTP_PORT.name(), "0", NodeConfig.HTTP_INSECURE.name(), "true", NodeConfig.OPS_PORT.name(), "0", NodeConfig.VERIFIER_ENABLED.name(), "false",
        NodeConfig.SIGNED_NONCES_PER_IDENTITY.name(), "20"));
    startAndRegister();
    try (Node n = node) {
      publish(0, grantee.id().value());
      String pending = request(other, "research");
      assertThat(get("/v1/grants/" + pending).path("status").asText()).isEqualTo("PENDING");
      String granted = request(grantee, "research");
      assertThat(get("/v1/grants/" + granted).path("status").asText()).isEqualTo("GRANTED");
      // As it was found (shortened): thousands of validly signed key releases from a member holding only a pending grant.
      for (int i = 0; i < 2_000; i++) {
        HttpResponse<byte[]> r = release(other, pending);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(403);
      }
      refused(release(other, pending), 403, "GRANT_NOT_ACTIVE");
      HttpResponse<byte[]> legitimate = release(grantee, granted);
      assertThat(legitimate.statusCode()).as(new String(legitimate.body(), StandardCharsets.UTF_8)).isEqualTo(200);
      assertThat(get("/v1/datasets/" + DATASET + "/versions/1/accesses").path("accesses")).hasSize(1);
    }
  }

  @Test
  void grantee_fillingItsOwnReplayMemory_isRefusedAlone_withRetryAfter() throws Exception {
    NodeConfig.write(dir, Map.of(NodeConfig.HTTP_PORT.name(), "0", NodeConfig.HTTP_INSECURE.name(), "true", NodeConfig.OPS_PORT.name(), "0", NodeConfig.VERIFIER_ENABLED.name(), "false",
        NodeConfig.SIGNED_NONCES_PER_IDENTITY.name(), "3"));
    startAndRegister();
    try (Node n = node) {
      publish(0, grantee.id().value(), other.id().value());
      String mine = request(grantee, "research");
      String theirs = request(other, "research");
      for (int i = 0; i < 3; i++) {
        assertThat(download(grantee, mine).statusCode()).isEqualTo(200);
      }
      HttpResponse<byte[]> full = download(grantee, mine);
      refused(full, 429, "REPLAY_CACHE_FULL");
      assertThat(full.headers().firstValue("Retry-After").map(Long::parseLong)).hasValueSatisfying(s -> assertThat(s).isBetween(1L, 301L));
      // Another grantee is not blocked by it.
      assertThat(download(other, theirs).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void collect_deletesOnlyTheUnreferencedBlob_theDatasetsBlobsStay() throws Exception {
    NodeConfig.write(dir, Map.of(NodeConfig.HTTP_PORT.name(), "0", NodeConfig.HTTP_INSECURE.name(), "true", NodeConfig.OPS_PORT.name(), "0", NodeConfig.VERIFIER_ENABLED.name(), "false",
        NodeConfig.BLOBS_UNREFERENCED_TTL.name(), "1"));
    startAndRegister();
    try (Node n = node) {
      publish(0);
      byte[] stray = "uploaded, never named on chain".getBytes(StandardCharsets.UTF_8);
      assertThat(put(Hash.sha256(stray), stray)).isEqualTo(201);
      // The time-to-live of 1 ms passes.
      long past = System.currentTimeMillis() + 2;
      while (System.currentTimeMillis() < past) {
        Thread.onSpinWait();
      }
      assertThat(node.blobUploads().collect()).containsExactly(Hash.sha256(stray));
      BlobStore store = BlobStore.open(dir.resolve("blobs"), 1024);
      assertThat(store.exists(Hash.sha256(stray))).isFalse();
      assertThat(store.exists(ciphertextHash)).isTrue();
      assertThat(store.exists(Hash.sha256(qualityReport))).isTrue();
      assertThat(node.blobUploads().collect()).isEmpty();
    }
  }

  @Test
  void erase_deletesTheBlobs_releasesFailDatasetErased_historyStays_andARestartDeletesThemAgain() throws Exception {
    startAndRegister();
    Hash report = Hash.sha256(qualityReport);
    String grantId;
    try (Node n = node) {
      publish(0);
      grantId = request(grantee, "research");
      assertThat(release(grantee, grantId).statusCode()).isEqualTo(200);
      BlobStore store = BlobStore.open(dir.resolve("blobs"), 1024);
      assertThat(store.exists(ciphertextHash)).isTrue();

      committed(tx(admin).call("datasets", "erase", ChangeDatasetStatus.newBuilder().setDatasetId(DATASET).setVersion(1).setReason("consent withdrawn").build()));
      node.erasureSettled().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(store.exists(ciphertextHash)).isFalse();
      assertThat(store.exists(report)).isFalse();
      refused(release(grantee, grantId), 403, "DATASET_ERASED");
      refused(download(grantee, grantId), 403, "DATASET_ERASED");
      JsonNode version = get("/v1/datasets/" + DATASET + "/versions/1");
      assertThat(version.path("status").asText()).isEqualTo("ERASED");
      assertThat(version.path("custodyKey").asBoolean()).isFalse();
      assertThat(version.path("ciphertextSha256").asText()).isEqualTo(ciphertextHash.hex());
      assertThat(get("/v1/datasets/" + DATASET + "/versions/1/accesses").path("accesses")).hasSize(1);

      // A copy that comes back (a crash before the deletion, a re-upload) ...
      assertThat(put(ciphertextHash, ciphertext)).isEqualTo(201);
    }
    // ... is deleted at the next start.
    start();
    try (Node n = node) {
      assertThat(BlobStore.open(dir.resolve("blobs"), 1024).exists(ciphertextHash)).isFalse();
      assertThat(get("/v1/grants/" + grantId).path("reads").asLong()).isEqualTo(1);
    }
  }
}
