package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.datasets.DatasetDownloader;
import org.veriflow.client.datasets.DatasetException;
import org.veriflow.client.datasets.DatasetPublisher;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.contracts.models.Models;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/**
 * Compute-to-data through a real node with its verifier on: an owner publishes a CSV for
 * {@code compute-only} use; the consumer's grant releases neither the key nor the ciphertext, but
 * its signed compute request has the custodian train a model on the data, register it with the
 * node's key naming the dataset version by hash, and replay it to VERIFIED.
 */
class ComputeToDataEndToEndTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir static Path tmp;
  static NodeSetup.Result setup;
  static Node node;
  static VeriflowClient client;
  static String url;

  static final SigningKey OWNER = SigningKey.generate(SignatureAlgorithm.ED25519);
  static final SigningKey CONSUMER = SigningKey.generate(SignatureAlgorithm.ED25519);
  static EncryptionKeyPair consumerEnc = EncryptionKeyPair.generate();
  static Path consumerKey;
  static Path data;
  static Responses.DatasetVersion version;

  @BeforeAll
  static void startNode() throws Exception {
    Path dir = tmp.resolve("node");
    setup = NodeSetup.init(dir, "veriflow-compute", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    node = Node.start(NodeConfig.load(dir, Map.of(), Map.of(NodeConfig.VERIFIER_ENABLED.name(), "true")), Clock.systemUTC(), e -> { });
    url = "http://127.0.0.1:" + node.httpPort();
    client = new VeriflowClient(URI.create(url));
    // The node publishes its encryption key before it serves.
    assertThat(client.identity(setup.node().id().value()).encryptionKey()).isPresent();

    TransactionBuilder admin = tx(setup.admin());
    submit(admin.registerIdentity(OWNER.publicKey(), IdentityKind.ORGANISATION, "Hospital", List.of()));
    submit(admin.registerIdentity(CONSUMER.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()));
    submit(tx(CONSUMER).setEncryptionKey(consumerEnc.publicKey()));
    consumerKey = tmp.resolve("keys/consumer.key");
    Files.createDirectories(consumerKey.getParent());
    Files.writeString(consumerKey, KeyPem.encodePrivate(CONSUMER));

    data = climate("room.csv", 400, 7);
    DatasetPublisher.Options o = new DatasetPublisher.Options("room-climate", 0, "Room climate", "", List.of("climate"), "CC-BY-4.0", 0,
        List.of("compute-only"), List.of(), List.of(), List.of(), 0, 0, 0, true, null, null);
    DatasetPublisher.publish(new Session(client, OWNER), data, o);
    version = client.datasets().version("room-climate", 1);
    assertThat(version.plaintextSha256()).isEqualTo(Hash.sha256(Files.readAllBytes(data)).hex());
    assertThat(version.custodian()).isEqualTo(setup.node().id().value());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
    consumerEnc.destroy();
  }

  // ------------------------------------------------------------ helpers

  static TransactionBuilder tx(SigningKey key) {
    Responses.ChainInfo chain = client.chain();
    return new TransactionBuilder(chain.chainId(), key, client.account(key.id().value()).nonce(), chain.height() + 1000);
  }

  static Responses.TxInfo submit(org.veriflow.client.SignedTransaction t) {
    Responses.TxInfo info = client.submit(t, true);
    assertThat(info.status()).as(info.code().orElse("") + " " + info.message().orElse("")).isEqualTo("COMMITTED");
    return info;
  }

  static Veriflow.Captured cli(String... args) {
    return Veriflow.capture(Stream.concat(Stream.of(args), Stream.of("--node=" + url)).toArray(String[]::new));
  }

  /** A room's temperature and humidity: humidity falls as the temperature rises, with noise. */
  static Path climate(String name, int rows, long seed) throws Exception {
    Path f = tmp.resolve("data/" + name);
    Files.createDirectories(f.getParent());
    SplittableRandom r = new SplittableRandom(seed);
    try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      w.write("temperature,humidity\n");
      for (int i = 0; i < rows; i++) {
        double t = 22 + r.nextDouble() * 8;
        w.write(String.format(Locale.ROOT, "%.2f,%.2f%n", t, 95 - 2.1 * t + r.nextDouble()));
      }
    }
    return f;
  }

  static String recipe(String reference, String sha256) {
    return "{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"veriflow-ml/0.1.0\","
        + "\"data\":{\"reference\":\"" + reference + "\",\"sha256\":\"" + sha256 + "\"},"
        + "\"features\":[\"temperature\"],\"label\":\"humidity\",\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},"
        + "\"algorithm\":\"mlp-regressor\",\"hyperParameters\":{\"epochs\":10,\"hiddenLayers\":[8]},\"seed\":5}";
  }

  static Responses.Grant request(String purpose) {
    String grantId = submit(tx(CONSUMER).requestDataset("room-climate", 1, purpose)).id();
    return client.datasets().grant(grantId);
  }

  static List<Responses.Access> accesses() {
    return client.datasets().accesses("room-climate", 1, 1000, null).accesses();
  }

  static Hash ciphertext() {
    return Hash.fromHex(version.ciphertextSha256());
  }

  // ------------------------------------------------------------ tests

  @Test
  void computeOnlyGrant_keyReleaseAndDownload_refusedComputeOnlyNothingWritten() throws Exception {
    Responses.Grant g = request("compute-only");
    assertThat(g.status()).isEqualTo("GRANTED");
    int before = accesses().size();
    Path out = tmp.resolve("stolen/room.csv");
    Files.createDirectories(out.getParent());

    assertThatThrownBy(() -> DatasetDownloader.download(client, CONSUMER, consumerEnc, g.grantId(), out))
        .isInstanceOfSatisfying(DatasetException.class, e -> assertThat(e.code()).isEqualTo("COMPUTE_ONLY"));
    assertThatThrownBy(() -> client.datasets().releaseKey(g.grantId(), CONSUMER, ciphertext()))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("COMPUTE_ONLY"));
    assertThatThrownBy(() -> client.datasets().downloadCiphertext(g.grantId(), CONSUMER, ciphertext(), out))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("COMPUTE_ONLY"));

    assertThat(out).doesNotExist();
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertThat(files).isEmpty();
    }
    assertThat(accesses()).hasSize(before);
    assertThat(client.datasets().grant(g.grantId()).reads()).isZero();
  }

  @Test
  void computeRequest_custodianTrainsRegistersAndVerifiesModelNamingTheVersion() throws Exception {
    Responses.Grant g = request("compute-only");
    Path recipe = tmp.resolve("recipe-ok.json");
    Files.writeString(recipe, recipe("dataset:room-climate/1", version.plaintextSha256()));

    Veriflow.Captured run = cli("dataset", "compute", g.grantId(), "--recipe", recipe.toString(), "--id", "room-humidity",
        "--key", consumerKey.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines().findFirst()).contains("room-humidity");
    Commits.awaitModel(node, "room-humidity", "VERIFIED by the node's replay", m -> m.getStage() == ModelStage.VERIFIED);
    Responses.Model m = client.models().model("room-humidity");
    assertThat(m.trainer()).isEqualTo(setup.node().id().value());
    assertThat(m.attestations()).singleElement().satisfies(a -> assertThat(a.validator()).isEqualTo(setup.node().id().value()));
    ModelRecord record = Models.find(node.ledger().state(Models.NAME), "room-humidity").orElseThrow();
    DatasetRef ref = record.getDatasetsList().get(0);
    assertThat(record.getDatasetsList()).hasSize(1);
    assertThat(ref.getDatasetId()).isEqualTo("room-climate");
    assertThat(ref.getDatasetVersion()).isEqualTo(1);
    assertThat(Hash.of(ref.getCsvSha256().toByteArray()).hex()).isEqualTo(version.plaintextSha256());
    assertThat(ref.getSnapshotId()).isEmpty();
    // The artifact and the loss curve are in the node's blob store.
    Path model = tmp.resolve("room-humidity.bin");
    client.getBlob(m.artifactSha256(), model);
    assertThat(Hash.sha256(Files.readAllBytes(model)).hex()).isEqualTo(m.artifactSha256());
    assertThat(accesses()).filteredOn(a -> a.grantId().equals(g.grantId())).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo("COMPUTE");
      assertThat(a.purpose()).isEqualTo("compute-only");
      assertThat(a.grantee()).isEqualTo(CONSUMER.id().value());
    });
    assertThat(client.datasets().grant(g.grantId()).reads()).isEqualTo(1);
    Veriflow.Captured get = cli("model", "get", "room-humidity");
    assertThat(get.exitCode()).as(get.err()).isZero();
    assertThat(get.out()).contains("room-humidity").contains("VERIFIED");
  }

  @Test
  void computeRequest_recipeNamingAnotherDatasetHash_refusedDataReferenceMismatchNothingRecorded() throws Exception {
    Responses.Grant g = request("compute-only");
    int before = accesses().size();
    String other = Hash.sha256("another dataset".getBytes(StandardCharsets.UTF_8)).hex();

    assertThatThrownBy(() -> client.datasets().compute(g.grantId(), "room-forged", recipe("dataset:room-climate/1", other), CONSUMER, ciphertext(),
        DEADLINE)).isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("DATA_REFERENCE_MISMATCH"));
    assertThatThrownBy(() -> client.datasets().compute(g.grantId(), "room-forged", recipe("dataset:another/1", version.plaintextSha256()), CONSUMER,
        ciphertext(), DEADLINE)).isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("DATA_REFERENCE_MISMATCH"));
    Veriflow.Captured bad = cli("dataset", "compute", g.grantId(), "--recipe", writeRecipe("recipe-bad.json", other), "--id", "room-forged",
        "--key", consumerKey.toString());

    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err()).contains("DATA_REFERENCE_MISMATCH");
    assertThat(accesses()).hasSize(before);
    assertThat(Models.find(node.ledger().state(Models.NAME), "room-forged")).isEmpty();
  }

  @Test
  void computeRequest_grantForAnotherPurposeOrInvalidRecipe_refused() throws Exception {
    Responses.Grant denied = request("research");
    assertThat(denied.status()).isEqualTo("DENIED");
    Responses.Grant g = request("compute-only");

    assertThatThrownBy(() -> client.datasets().compute(denied.grantId(), "room-denied", recipe("dataset:room-climate/1", version.plaintextSha256()),
        CONSUMER, ciphertext(), DEADLINE)).isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("GRANT_NOT_ACTIVE"));
    assertThatThrownBy(() -> client.datasets().compute(g.grantId(), "room-invalid", "{\"format\":\"veriflow-recipe/1\"}", CONSUMER, ciphertext(),
        DEADLINE)).isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("INVALID_RECIPE"));
    assertThat(client.datasets().grant(g.grantId()).reads()).isZero();
  }

  @Test
  void computeRequest_grantForResearchOnAnotherDataset_refusedNotComputeGrantNothingRecorded() throws Exception {
    Path file = climate("lab.csv", 50, 11);
    DatasetPublisher.publish(new Session(client, OWNER), file, new DatasetPublisher.Options("lab-climate", 0, "Lab climate", "", List.of("climate"),
        "CC-BY-4.0", 0, List.of("research"), List.of(), List.of(), List.of(), 0, 0, 0, true, null, null));
    Responses.DatasetVersion lab = client.datasets().version("lab-climate", 1);
    String grantId = submit(tx(CONSUMER).requestDataset("lab-climate", 1, "research")).id();
    assertThat(client.datasets().grant(grantId).status()).isEqualTo("GRANTED");

    assertThatThrownBy(() -> client.datasets().compute(grantId, "lab-humidity", recipe("dataset:lab-climate/1", lab.plaintextSha256()), CONSUMER,
        Hash.fromHex(lab.ciphertextSha256()), DEADLINE))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("NOT_COMPUTE_GRANT"));

    assertThat(client.datasets().accesses("lab-climate", 1, 10, null).accesses()).isEmpty();
    assertThat(Models.find(node.ledger().state(Models.NAME), "lab-humidity")).isEmpty();
  }

  @Test
  void computeRequest_bodyNotTheSignedHash_refusedBodyMismatchNothingRecorded() throws Exception {
    Responses.Grant g = request("compute-only");
    byte[] body = ("{\"modelId\":\"room-swapped\",\"recipe\":" + recipe("dataset:room-climate/1", version.plaintextSha256()) + "}")
        .getBytes(StandardCharsets.UTF_8);
    // Signed for another body: the recipe or model id was swapped after signing.
    String query = "body=" + Hash.sha256("the body the grantee signed".getBytes(StandardCharsets.UTF_8)).hex();
    String path = "/v1/grants/" + g.grantId() + "/compute";
    byte[] nonce = new byte[16];
    new java.security.SecureRandom().nextBytes(nonce);
    org.veriflow.core.crypto.RequestSignature sig = org.veriflow.core.crypto.RequestSignature.sign(CONSUMER, "POST", path, query, ciphertext(),
        Instant.now().getEpochSecond(), nonce);
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(URI.create(url + path + "?" + query))
            .header(org.veriflow.core.crypto.RequestSignature.BLOB_HEADER, ciphertext().hex())
            .header("Signature-Input", sig.signatureInput()).header("Signature", sig.signatureHeader())
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("BODY_MISMATCH");
    assertThat(accesses()).noneMatch(a -> a.grantId().equals(g.grantId()));
    assertThat(Models.find(node.ledger().state(Models.NAME), "room-swapped")).isEmpty();
  }

  private static String writeRecipe(String name, String sha256) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, recipe("dataset:room-climate/1", sha256));
    return f.toString();
  }
}
