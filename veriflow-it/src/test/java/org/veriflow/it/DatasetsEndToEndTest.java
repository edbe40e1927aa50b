package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import org.veriflow.cli.NodeSetup;
import org.veriflow.protocol.datasets.DatasetCryptoLabels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
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
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.RequestSignature;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.crypto.DataKey;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.crypto.KeyWrap;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/**
 * Datasets shared through a real node on a free port: publish, request, grant, the custodian's key
 * release and download, each refusal with its code, payment through escrow, tampering, signed
 * request replay and expiry, and erasure. One node for the class; each test uses its own datasets.
 */
class DatasetsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir static Path tmp;
  static NodeSetup.Result setup;
  static Node node;
  static VeriflowClient client;
  static String url;

  /** A hospital publishes; a lab's members ask. */
  static final SigningKey OWNER = SigningKey.generate(SignatureAlgorithm.ED25519);
  static final SigningKey LAB = SigningKey.generate(SignatureAlgorithm.ED25519);
  static final SigningKey CONSUMER = SigningKey.generate(SignatureAlgorithm.ED25519);
  static final SigningKey OTHER = SigningKey.generate(SignatureAlgorithm.P256);
  static EncryptionKeyPair consumerEnc;
  static final EncryptionKeyPair OTHER_ENC = EncryptionKeyPair.generate();
  static Path ownerKey;
  static Path consumerKey;
  static Path consumerEncKey;
  static final long CONSUMER_CREDITS = 1000;

  @BeforeAll
  static void startNode() throws Exception {
    Path dir = tmp.resolve("node");
    setup = NodeSetup.init(dir, "veriflow-datasets", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
    url = "http://127.0.0.1:" + node.httpPort();
    client = new VeriflowClient(URI.create(url));
    // The node publishes its encryption key at its first start, without waiting for the block.
    // The node publishes its encryption key before it serves.
    assertThat(client.identity(setup.node().id().value()).encryptionKey()).isPresent();

    TransactionBuilder admin = tx(setup.admin());
    submit(admin.registerIdentity(OWNER.publicKey(), IdentityKind.ORGANISATION, "Hospital", List.of()));
    submit(admin.registerIdentity(LAB.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()));
    TransactionBuilder lab = tx(LAB);
    submit(lab.registerIdentity(CONSUMER.publicKey(), IdentityKind.MEMBER, "Ann", List.of("analyst")));
    submit(lab.registerIdentity(OTHER.publicKey(), IdentityKind.MEMBER, "Bob", List.of()));
    submit(admin.transfer(CONSUMER.id().value(), CONSUMER_CREDITS, "research budget"));
    submit(tx(OTHER).setEncryptionKey(OTHER_ENC.publicKey()));

    ownerKey = writeKey("owner.key", OWNER);
    consumerKey = writeKey("consumer.key", CONSUMER);
    // The consumer makes and publishes its encryption key with the CLI.
    consumerEncKey = tmp.resolve("keys/consumer-enc.key");
    Veriflow.Captured made = Veriflow.capture("keys", "new", "--type", "x25519", "--out", consumerEncKey.toString());
    assertThat(made.exitCode()).as(made.err()).isZero();
    consumerEnc = EncryptionKeyPair.readPem(consumerEncKey);
    assertThat(made.out().trim()).isEqualTo(consumerEnc.publicKey().hex());
    Veriflow.Captured set = cli("identity", "encryption-key", "--enc-key", consumerEncKey.toString(), "--key", consumerKey.toString());
    assertThat(set.exitCode()).as(set.err()).isZero();
    assertThat(client.identity(CONSUMER.id().value()).encryptionKey()).contains(consumerEnc.publicKey().hex());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
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

  static Path writeKey(String name, SigningKey key) throws Exception {
    Path f = tmp.resolve("keys/" + name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, KeyPem.encodePrivate(key));
    return f;
  }

  static Veriflow.Captured cli(String... args) {
    String[] all = Stream.concat(Stream.of(args), Stream.of("--node=" + url)).toArray(String[]::new);
    return Veriflow.capture(all);
  }

  /** A sensor CSV of {@code rows} rows (a few hundred kB for 5000: many streaming segments). */
  static Path csv(String name, int rows, long seed) throws Exception {
    Path f = tmp.resolve("data/" + name);
    Files.createDirectories(f.getParent());
    SplittableRandom r = new SplittableRandom(seed);
    try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      w.write("time,device,temperature,humidity,label\n");
      for (int i = 0; i < rows; i++) {
        double t = 20 + r.nextDouble() * 5;
        w.write(String.format(Locale.ROOT, "%d,sensor-%d,%.2f,%s,%s%n", 1_700_000_000_000L + i * 30_000L, i % 2, t,
            i % 97 == 0 ? "" : String.format(Locale.ROOT, "%.1f", 60 - t), t > 22.5 ? "warm" : "cool"));
      }
    }
    return f;
  }

  /** Publishing options with the given terms. */
  static DatasetPublisher.Options terms(String id, long previousVersion, long price, List<String> purposes, long expiryHeight,
      long maxReads, boolean auto) {
    return new DatasetPublisher.Options(id, previousVersion, "Ward sensors " + id, "", List.of("sensors"), "CC-BY-4.0", price, purposes,
        List.of(), List.of(), List.of(), expiryHeight, 0, maxReads, auto, "label", null);
  }

  static DatasetPublisher.Result publish(String id, Path file, DatasetPublisher.Options o) throws Exception {
    return DatasetPublisher.publish(new Session(client, OWNER), file, o);
  }

  /** The consumer asks for a version; returns the grant. */
  static Responses.Grant request(SigningKey who, String id, long version, String purpose) {
    String grantId = submit(tx(who).requestDataset(id, version, purpose)).id();
    return client.datasets().grant(grantId);
  }

  static DatasetDownloader.Result download(String grantId, Path out) throws Exception {
    return DatasetDownloader.download(client, CONSUMER, consumerEnc, grantId, out);
  }

  /** The code a download by the consumer is refused with; asserts that nothing was written. */
  static String refusal(String grantId) throws Exception {
    Path out = tmp.resolve("refused-" + grantId.substring(0, 8) + ".csv");
    try {
      download(grantId, out);
      throw new AssertionError("the download of grant " + grantId + " succeeded");
    } catch (DatasetException e) {
      assertThat(out).doesNotExist();
      assertNoTemporaryFiles(out.getParent());
      return e.code();
    }
  }

  static void assertNoTemporaryFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList()).isEmpty();
    }
  }

  /** Lets blocks pass, one small transfer per block, until the head is at {@code height}. */
  static void advanceTo(long height) {
    while (client.chain().height() < height) {
      submit(tx(setup.admin()).transfer(LAB.id().value(), 1, "tick"));
    }
  }

  // ------------------------------------------------------------ tests

  @Test
  void cli_publishRequestDownload_writesTheCheckedPlaintext_andLogsEveryAccess() throws Exception {
    Path file = csv("ward-a.csv", 5000, 1);
    Veriflow.Captured pub = cli("dataset", "publish", "--key", ownerKey.toString(), "--file", file.toString(), "--title", "Ward A sensors",
        "--tag", "sensors", "--tag", "icu", "--licence", "CC-BY-4.0", "--purpose", "research", "--purpose", "training",
        "--approval", "auto", "--label", "label", "--id", "ward-a");
    assertThat(pub.exitCode()).as(pub.err()).isZero();
    assertThat(pub.out()).contains("dataset      ward-a").contains("version      1").contains("5000 rows, 5 columns");

    Responses.DatasetVersion v1 = client.datasets().version("ward-a", 1);
    assertThat(v1.plaintextSha256()).isEqualTo(Hash.sha256(Files.readAllBytes(file)).hex());
    assertThat(v1.plaintextBytes()).isEqualTo(Files.size(file));
    assertThat(v1.ciphertextBytes()).isGreaterThan(v1.plaintextBytes());
    assertThat(v1.owner()).isEqualTo(OWNER.id().value());
    assertThat(v1.custodian()).isEqualTo(setup.node().id().value());
    assertThat(v1.custodyKey()).isTrue();
    assertThat(v1.tags()).containsExactly("icu", "sensors");
    assertThat(v1.schema()).extracting(c -> c.name() + ":" + c.type())
        .containsExactly("time:int64", "device:string", "temperature:float64", "humidity:float64", "label:string");
    assertThat(v1.quality().rows()).isEqualTo(5000);
    assertThat(v1.quality().missing()).containsExactly(0L, 0L, 0L, 52L, 0L);
    assertThat(v1.quality().labelBalance()).extracting(Responses.LabelCount::label).containsExactly("cool", "warm");
    assertThat(v1.policy().purposes()).containsExactly("research", "training");
    assertThat(v1.policy().autoGrant()).isTrue();
    // The full quality report is a blob whose hash is on chain.
    Path report = tmp.resolve("ward-a-quality.json");
    client.getBlob(v1.qualityReportSha256(), report);
    assertThat(JSON.readTree(report.toFile()).path("rows").asLong()).isEqualTo(5000);

    Veriflow.Captured list = cli("dataset", "list", "--tag", "icu");
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out()).contains("ward-a  v1  ACTIVE  Ward A sensors");
    assertThat(cli("dataset", "list", "--field", "no-such-column").out()).doesNotContain("ward-a");
    Veriflow.Captured show = cli("dataset", "show", "ward-a");
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out()).contains("plaintext:   sha256 " + v1.plaintextSha256()).contains("purposes research, training");

    Veriflow.Captured req = cli("dataset", "request", "ward-a", "--purpose", "research", "--key", consumerKey.toString());
    assertThat(req.exitCode()).as(req.err()).isZero();
    String grantId = req.out().lines().findFirst().orElseThrow();
    assertThat(req.out()).contains("GRANTED");

    Path out = tmp.resolve("ward-a-copy.csv");
    Veriflow.Captured dl = cli("dataset", "download", grantId, "--out", out.toString(), "--enc-key", consumerEncKey.toString(),
        "--key", consumerKey.toString());
    assertThat(dl.exitCode()).as(dl.err()).isZero();
    assertThat(dl.out()).contains(v1.plaintextSha256() + " matches the chain");
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(file));
    assertNoTemporaryFiles(out.getParent());

    // The custodian's log holds the release (with the key the data key was wrapped for) and the download.
    List<Responses.Access> log = client.datasets().accesses("ward-a", 1, 0, null).accesses();
    assertThat(log).extracting(Responses.Access::kind).containsExactly("KEY_RELEASE", "BLOB_DOWNLOAD");
    assertThat(log).allSatisfy(a -> {
      assertThat(a.grantId()).isEqualTo(grantId);
      assertThat(a.grantee()).isEqualTo(CONSUMER.id().value());
      assertThat(a.purpose()).isEqualTo("research");
      assertThat(a.custodian()).isEqualTo(setup.node().id().value());
    });
    assertThat(log.get(0).granteeEncryptionKey()).isEqualTo(consumerEnc.publicKey().hex());
    Veriflow.Captured accesses = cli("dataset", "accesses", "ward-a");
    assertThat(accesses.out()).contains("KEY_RELEASE").contains("BLOB_DOWNLOAD").contains(grantId);
    Veriflow.Captured mine = cli("dataset", "accesses", "--mine", "--key", consumerKey.toString());
    assertThat(mine.exitCode()).as(mine.err()).isZero();
    assertThat(mine.out()).contains("ward-a v1").contains(grantId);
    assertThat(client.datasets().identityGrants(CONSUMER.id().value(), 0, null).grants()).extracting(Responses.Grant::grantId).contains(grantId);
    assertThat(client.datasets().grant(grantId).reads()).isEqualTo(1);
  }

  @Test
  void noGrant_noKey_refusedWithItsCode() throws Exception {
    publish("nogrant", csv("nogrant.csv", 200, 2), terms("nogrant", 0, 0, List.of("research"), 0, 0, false));
    Hash ciphertext = Hash.fromHex(client.datasets().version("nogrant", 1).ciphertextSha256());

    // A grant id that names nothing.
    String none = Hash.sha256("no such request".getBytes(StandardCharsets.UTF_8)).hex();
    assertThatThrownBy(() -> client.datasets().releaseKey(none, CONSUMER, ciphertext))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.code()).isEqualTo("UNKNOWN_GRANT");
          assertThat(e.status()).isEqualTo(404);
        });

    // A request awaiting the owner releases nothing; once denied, still nothing.
    Responses.Grant pending = request(CONSUMER, "nogrant", 1, "research");
    assertThat(pending.status()).isEqualTo("PENDING");
    assertThat(refusal(pending.grantId())).isEqualTo("GRANT_NOT_ACTIVE");
    Veriflow.Captured deny = cli("dataset", "deny", pending.grantId(), "--reason", "not this quarter", "--key", ownerKey.toString());
    assertThat(deny.exitCode()).as(deny.err()).isZero();
    assertThat(client.datasets().grant(pending.grantId()).status()).isEqualTo("DENIED");
    assertThat(refusal(pending.grantId())).isEqualTo("GRANT_NOT_ACTIVE");

    // Through the CLI: exit 1 with the code, nothing written.
    Path out = tmp.resolve("nogrant-cli.csv");
    Veriflow.Captured dl = cli("dataset", "download", pending.grantId(), "--out", out.toString(), "--enc-key", consumerEncKey.toString(),
        "--key", consumerKey.toString());
    assertThat(dl.exitCode()).isEqualTo(1);
    assertThat(dl.err()).contains("GRANT_NOT_ACTIVE");
    assertThat(out).doesNotExist();

    // Someone else's grant: the key goes to nobody but its grantee.
    Responses.Grant granted = request(CONSUMER, "nogrant", 1, "research");
    Veriflow.Captured approve = cli("dataset", "grant", granted.grantId(), "--key", ownerKey.toString());
    assertThat(approve.exitCode()).as(approve.err()).isZero();
    assertThat(client.datasets().grant(granted.grantId()).status()).isEqualTo("GRANTED");
    assertThatThrownBy(() -> client.datasets().releaseKey(granted.grantId(), OTHER, ciphertext))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.code()).isEqualTo("FOREIGN_SIGNER");
          assertThat(e.status()).isEqualTo(403);
        });
    assertThat(client.datasets().accesses("nogrant", 1, 0, null).accesses()).isEmpty();
    // The grantee itself gets it.
    Path ok = tmp.resolve("nogrant-ok.csv");
    download(granted.grantId(), ok);
    assertThat(Files.readAllBytes(ok)).isEqualTo(Files.readAllBytes(tmp.resolve("data/nogrant.csv")));
  }

  @Test
  void wrongPurpose_deniedAtOnce_andNoKey() throws Exception {
    publish("purpose", csv("purpose.csv", 100, 3), terms("purpose", 0, 0, List.of("research"), 0, 0, true));
    Veriflow.Captured req = cli("dataset", "request", "purpose", "--purpose", "marketing", "--key", consumerKey.toString());
    assertThat(req.exitCode()).as(req.err()).isZero();
    String grantId = req.out().lines().findFirst().orElseThrow();
    assertThat(req.out()).contains("DENIED");
    assertThat(client.datasets().grant(grantId).purpose()).isEqualTo("marketing");
    assertThat(refusal(grantId)).isEqualTo("GRANT_NOT_ACTIVE");
  }

  @Test
  void expiredGrant_releasesNoKey() throws Exception {
    long expiry = client.chain().height() + 6;
    publish("expiring", csv("expiring.csv", 100, 4), terms("expiring", 0, 0, List.of("research"), expiry, 0, true));
    Responses.Grant g = request(CONSUMER, "expiring", 1, "research");
    assertThat(g.status()).isEqualTo("GRANTED");
    assertThat(g.expiryHeight()).isEqualTo(expiry);
    advanceTo(expiry);
    assertThat(refusal(g.grantId())).isEqualTo("GRANT_EXPIRED");
    // A new request under the expired policy is refused too.
    Responses.TxInfo late = client.submit(tx(CONSUMER).requestDataset("expiring", 1, "research"), true);
    assertThat(late.status()).isEqualTo("FAILED");
    assertThat(late.code()).contains("GRANT_EXPIRED");
  }

  @Test
  void revokedGrant_releasesNoKey_andANewVersionNeedsItsOwnGrant() throws Exception {
    Path first = csv("versions-1.csv", 300, 5);
    publish("versioned", first, terms("versioned", 0, 0, List.of("research"), 0, 0, true));
    Responses.Grant kept = request(CONSUMER, "versioned", 1, "research");
    Responses.Grant revoked = request(CONSUMER, "versioned", 1, "research");
    download(revoked.grantId(), tmp.resolve("versioned-before-revoke.csv"));

    Veriflow.Captured revoke = cli("dataset", "revoke", revoked.grantId(), "--reason", "study closed", "--key", ownerKey.toString());
    assertThat(revoke.exitCode()).as(revoke.err()).isZero();
    assertThat(client.datasets().grant(revoked.grantId()).status()).isEqualTo("REVOKED");
    assertThat(refusal(revoked.grantId())).isEqualTo("GRANT_NOT_ACTIVE");

    // Version 2 with other rows; a version-1 grant still yields version 1 and nothing else.
    Path second = csv("versions-2.csv", 400, 6);
    DatasetPublisher.Result v2 = publish("versioned", second, terms("versioned", 1, 0, List.of("research"), 0, 0, true));
    assertThat(v2.version()).isEqualTo(2);
    assertThat(client.datasets().dataset("versioned").versions()).containsExactly(1L, 2L);
    assertThat(client.datasets().version("versioned", 1).nextVersion()).isEqualTo(2);
    Path old = tmp.resolve("versioned-old-grant.csv");
    DatasetDownloader.Result got = download(kept.grantId(), old);
    assertThat(got.version()).isEqualTo(1);
    assertThat(Files.readAllBytes(old)).isEqualTo(Files.readAllBytes(first));
    // The key of version 1 does not open version 2: each version has its own data key and associated data.
    Hash ciphertext2 = Hash.fromHex(client.datasets().version("versioned", 2).ciphertextSha256());
    assertThatThrownBy(() -> client.datasets().releaseKey(kept.grantId(), CONSUMER, ciphertext2))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("BLOB_MISMATCH"));

    Responses.Grant forV2 = request(CONSUMER, "versioned", 2, "research");
    Path fresh = tmp.resolve("versioned-v2.csv");
    download(forV2.grantId(), fresh);
    assertThat(Files.readAllBytes(fresh)).isEqualTo(Files.readAllBytes(second));
  }

  @Test
  void maxReads_theSecondReleaseIsRefused() throws Exception {
    publish("once", csv("once.csv", 100, 7), terms("once", 0, 0, List.of("research"), 0, 1, true));
    Responses.Grant g = request(CONSUMER, "once", 1, "research");
    download(g.grantId(), tmp.resolve("once.csv"));
    assertThat(client.datasets().grant(g.grantId()).reads()).isEqualTo(1);
    assertThat(refusal(g.grantId())).isEqualTo("READS_EXHAUSTED");
    assertThat(client.datasets().grant(g.grantId()).reads()).isEqualTo(1);
  }

  @Test
  void price_escrowedAtTheGrant_paidToTheOwnerAtTheFirstRelease_refundedIfRevokedBefore() throws Exception {
    publish("priced", csv("priced.csv", 100, 8), terms("priced", 0, 25, List.of("research"), 0, 0, true));
    long owner0 = client.account(OWNER.id().value()).balance();
    long consumer0 = client.account(CONSUMER.id().value()).balance();

    Responses.Grant g = request(CONSUMER, "priced", 1, "research");
    assertThat(g.status()).isEqualTo("GRANTED");
    assertThat(g.escrowed()).isEqualTo(25);
    assertThat(client.account(CONSUMER.id().value()).balance()).isEqualTo(consumer0 - 25);
    assertThat(client.account(OWNER.id().value()).balance()).isEqualTo(owner0);

    download(g.grantId(), tmp.resolve("priced-1.csv"));
    Responses.Grant paid = client.datasets().grant(g.grantId());
    assertThat(paid.paid()).isEqualTo(25);
    assertThat(paid.escrowed()).isZero();
    assertThat(client.account(OWNER.id().value()).balance()).isEqualTo(owner0 + 25);
    assertThat(client.datasets().accesses("priced", 1, 0, null).accesses().get(0).paid()).isEqualTo(25);

    // A second release pays nothing more.
    download(g.grantId(), tmp.resolve("priced-2.csv"));
    assertThat(client.account(OWNER.id().value()).balance()).isEqualTo(owner0 + 25);
    assertThat(client.account(CONSUMER.id().value()).balance()).isEqualTo(consumer0 - 25);

    // Revoked before any release: the escrow goes back to the grantee.
    Responses.Grant refunded = request(CONSUMER, "priced", 1, "research");
    assertThat(client.account(CONSUMER.id().value()).balance()).isEqualTo(consumer0 - 50);
    submit(tx(OWNER).revokeGrant(refunded.grantId(), "changed my mind"));
    assertThat(client.account(CONSUMER.id().value()).balance()).isEqualTo(consumer0 - 25);
    assertThat(client.account(OWNER.id().value()).balance()).isEqualTo(owner0 + 25);
  }

  @Test
  void tamperedCiphertext_detected_andNothingWritten() throws Exception {
    publish("tamper", csv("tamper.csv", 2000, 9), terms("tamper", 0, 0, List.of("research"), 0, 0, true));
    Responses.Grant g = request(CONSUMER, "tamper", 1, "research");
    Responses.DatasetVersion record = client.datasets().version("tamper", 1);
    Hash ciphertextHash = Hash.fromHex(record.ciphertextSha256());
    Responses.KeyRelease release = client.datasets().releaseKey(g.grantId(), CONSUMER, ciphertextHash);
    DataKey key = KeyWrap.unwrap(release.wrappedKey(), consumerEnc, DatasetCryptoLabels.grant(g.grantId()));
    // The key is wrapped for the consumer only.
    assertThatThrownBy(() -> KeyWrap.unwrap(release.wrappedKey(), OTHER_ENC, DatasetCryptoLabels.grant(g.grantId())))
        .hasMessageContaining("wrapped for");

    Path dir = tmp.resolve("tamper");
    Files.createDirectories(dir);
    Path ciphertext = dir.resolve("tamper.bin");
    assertThat(client.datasets().downloadCiphertext(g.grantId(), CONSUMER, ciphertextHash, ciphertext)).isEqualTo(ciphertextHash);
    byte[] bytes = Files.readAllBytes(ciphertext);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(ciphertext, bytes);

    Path out = dir.resolve("tamper.csv");
    assertThatThrownBy(() -> DatasetDownloader.decrypt(key, ciphertext, record, out))
        .isInstanceOfSatisfying(DatasetException.class, e -> assertThat(e.code()).isEqualTo("TAMPERED"));
    assertThat(out).doesNotExist();
    assertNoTemporaryFiles(dir);
    // The untouched bytes decrypt to the recorded plaintext.
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(ciphertext, bytes);
    DatasetDownloader.decrypt(key, ciphertext, record, out);
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(tmp.resolve("data/tamper.csv")));
  }

  /** Sends a hand-made signed key release. */
  static HttpResponse<String> signedRelease(SigningKey key, String grantId, Hash blob, long createdSeconds, byte[] nonce) throws Exception {
    String path = "/v1/grants/" + grantId + "/key";
    RequestSignature s = RequestSignature.sign(key, "POST", path, "", blob, createdSeconds, nonce);
    return send(path, blob.hex(), s.signatureInput(), s.signatureHeader());
  }

  static HttpResponse<String> send(String path, String blob, String input, String signature) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).header(RequestSignature.BLOB_HEADER, blob)
        .header("Signature-Input", input).header("Signature", signature).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String code(HttpResponse<String> r) throws Exception {
    JsonNode n = JSON.readTree(r.body());
    return n.path("code").asText();
  }

  @Test
  void signedRequests_replayedOrExpiredOrAltered_refused() throws Exception {
    publish("signed", csv("signed.csv", 100, 10), terms("signed", 0, 0, List.of("research"), 0, 0, true));
    Responses.Grant g = request(CONSUMER, "signed", 1, "research");
    Hash blob = Hash.fromHex(client.datasets().version("signed", 1).ciphertextSha256());
    long now = Instant.now().getEpochSecond();

    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String path = "/v1/grants/" + g.grantId() + "/key";
    RequestSignature s = RequestSignature.sign(CONSUMER, "POST", path, "", blob, now, nonce);
    HttpResponse<String> first = send(path, blob.hex(), s.signatureInput(), s.signatureHeader());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(JSON.readTree(first.body()).path("grantId").asText()).isEqualTo(g.grantId());
    long reads = client.datasets().grant(g.grantId()).reads();

    HttpResponse<String> replay = send(path, blob.hex(), s.signatureInput(), s.signatureHeader());
    assertThat(replay.statusCode()).isEqualTo(409);
    assertThat(code(replay)).isEqualTo("REQUEST_REPLAYED");

    byte[] fresh = new byte[16];
    RANDOM.nextBytes(fresh);
    HttpResponse<String> old = signedRelease(CONSUMER, g.grantId(), blob, now - 3600, fresh);
    assertThat(old.statusCode()).isEqualTo(401);
    assertThat(code(old)).isEqualTo("REQUEST_EXPIRED");

    RANDOM.nextBytes(fresh);
    HttpResponse<String> future = signedRelease(CONSUMER, g.grantId(), blob, now + 3600, fresh);
    assertThat(code(future)).isEqualTo("REQUEST_EXPIRED");

    // The blob header is signed: changing it breaks the signature.
    RANDOM.nextBytes(fresh);
    RequestSignature forOther = RequestSignature.sign(CONSUMER, "POST", path, "", blob, now, fresh);
    String otherBlob = Hash.sha256(new byte[] {1}).hex();
    HttpResponse<String> altered = send(path, otherBlob, forOther.signatureInput(), forOther.signatureHeader());
    assertThat(altered.statusCode()).isEqualTo(401);
    assertThat(code(altered)).isEqualTo("SIGNATURE_INVALID");
    // Signed over another blob: not this version's ciphertext.
    RANDOM.nextBytes(fresh);
    assertThat(code(signedRelease(CONSUMER, g.grantId(), Hash.fromHex(otherBlob), now, fresh))).isEqualTo("BLOB_MISMATCH");
    // Unsigned.
    HttpResponse<String> unsigned = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(code(unsigned)).isEqualTo("SIGNATURE_MISSING");

    // None of the refused requests released anything.
    assertThat(client.datasets().grant(g.grantId()).reads()).isEqualTo(reads);
  }

  @Test
  void erase_keepsHashesAndHistory_andDownloadsFail() throws Exception {
    Path file = csv("erase.csv", 100, 11);
    DatasetPublisher.Result published = publish("erasable", file, terms("erasable", 0, 0, List.of("research"), 0, 0, true));
    Responses.Grant g = request(CONSUMER, "erasable", 1, "research");
    download(g.grantId(), tmp.resolve("erasable.csv"));

    Veriflow.Captured erase = cli("dataset", "erase", "erasable", "--dataset-version", "1", "--reason", "patient withdrew consent",
        "--key", ownerKey.toString());
    assertThat(erase.exitCode()).as(erase.err()).isZero();

    Responses.DatasetVersion after = client.datasets().version("erasable", 1);
    assertThat(after.status()).isEqualTo("ERASED");
    assertThat(after.custodyKey()).isFalse();
    assertThat(after.plaintextSha256()).isEqualTo(published.plaintextSha256().hex());
    assertThat(after.ciphertextSha256()).isEqualTo(published.ciphertextSha256().hex());
    assertThat(after.qualityReportSha256()).isEqualTo(published.qualityReportSha256().hex());
    assertThat(after.history()).extracting(Responses.StatusChange::to).containsExactly("ACTIVE", "ERASED");
    assertThat(after.history().get(1).reason()).isEqualTo("patient withdrew consent");
    assertThat(client.datasets().accesses("erasable", 1, 0, null).accesses()).extracting(Responses.Access::kind)
        .containsExactly("KEY_RELEASE", "BLOB_DOWNLOAD");
    assertThat(client.datasets().grant(g.grantId()).status()).isEqualTo("GRANTED");

    assertThat(refusal(g.grantId())).isEqualTo("DATASET_ERASED");
    assertThatThrownBy(() -> client.datasets().downloadCiphertext(g.grantId(), CONSUMER, published.ciphertextSha256(), tmp.resolve("erased.bin")))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("DATASET_ERASED"));
    assertThat(tmp.resolve("erased.bin")).doesNotExist();
    assertThat(client.datasets().accesses("erasable", 1, 0, null).accesses()).hasSize(2);
  }
}
