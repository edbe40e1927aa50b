package org.veriflow.contracts.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import org.veriflow.contracts.SystemContracts;
import org.veriflow.contracts.TestChain;
import org.veriflow.contracts.credits.Credits;
import org.veriflow.contracts.models.Models;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.datasets.AccessKind;
import org.veriflow.protocol.proto.datasets.AccessRecord;
import org.veriflow.protocol.proto.datasets.ChangeDatasetStatus;
import org.veriflow.protocol.proto.datasets.ColumnSpec;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.datasets.DatasetStatus;
import org.veriflow.protocol.proto.datasets.DecideGrant;
import org.veriflow.protocol.proto.datasets.GrantChange;
import org.veriflow.protocol.proto.datasets.GrantRecord;
import org.veriflow.protocol.proto.datasets.GrantStatus;
import org.veriflow.protocol.proto.datasets.LabelCount;
import org.veriflow.protocol.proto.datasets.Policy;
import org.veriflow.protocol.proto.datasets.PublishDataset;
import org.veriflow.protocol.proto.datasets.QualitySummary;
import org.veriflow.protocol.proto.datasets.RecordAccess;
import org.veriflow.protocol.proto.datasets.RequestAccess;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.SnapshotRecord;
import org.veriflow.protocol.proto.streams.Verdict;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.store.Column;

/**
 * The datasets contract: publication and versions, policies and grants, escrowed payment, the
 * custodian's access log, erasure, and the queries the node serves.
 */
class DatasetsTest {
  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey OTHER_ORG = TestChain.key(11);
  /** A member of ORG who publishes the datasets. */
  private static final SigningKey OWNER = TestChain.key(12);
  /** A member of ORG: an organisation policy admits it. */
  private static final SigningKey RESEARCHER = TestChain.key(13);
  /** A member of OTHER_ORG without roles: an organisation policy does not admit it. */
  private static final SigningKey OUTSIDER = TestChain.key(14);
  /** A member of OTHER_ORG with role "auditor". */
  private static final SigningKey PARTNER = TestChain.key(15);
  private static final SigningKey SECOND_VALIDATOR = TestChain.key(20);
  private static final SigningKey DEVICE = TestChain.key(40);
  private static final String ROOM = "room-1";
  private static final String DATASET = "ward-climate";
  private static final long GRANTEE_CREDITS = 1_000;
  private static final byte[] CUSTODY_KEY = "data key wrapped for the custodian (HPKE)".getBytes(StandardCharsets.UTF_8);
  private static final Hash PLAINTEXT = Hash.sha256("plaintext".getBytes(StandardCharsets.UTF_8));
  private static final Hash CIPHERTEXT = Hash.sha256("ciphertext".getBytes(StandardCharsets.UTF_8));
  private static final Hash REPORT = Hash.sha256("quality report".getBytes(StandardCharsets.UTF_8));
  private static final Hash WRAPPED = Hash.sha256("data key wrapped for the grantee".getBytes(StandardCharsets.UTF_8));

  private TestChain chain;
  /** A snapshot of the room stream's three readings, as recorded on chain. */
  private SnapshotRecord snapshot;

  /**
   * Two validators (the genesis one with an encryption key, the second without), two organisations,
   * ORG's owner and researcher, OTHER_ORG's outsider and partner, credits for the three would-be
   * grantees, encryption keys for researcher and partner, and a snapshot of a room stream.
   */
  @BeforeEach
  void openChain() throws InvalidProtocolBufferException {
    chain = TestChain.openWithDatasets(TestChain.spec(TestChain.STREAMS_MAX_TX_BYTES, 1, List.of(SECOND_VALIDATOR)));
    committedAll(
        TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"),
        TestChain.register(ADMIN, 1, OTHER_ORG.publicKey(), IdentityKind.ORGANISATION, "bank"),
        TestChain.setEncryptionKey(VALIDATOR, 0, TestChain.x25519(2)));
    committedAll(
        TestChain.register(ORG, 0, OWNER.publicKey(), IdentityKind.MEMBER, "steward"),
        TestChain.register(ORG, 1, RESEARCHER.publicKey(), IdentityKind.MEMBER, "researcher"),
        TestChain.register(OTHER_ORG, 0, OUTSIDER.publicKey(), IdentityKind.MEMBER, "outsider"),
        TestChain.registerWithRoles(OTHER_ORG, 1, PARTNER.publicKey(), IdentityKind.MEMBER, "partner", List.of("auditor")),
        TestChain.createStream(ORG, 2, TestChain.roomStream(ROOM, 0)));
    committedAll(
        TestChain.transfer(ADMIN, 2, RESEARCHER.id(), GRANTEE_CREDITS),
        TestChain.transfer(ADMIN, 3, OUTSIDER.id(), GRANTEE_CREDITS),
        TestChain.transfer(ADMIN, 4, PARTNER.id(), GRANTEE_CREDITS),
        TestChain.setEncryptionKey(RESEARCHER, 0, TestChain.x25519(13)),
        TestChain.setEncryptionKey(PARTNER, 0, TestChain.x25519(15)),
        TestChain.registerDevice(ORG, 3, ROOM, DEVICE.publicKey(), "sensor"));
    List<SignedReading> readings = List.of(
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 1, 0, 21.5, 40.0)),
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 2, 30_000, 21.75, 40.5)),
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 3, 60_000, 22.0, 41.0)));
    assertThat(TestChain.verdicts(chain.commitResults(TestChain.submit(OWNER, 0, ROOM, readings)).get(0)))
        .containsExactly(Verdict.LEGAL, Verdict.LEGAL, Verdict.LEGAL);
    TxResult snap = committed(TestChain.snapshot(OWNER, 1, ROOM, 0, 100_000, "night 1"));
    snapshot = SnapshotRecord.parseFrom(snap.getOutput());
  }

  @AfterEach
  void close() {
    chain.close();
  }

  // ------------------------------------------------------------------ helpers

  private static ByteString bytes(Hash h) {
    return ByteString.copyFrom(h.bytes());
  }

  private static ColumnSpec column(String name, String type) {
    return ColumnSpec.newBuilder().setName(name).setType(type).build();
  }

  /** Open to ORG's identities, for research or training, granted at once, free, no limits. */
  private static Policy.Builder policy() {
    return Policy.newBuilder()
        .addOrganisations(ORG.id().value())
        .addPurposes("research")
        .addPurposes("training")
        .setAutoGrant(true);
  }

  /** A valid publication of {@code id} version {@code version}: an uploaded two-column file. */
  private static PublishDataset.Builder publish(String id, long version) {
    return PublishDataset.newBuilder()
        .setDatasetId(id)
        .setVersion(version)
        .setTitle("Ward climate")
        .setDescription("Temperature and humidity of ward 3")
        .addTags("climate")
        .addTags("hospital")
        .addSchema(column("temperature", "float64"))
        .addSchema(column("humidity", "float64"))
        .setLicence("CC-BY-4.0")
        .setPolicy(policy())
        .setPlaintextSha256(bytes(PLAINTEXT))
        .setCiphertextSha256(bytes(CIPHERTEXT))
        .setPlaintextBytes(120)
        .setCiphertextBytes(168)
        .setCustodian(VALIDATOR.id().value())
        .setCustodyKey(ByteString.copyFrom(CUSTODY_KEY))
        .setQuality(QualitySummary.newBuilder().setRows(3).setColumns(2).addMissing(0).addMissing(1)
            .setDuplicates(0).setOutliers(1).addLabelBalance(LabelCount.newBuilder().setLabel("a").setCount(2))
            .addLabelBalance(LabelCount.newBuilder().setLabel("b").setCount(1)))
        .setQualityReportSha256(bytes(REPORT));
  }

  /** {@link #publish} as the export of the fixture's snapshot: its CSV hash and row count. */
  private PublishDataset.Builder publishSnapshot(String id) {
    PublishDataset.Builder b = publish(id, 1).setSnapshotId(snapshot.getSnapshotId()).setPlaintextSha256(snapshot.getCsvSha256());
    b.getQualityBuilder().setRows(snapshot.getRowCount()).setIllegalReadingRate(0.25);
    return b;
  }

  private byte[] call(SigningKey sender, String method, MessageLite args) {
    return TestChain.datasets(sender, chain.nextNonce(sender), method, args);
  }

  private static RequestAccess request(String id, long version, String purpose) {
    return RequestAccess.newBuilder().setDatasetId(id).setVersion(version).setPurpose(purpose).build();
  }

  private static DecideGrant decide(String grantId, String reason) {
    return DecideGrant.newBuilder().setGrantId(grantId).setReason(reason).build();
  }

  private static RecordAccess keyRelease(String grantId, String purpose) {
    return RecordAccess.newBuilder().setGrantId(grantId).setKind(AccessKind.KEY_RELEASE).setPurpose(purpose)
        .setWrappedKeySha256(bytes(WRAPPED)).build();
  }

  private static RecordAccess download(String grantId, String purpose) {
    return RecordAccess.newBuilder().setGrantId(grantId).setKind(AccessKind.BLOB_DOWNLOAD).setPurpose(purpose).build();
  }

  private static ChangeDatasetStatus status(String id, long version, String reason) {
    return ChangeDatasetStatus.newBuilder().setDatasetId(id).setVersion(version).setReason(reason).build();
  }

  private TxResult run(byte[] tx) {
    List<TxResult> results = chain.commitResults(tx);
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  private TxResult committed(byte[] tx) {
    TxResult r = run(tx);
    assertThat(r.getStatus()).as("result %s", r).isEqualTo(TxStatus.COMMITTED);
    return r;
  }

  private void committedAll(byte[]... txs) {
    assertThat(chain.commitResults(txs)).allSatisfy(r -> assertThat(r.getStatus()).as("result %s", r).isEqualTo(TxStatus.COMMITTED));
  }

  /**
   * Commits {@code tx}, expects it to fail with {@code code}, and checks that the datasets and
   * credits namespaces are exactly as before.
   */
  private void failsUnchanged(byte[] tx, String code) {
    Map<String, String> before = namespaces();
    TestChain.assertFailed(run(tx), code);
    assertThat(namespaces()).isEqualTo(before);
  }

  /** The datasets and credits entries of the store, as hex. */
  private Map<String, String> namespaces() {
    Map<String, String> out = new TreeMap<>();
    TestChain.snapshot(chain.store).get(Column.STATE).forEach((k, v) -> {
      if (k.startsWith(hexOf(Datasets.NAME + "\0")) || k.startsWith(hexOf(Credits.NAME + "\0"))) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static String hexOf(String s) {
    return java.util.HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
  }

  private Optional<DatasetRecord> find(String id, long version) {
    return DatasetsState.dataset(chain.datasetsState(), id, version);
  }

  private DatasetRecord record(String id, long version) {
    return find(id, version).orElseThrow(() -> new AssertionError("no dataset " + id + " v" + version));
  }

  private GrantRecord grant(String grantId) {
    return DatasetsState.grant(chain.datasetsState(), grantId).orElseThrow(() -> new AssertionError("no grant " + grantId));
  }

  private long height() {
    return chain.ledger.head().height();
  }

  /** Publishes {@code b} by the owner. */
  private void published(PublishDataset.Builder b) {
    committed(call(OWNER, "publish", b.build()));
  }

  /** Publishes {@link #DATASET} v1 with {@code policy}, and has {@code requester} request it for research; returns the grant id. */
  private String requested(Policy.Builder policy, SigningKey requester) {
    published(publish(DATASET, 1).setPolicy(policy));
    return requestedAgain(requester, "research");
  }

  private String requestedAgain(SigningKey requester, String purpose) {
    byte[] tx = call(requester, "request", request(DATASET, 1, purpose));
    committed(tx);
    return TestChain.txId(tx).hex();
  }

  private long balance(SigningKey k) {
    return chain.balance(k.id());
  }

  private long escrowed(String grantId) {
    return Credits.escrowed(chain.ledger.state(Credits.NAME), Datasets.escrowId(grantId));
  }

  // ------------------------------------------------------------------ publish

  @Test
  void publish_newDataset_activeRecordOwnedBySenderIndexed() {
    long total = chain.totalCredits();
    byte[] tx = call(OWNER, "publish", publish(DATASET, 1).build());
    TxResult result = committed(tx);

    DatasetRecord d = record(DATASET, 1);
    assertThat(d.getOwner()).isEqualTo(OWNER.id().value());
    assertThat(d.getStatus()).isEqualTo(DatasetStatus.ACTIVE);
    assertThat(d.getTagsList()).containsExactly("climate", "hospital");
    assertThat(d.getSchemaList()).extracting(ColumnSpec::getName).containsExactly("temperature", "humidity");
    assertThat(d.getPlaintextSha256()).isEqualTo(bytes(PLAINTEXT));
    assertThat(d.getCiphertextSha256()).isEqualTo(bytes(CIPHERTEXT));
    assertThat(d.getCustodyKey().toByteArray()).isEqualTo(CUSTODY_KEY);
    assertThat(d.getCustodian()).isEqualTo(VALIDATOR.id().value());
    assertThat(d.getQuality().getMissingList()).containsExactly(0L, 1L);
    assertThat(d.getQualityReportSha256()).isEqualTo(bytes(REPORT));
    assertThat(d.getPreviousVersion()).isZero();
    assertThat(d.getNextVersion()).isZero();
    assertThat(d.getSnapshotId()).isEmpty();
    assertThat(d.getReadingsRoot().isEmpty()).isTrue();
    assertThat(d.getPublishedHeight()).isEqualTo(height());
    assertThat(d.getPublishedMillis()).isEqualTo(chain.ledger.head().header().getTimestampMillis());
    assertThat(d.getHistoryList()).singleElement().satisfies(c -> {
      assertThat(c.getTo()).isEqualTo(DatasetStatus.ACTIVE);
      assertThat(c.getBy()).isEqualTo(OWNER.id().value());
      assertThat(c.getTxId()).isEqualTo(bytes(TestChain.txId(tx)));
    });
    assertThat(DatasetsState.latest(chain.datasetsState(), DATASET)).contains(d);
    assertThat(result.getEventsList()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("dataset_published");
      assertThat(e.getData().toStringUtf8()).isEqualTo(DATASET + "/1");
    });
    assertThat(chain.totalCredits()).isEqualTo(total);
  }

  @Test
  void publish_sameIdAsVersionOne_failsDatasetExistsStateUnchanged() {
    published(publish(DATASET, 1));

    failsUnchanged(call(RESEARCHER, "publish", publish(DATASET, 1).setTitle("mine now").build()), "DATASET_EXISTS");

    assertThat(record(DATASET, 1).getOwner()).isEqualTo(OWNER.id().value());
  }

  @Test
  void publish_versionTwoOfUnknownDataset_failsUnknownDatasetStateUnchanged() {
    failsUnchanged(call(OWNER, "publish", publish(DATASET, 2).build()), "UNKNOWN_DATASET");

    assertThat(find(DATASET, 2)).isEmpty();
  }

  @Test
  void publish_newVersionByAnotherIdentity_failsNotOwnerStateUnchanged() {
    published(publish(DATASET, 1));

    failsUnchanged(call(RESEARCHER, "publish", publish(DATASET, 2).build()), "NOT_OWNER");

    assertThat(record(DATASET, 1).getNextVersion()).isZero();
  }

  @Test
  void publish_versionSkipped_failsInvalidVersionStateUnchanged() {
    published(publish(DATASET, 1));

    failsUnchanged(call(OWNER, "publish", publish(DATASET, 3).build()), "INVALID_VERSION");
  }

  @Test
  void publish_afterDeprecatedLatest_failsInvalidVersionStateUnchanged() {
    published(publish(DATASET, 1));
    committed(call(OWNER, "deprecate", status(DATASET, 1, "superseded")));

    failsUnchanged(call(OWNER, "publish", publish(DATASET, 2).build()), "INVALID_VERSION");
  }

  @Test
  void publish_newVersion_linksBothWaysOldVersionStaysActiveAndUsable() {
    published(publish(DATASET, 1));
    String oldGrant = requestedAgain(RESEARCHER, "research");

    published(publish(DATASET, 2).setCiphertextSha256(bytes(Hash.sha256(new byte[] {2}))));

    DatasetRecord v1 = record(DATASET, 1);
    DatasetRecord v2 = record(DATASET, 2);
    assertThat(v1.getNextVersion()).isEqualTo(2);
    assertThat(v1.getStatus()).isEqualTo(DatasetStatus.ACTIVE);
    assertThat(v2.getPreviousVersion()).isEqualTo(1);
    assertThat(v2.getNextVersion()).isZero();
    assertThat(DatasetsState.latest(chain.datasetsState(), DATASET)).contains(v2);
    assertThat(DatasetsState.versions(chain.datasetsState(), DATASET)).containsExactly(v1, v2);
    // The old version's grant is still honoured.
    committed(call(VALIDATOR, "record_access", keyRelease(oldGrant, "research")));
    assertThat(grant(oldGrant).getReads()).isEqualTo(1);
  }

  @Test
  void publish_custodianNotValidator_failsUnknownCustodianStateUnchanged() {
    failsUnchanged(call(OWNER, "publish", publish(DATASET, 1).setCustodian(RESEARCHER.id().value()).build()), "UNKNOWN_CUSTODIAN");
  }

  @Test
  void publish_custodianWithoutEncryptionKey_failsUnknownCustodianStateUnchanged() {
    failsUnchanged(call(OWNER, "publish", publish(DATASET, 1).setCustodian(SECOND_VALIDATOR.id().value()).build()), "UNKNOWN_CUSTODIAN");
  }

  @Test
  void publish_unregisteredCustodian_failsUnknownCustodianStateUnchanged() {
    failsUnchanged(call(OWNER, "publish", publish(DATASET, 1).setCustodian(TestChain.key(77).id().value()).build()), "UNKNOWN_CUSTODIAN");
  }

  @Test
  void publish_snapshotExport_recordsSnapshotAndReadingsRoot() {
    published(publishSnapshot(DATASET));

    DatasetRecord d = record(DATASET, 1);
    assertThat(d.getSnapshotId()).isEqualTo(snapshot.getSnapshotId());
    assertThat(d.getPlaintextSha256()).isEqualTo(snapshot.getCsvSha256());
    assertThat(d.getReadingsRoot()).isEqualTo(snapshot.getReadingsRoot());
    assertThat(d.getQuality().getIllegalReadingRate()).isEqualTo(0.25);
  }

  @Test
  void publish_plaintextHashNotSnapshotsCsvHash_failsDatasetMismatchStateUnchanged() {
    failsUnchanged(call(OWNER, "publish", publishSnapshot(DATASET).setPlaintextSha256(bytes(PLAINTEXT)).build()), "DATASET_MISMATCH");

    assertThat(find(DATASET, 1)).isEmpty();
  }

  @Test
  void publish_rowsNotSnapshotsRowCount_failsDatasetMismatchStateUnchanged() {
    PublishDataset.Builder b = publishSnapshot(DATASET);
    b.getQualityBuilder().setRows(snapshot.getRowCount() + 1);

    failsUnchanged(call(OWNER, "publish", b.build()), "DATASET_MISMATCH");
  }

  @Test
  void publish_unknownSnapshot_failsUnknownSnapshotStateUnchanged() {
    failsUnchanged(call(OWNER, "publish", publishSnapshot(DATASET).setSnapshotId(Hash.sha256(new byte[] {9}).hex()).build()), "UNKNOWN_SNAPSHOT");
  }

  static Stream<Arguments> invalidPublications() {
    return Stream.of(
        Arguments.of("upper-case dataset id", (UnaryOperator<PublishDataset.Builder>) b -> b.setDatasetId("Ward")),
        Arguments.of("64-character dataset id", (UnaryOperator<PublishDataset.Builder>) b -> b.setDatasetId("d".repeat(64))),
        Arguments.of("version 0", (UnaryOperator<PublishDataset.Builder>) b -> b.setVersion(0)),
        Arguments.of("empty title", (UnaryOperator<PublishDataset.Builder>) b -> b.setTitle("")),
        Arguments.of("empty licence", (UnaryOperator<PublishDataset.Builder>) b -> b.setLicence("")),
        Arguments.of("unsorted tags", (UnaryOperator<PublishDataset.Builder>) b -> b.clearTags().addTags("hospital").addTags("climate")),
        Arguments.of("duplicate tag", (UnaryOperator<PublishDataset.Builder>) b -> b.clearTags().addTags("climate").addTags("climate")),
        Arguments.of("17 tags", (UnaryOperator<PublishDataset.Builder>) b -> {
          b.clearTags();
          for (int i = 10; i < 27; i++) {
            b.addTags("t" + i);
          }
          return b;
        }),
        Arguments.of("tag with a slash", (UnaryOperator<PublishDataset.Builder>) b -> b.clearTags().addTags("a/b")),
        Arguments.of("no schema", (UnaryOperator<PublishDataset.Builder>) b -> b.clearSchema().setQuality(b.getQuality().toBuilder().setColumns(0).clearMissing())),
        Arguments.of("duplicate column", (UnaryOperator<PublishDataset.Builder>) b -> b.setSchema(1, column("temperature", "float64"))),
        Arguments.of("column type with upper case", (UnaryOperator<PublishDataset.Builder>) b -> b.setSchema(1, column("humidity", "Float64"))),
        Arguments.of("column name with a newline", (UnaryOperator<PublishDataset.Builder>) b -> b.setSchema(1, column("hum\nidity", "float64"))),
        Arguments.of("no policy", (UnaryOperator<PublishDataset.Builder>) PublishDataset.Builder::clearPolicy),
        Arguments.of("policy without purposes", (UnaryOperator<PublishDataset.Builder>) b -> b.setPolicy(policy().clearPurposes())),
        Arguments.of("unsorted purposes", (UnaryOperator<PublishDataset.Builder>) b -> b.setPolicy(policy().clearPurposes().addPurposes("training").addPurposes("research"))),
        Arguments.of("policy identity not an id", (UnaryOperator<PublishDataset.Builder>) b -> b.setPolicy(policy().addIdentities("alice"))),
        Arguments.of("negative expiry time", (UnaryOperator<PublishDataset.Builder>) b -> b.setPolicy(policy().setExpiryMillis(-1))),
        Arguments.of("price above 2^63 - 1", (UnaryOperator<PublishDataset.Builder>) b -> b.setPolicy(policy().setPrice(-1))),
        Arguments.of("31-byte plaintext hash", (UnaryOperator<PublishDataset.Builder>) b -> b.setPlaintextSha256(bytes(PLAINTEXT).substring(1))),
        Arguments.of("empty ciphertext hash", (UnaryOperator<PublishDataset.Builder>) b -> b.setCiphertextSha256(ByteString.EMPTY)),
        Arguments.of("33-byte report hash", (UnaryOperator<PublishDataset.Builder>) b -> b.setQualityReportSha256(bytes(REPORT).concat(ByteString.copyFrom(new byte[1])))),
        Arguments.of("empty ciphertext", (UnaryOperator<PublishDataset.Builder>) b -> b.setCiphertextBytes(0)),
        Arguments.of("snapshot id not hex", (UnaryOperator<PublishDataset.Builder>) b -> b.setSnapshotId("night-1")),
        Arguments.of("custodian not an id", (UnaryOperator<PublishDataset.Builder>) b -> b.setCustodian("validator-1")),
        Arguments.of("empty custody key", (UnaryOperator<PublishDataset.Builder>) b -> b.setCustodyKey(ByteString.EMPTY)),
        Arguments.of("custody key of 1025 bytes", (UnaryOperator<PublishDataset.Builder>) b -> b.setCustodyKey(ByteString.copyFrom(new byte[1025]))),
        Arguments.of("no quality summary", (UnaryOperator<PublishDataset.Builder>) PublishDataset.Builder::clearQuality),
        Arguments.of("quality columns not the schema's", (UnaryOperator<PublishDataset.Builder>) b -> b.setQuality(b.getQuality().toBuilder().setColumns(3))),
        Arguments.of("missing values of one column of two", (UnaryOperator<PublishDataset.Builder>) b -> b.setQuality(b.getQuality().toBuilder().clearMissing().addMissing(0))),
        Arguments.of("unsorted labels", (UnaryOperator<PublishDataset.Builder>) b -> b.setQuality(b.getQuality().toBuilder().clearLabelBalance()
            .addLabelBalance(LabelCount.newBuilder().setLabel("b")).addLabelBalance(LabelCount.newBuilder().setLabel("a")))),
        Arguments.of("illegal-reading rate above 1", (UnaryOperator<PublishDataset.Builder>) b -> b.setQuality(b.getQuality().toBuilder().setIllegalReadingRate(1.5))),
        Arguments.of("NaN illegal-reading rate", (UnaryOperator<PublishDataset.Builder>) b -> b.setQuality(b.getQuality().toBuilder().setIllegalReadingRate(Double.NaN))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidPublications")
  void publish_invalidArguments_rejectedBadArgumentsStoreUnchanged(String name, UnaryOperator<PublishDataset.Builder> mutation) {
    chain.rejected(call(OWNER, "publish", mutation.apply(publish(DATASET, 1)).build()), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void publish_validArguments_admitted() {
    // The positive sibling of the invalid cases above: the same builder, unmodified, is admitted.
    assertThat(chain.ledger.admit(call(OWNER, "publish", publish(DATASET, 1).build())).rejection()).isNull();
    assertThat(chain.ledger.admit(call(OWNER, "publish", publish(DATASET, 1).setCustodyKey(ByteString.copyFrom(new byte[1024])).build()))
        .rejection()).isNull();
  }

  // ------------------------------------------------------------------ request

  @Test
  void request_policyAdmitsAndAutoGrant_grantedAtOnceWithTerms() throws InvalidProtocolBufferException {
    published(publish(DATASET, 1).setPolicy(policy().setMaxReads(3).setExpiryHeight(500)));
    byte[] tx = call(RESEARCHER, "request", request(DATASET, 1, "training"));

    TxResult result = committed(tx);

    String grantId = TestChain.txId(tx).hex();
    GrantRecord g = grant(grantId);
    assertThat(GrantRecord.parseFrom(result.getOutput())).isEqualTo(g);
    assertThat(g.getStatus()).isEqualTo(GrantStatus.GRANTED);
    assertThat(g.getGrantee()).isEqualTo(RESEARCHER.id().value());
    assertThat(g.getPurpose()).isEqualTo("training");
    assertThat(g.getDatasetId()).isEqualTo(DATASET);
    assertThat(g.getVersion()).isEqualTo(1);
    assertThat(g.getMaxReads()).isEqualTo(3);
    assertThat(g.getExpiryHeight()).isEqualTo(500);
    assertThat(g.getRequestedHeight()).isEqualTo(height());
    assertThat(g.getSequence()).isZero();
    assertThat(g.getHistoryList()).singleElement().satisfies(c -> assertThat(c.getTo()).isEqualTo(GrantStatus.GRANTED));
    assertThat(result.getEventsList()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("access_granted");
      assertThat(e.getData().toStringUtf8()).isEqualTo(grantId);
    });
  }

  @Test
  void request_memberOfListedRoleOrIdentity_grantedAtOnce() {
    published(publish(DATASET, 1).setPolicy(policy().clearOrganisations().addRoles("auditor")));
    assertThat(grant(requestedAgain(PARTNER, "research")).getStatus()).isEqualTo(GrantStatus.GRANTED);
    assertThat(grant(requestedAgain(RESEARCHER, "research")).getStatus()).isEqualTo(GrantStatus.PENDING);

    published(publish("second", 1).setPolicy(policy().clearOrganisations().addIdentities(OUTSIDER.id().value())));
    byte[] tx = call(OUTSIDER, "request", request("second", 1, "research"));
    committed(tx);
    assertThat(grant(TestChain.txId(tx).hex()).getStatus()).isEqualTo(GrantStatus.GRANTED);
  }

  @Test
  void request_openPolicy_anyActiveIdentityGranted() {
    String grantId = requested(policy().clearOrganisations(), OUTSIDER);

    assertThat(grant(grantId).getStatus()).isEqualTo(GrantStatus.GRANTED);
  }

  @Test
  void request_autoGrantOff_pendingThenOwnerGrants() {
    String grantId = requested(policy().setAutoGrant(false), RESEARCHER);
    assertThat(grant(grantId).getStatus()).isEqualTo(GrantStatus.PENDING);
    failsUnchanged(call(VALIDATOR, "record_access", keyRelease(grantId, "research")), "GRANT_NOT_ACTIVE");

    byte[] approve = call(OWNER, "grant", decide(grantId, "project approved"));
    TxResult result = committed(approve);

    GrantRecord g = grant(grantId);
    assertThat(g.getStatus()).isEqualTo(GrantStatus.GRANTED);
    assertThat(g.getHistoryList()).hasSize(2);
    assertThat(g.getHistory(1)).isEqualTo(GrantChange.newBuilder().setFrom(GrantStatus.PENDING).setTo(GrantStatus.GRANTED)
        .setBy(OWNER.id().value()).setHeight(height()).setReason("project approved").setTxId(bytes(TestChain.txId(approve))).build());
    assertThat(result.getEventsList()).singleElement().satisfies(e -> assertThat(e.getName()).isEqualTo("access_granted"));
    committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research")));
  }

  @Test
  void request_policyDoesNotAdmitRequester_pendingThenOwnerDenies() {
    String grantId = requested(policy(), OUTSIDER);
    assertThat(grant(grantId).getStatus()).isEqualTo(GrantStatus.PENDING);

    TxResult result = committed(call(OWNER, "deny", decide(grantId, "not a partner")));

    GrantRecord g = grant(grantId);
    assertThat(g.getStatus()).isEqualTo(GrantStatus.DENIED);
    assertThat(g.getHistory(1).getReason()).isEqualTo("not a partner");
    assertThat(result.getEventsList()).singleElement().satisfies(e -> assertThat(e.getName()).isEqualTo("access_denied"));
    failsUnchanged(call(OWNER, "grant", decide(grantId, "changed my mind")), "GRANT_NOT_PENDING");
  }

  @Test
  void request_purposeNotInPolicy_deniedAtOnceAndRecorded() {
    published(publish(DATASET, 1));
    byte[] tx = call(RESEARCHER, "request", request(DATASET, 1, "marketing"));

    TxResult result = committed(tx);

    GrantRecord g = grant(TestChain.txId(tx).hex());
    assertThat(g.getStatus()).isEqualTo(GrantStatus.DENIED);
    assertThat(g.getPurpose()).isEqualTo("marketing");
    assertThat(g.getHistory(0).getReason()).contains("marketing");
    assertThat(result.getEventsList()).singleElement().satisfies(e -> assertThat(e.getName()).isEqualTo("access_denied"));
    failsUnchanged(call(OWNER, "grant", decide(g.getGrantId(), "")), "GRANT_NOT_PENDING");
  }

  @Test
  void request_unknownDataset_failsUnknownDatasetStateUnchanged() {
    published(publish(DATASET, 1));

    failsUnchanged(call(RESEARCHER, "request", request(DATASET, 2, "research")), "UNKNOWN_DATASET");
  }

  @Test
  void request_deprecatedVersion_failsDatasetNotActiveStateUnchanged() {
    published(publish(DATASET, 1));
    committed(call(OWNER, "deprecate", status(DATASET, 1, "superseded")));

    failsUnchanged(call(RESEARCHER, "request", request(DATASET, 1, "research")), "DATASET_NOT_ACTIVE");
  }

  @Test
  void request_erasedVersion_failsDatasetErasedStateUnchanged() {
    published(publish(DATASET, 1));
    committed(call(OWNER, "erase", status(DATASET, 1, "consent withdrawn")));

    failsUnchanged(call(RESEARCHER, "request", request(DATASET, 1, "research")), "DATASET_ERASED");
  }

  @Test
  void request_afterPolicyExpiryHeight_failsGrantExpiredStateUnchanged() {
    published(publish(DATASET, 1).setPolicy(policy().setExpiryHeight(height() + 1)));

    failsUnchanged(call(RESEARCHER, "request", request(DATASET, 1, "research")), "GRANT_EXPIRED");
  }

  @Test
  void request_priceAboveBalance_failsInsufficientFundsNothingRecorded() {
    published(publish(DATASET, 1).setPolicy(policy().setPrice(GRANTEE_CREDITS + 1)));

    failsUnchanged(call(RESEARCHER, "request", request(DATASET, 1, "research")), "INSUFFICIENT_FUNDS");

    assertThat(balance(RESEARCHER)).isEqualTo(GRANTEE_CREDITS);
  }

  @Test
  void request_invalidPurposeOrVersion_rejectedBadArguments() {
    published(publish(DATASET, 1));

    chain.rejected(call(RESEARCHER, "request", request(DATASET, 1, "Research")), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(call(RESEARCHER, "request", request(DATASET, 1, "")), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(call(RESEARCHER, "request", request(DATASET, 0, "research")), RejectionCode.BAD_ARGUMENTS);
    assertThat(chain.ledger.admit(call(RESEARCHER, "request", request(DATASET, 1, "research"))).rejection()).isNull();
  }

  // ------------------------------------------------------------------ grant and deny

  @Test
  void grant_byAnotherIdentity_failsNotOwnerStateUnchanged() {
    String grantId = requested(policy().setAutoGrant(false), RESEARCHER);

    failsUnchanged(call(RESEARCHER, "grant", decide(grantId, "self-service")), "NOT_OWNER");
    failsUnchanged(call(ORG, "deny", decide(grantId, "the organisation is not the owner")), "NOT_OWNER");

    assertThat(grant(grantId).getStatus()).isEqualTo(GrantStatus.PENDING);
  }

  @Test
  void grant_unknownGrant_failsUnknownGrantStateUnchanged() {
    failsUnchanged(call(OWNER, "grant", decide(Hash.sha256(new byte[] {5}).hex(), "")), "UNKNOWN_GRANT");
  }

  @Test
  void grant_granteeRevokedWhilePending_failsGranteeRevokedStateUnchanged() {
    String grantId = requested(policy().setAutoGrant(false), RESEARCHER);
    committed(TestChain.revoke(ORG, chain.nextNonce(ORG), RESEARCHER.id(), "left"));

    failsUnchanged(call(OWNER, "grant", decide(grantId, "")), "GRANTEE_REVOKED");
  }

  @Test
  void grant_afterExpiryTime_failsGrantExpiredStateUnchanged() {
    String grantId = requested(policy().setAutoGrant(false).setExpiryMillis(chain.nextTimestamp() + 2 * TestChain.BLOCK_INTERVAL_MILLIS), RESEARCHER);

    failsUnchanged(call(OWNER, "grant", decide(grantId, "too late")), "GRANT_EXPIRED");
  }

  @Test
  void grant_priceAboveGranteesBalance_failsInsufficientFundsStaysPending() {
    String grantId = requested(policy().setAutoGrant(false).setPrice(600), RESEARCHER);
    committed(TestChain.transfer(RESEARCHER, chain.nextNonce(RESEARCHER), ADMIN.id(), 500));

    failsUnchanged(call(OWNER, "grant", decide(grantId, "")), "INSUFFICIENT_FUNDS");

    assertThat(grant(grantId).getStatus()).isEqualTo(GrantStatus.PENDING);
  }

  @Test
  void grant_invalidGrantId_rejectedBadArguments() {
    chain.rejected(call(OWNER, "grant", decide("ABC", "")), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(call(OWNER, "grant", decide(Hash.sha256(new byte[] {5}).hex().toUpperCase(java.util.Locale.ROOT), "")), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(call(OWNER, "deny", decide(Hash.sha256(new byte[] {5}).hex(), "x".repeat(257))), RejectionCode.BAD_ARGUMENTS);
  }

  // ------------------------------------------------------------------ payment

  @Test
  void price_escrowedAtGrantPaidAtFirstKeyReleaseOnly_creditsConserved() throws InvalidProtocolBufferException {
    long total = chain.totalCredits();
    long ownerBefore = balance(OWNER);
    String grantId = requested(policy().setPrice(250), RESEARCHER);

    assertThat(balance(RESEARCHER)).isEqualTo(GRANTEE_CREDITS - 250);
    assertThat(escrowed(grantId)).isEqualTo(250);
    assertThat(balance(OWNER)).isEqualTo(ownerBefore);
    assertThat(chain.totalCredits()).isEqualTo(total);

    AccessRecord first = AccessRecord.parseFrom(committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research"))).getOutput());

    assertThat(first.getPaid()).isEqualTo(250);
    assertThat(escrowed(grantId)).isZero();
    assertThat(balance(OWNER)).isEqualTo(ownerBefore + 250);
    assertThat(grant(grantId).getPaid()).isEqualTo(250);
    assertThat(chain.totalCredits()).isEqualTo(total);

    AccessRecord second = AccessRecord.parseFrom(committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research"))).getOutput());

    assertThat(second.getPaid()).isZero();
    assertThat(balance(OWNER)).isEqualTo(ownerBefore + 250);
    assertThat(balance(RESEARCHER)).isEqualTo(GRANTEE_CREDITS - 250);
    assertThat(chain.totalCredits()).isEqualTo(total);
  }

  @Test
  void price_blobDownloadBeforeKeyRelease_paysNothing() {
    String grantId = requested(policy().setPrice(100), RESEARCHER);

    committed(call(VALIDATOR, "record_access", download(grantId, "research")));

    assertThat(escrowed(grantId)).isEqualTo(100);
    assertThat(grant(grantId).getReads()).isZero();
  }

  @Test
  void price_escrowedWhenOwnerGrantsPending() {
    long total = chain.totalCredits();
    String grantId = requested(policy().setAutoGrant(false).setPrice(300), OUTSIDER);
    assertThat(balance(OUTSIDER)).isEqualTo(GRANTEE_CREDITS);

    committed(call(OWNER, "grant", decide(grantId, "")));

    assertThat(balance(OUTSIDER)).isEqualTo(GRANTEE_CREDITS - 300);
    assertThat(escrowed(grantId)).isEqualTo(300);
    assertThat(chain.totalCredits()).isEqualTo(total);
  }

  // ------------------------------------------------------------------ revoke and cancel

  @Test
  void revoke_beforeAnyRelease_refundsEscrowAndStopsReleases() {
    long total = chain.totalCredits();
    String grantId = requested(policy().setPrice(250), RESEARCHER);

    TxResult result = committed(call(OWNER, "revoke", decide(grantId, "project cancelled")));

    assertThat(grant(grantId).getStatus()).isEqualTo(GrantStatus.REVOKED);
    assertThat(result.getEventsList()).singleElement().satisfies(e -> assertThat(e.getName()).isEqualTo("access_revoked"));
    assertThat(balance(RESEARCHER)).isEqualTo(GRANTEE_CREDITS);
    assertThat(escrowed(grantId)).isZero();
    assertThat(chain.totalCredits()).isEqualTo(total);
    failsUnchanged(call(VALIDATOR, "record_access", keyRelease(grantId, "research")), "GRANT_NOT_ACTIVE");
  }

  @Test
  void revoke_afterRelease_ownerKeepsPaymentAndReleasesStop() {
    long total = chain.totalCredits();
    long ownerBefore = balance(OWNER);
    String grantId = requested(policy().setPrice(250), RESEARCHER);
    committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research")));

    committed(call(OWNER, "revoke", decide(grantId, "misuse")));

    assertThat(balance(OWNER)).isEqualTo(ownerBefore + 250);
    assertThat(balance(RESEARCHER)).isEqualTo(GRANTEE_CREDITS - 250);
    assertThat(chain.totalCredits()).isEqualTo(total);
    failsUnchanged(call(VALIDATOR, "record_access", download(grantId, "research")), "GRANT_NOT_ACTIVE");
  }

  @Test
  void revoke_pendingGrant_failsGrantNotActiveStateUnchanged() {
    String grantId = requested(policy().setAutoGrant(false), RESEARCHER);

    failsUnchanged(call(OWNER, "revoke", decide(grantId, "")), "GRANT_NOT_ACTIVE");
  }

  @Test
  void cancel_pendingRequest_cancelled() {
    String grantId = requested(policy().setAutoGrant(false), RESEARCHER);

    committed(call(RESEARCHER, "cancel", decide(grantId, "no longer needed")));

    assertThat(grant(grantId).getStatus()).isEqualTo(GrantStatus.CANCELLED);
    failsUnchanged(call(OWNER, "grant", decide(grantId, "")), "GRANT_NOT_PENDING");
  }

  @Test
  void cancel_grantedNeverReleased_refundsEscrow() {
    long total = chain.totalCredits();
    String grantId = requested(policy().setPrice(400), RESEARCHER);

    committed(call(RESEARCHER, "cancel", decide(grantId, "")));

    assertThat(grant(grantId).getStatus()).isEqualTo(GrantStatus.CANCELLED);
    assertThat(balance(RESEARCHER)).isEqualTo(GRANTEE_CREDITS);
    assertThat(chain.totalCredits()).isEqualTo(total);
  }

  @Test
  void cancel_afterKeyRelease_failsAlreadyReleasedStateUnchanged() {
    String grantId = requested(policy().setPrice(400), RESEARCHER);
    committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research")));

    failsUnchanged(call(RESEARCHER, "cancel", decide(grantId, "refund please")), "ALREADY_RELEASED");
  }

  @Test
  void cancel_byAnotherIdentity_failsNotGranteeStateUnchanged() {
    String grantId = requested(policy(), RESEARCHER);

    failsUnchanged(call(OWNER, "cancel", decide(grantId, "")), "NOT_GRANTEE");
  }

  @Test
  void cancel_deniedRequest_failsGrantNotActiveStateUnchanged() {
    String grantId = requested(policy(), OUTSIDER);
    committed(call(OWNER, "deny", decide(grantId, "")));

    failsUnchanged(call(OUTSIDER, "cancel", decide(grantId, "")), "GRANT_NOT_ACTIVE");
  }

  // ------------------------------------------------------------------ record_access

  @Test
  void recordAccess_keyRelease_loggedWithGranteeKeyCountedAndListed() throws InvalidProtocolBufferException {
    String grantId = requested(policy(), RESEARCHER);
    byte[] tx = call(VALIDATOR, "record_access", keyRelease(grantId, "research"));

    TxResult result = committed(tx);

    AccessRecord a = AccessRecord.parseFrom(result.getOutput());
    assertThat(a).isEqualTo(AccessRecord.newBuilder()
        .setGrantId(grantId)
        .setGrantee(RESEARCHER.id().value())
        .setDatasetId(DATASET)
        .setVersion(1)
        .setKind(AccessKind.KEY_RELEASE)
        .setPurpose("research")
        .setHeight(height())
        .setTimestampMillis(chain.ledger.head().header().getTimestampMillis())
        .setTxId(bytes(TestChain.txId(tx)))
        .setCustodian(VALIDATOR.id().value())
        .setSequence(0)
        .setGranteeEncryptionKey(ByteString.copyFrom(TestChain.x25519(13)))
        .setWrappedKeySha256(bytes(WRAPPED))
        .build());
    assertThat(grant(grantId).getReads()).isEqualTo(1);
    assertThat(DatasetsState.accesses(chain.datasetsState(), DATASET, 1, 10, null).items()).containsExactly(a);
    assertThat(DatasetsState.accessesBy(chain.datasetsState(), RESEARCHER.id().value(), 10, null).items()).containsExactly(a);
    assertThat(result.getEventsList()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("key_released");
      assertThat(e.getData().toStringUtf8()).isEqualTo(grantId);
    });
  }

  @Test
  void recordAccess_byAnotherValidator_failsNotCustodianStateUnchanged() {
    String grantId = requested(policy(), RESEARCHER);

    failsUnchanged(call(SECOND_VALIDATOR, "record_access", keyRelease(grantId, "research")), "NOT_CUSTODIAN");
  }

  @Test
  void recordAccess_byNonValidator_rejectedNotAuthorised() {
    String grantId = requested(policy(), RESEARCHER);

    chain.rejected(call(OWNER, "record_access", keyRelease(grantId, "research")), RejectionCode.NOT_AUTHORISED);
    chain.rejected(call(ADMIN, "record_access", keyRelease(grantId, "research")), RejectionCode.NOT_AUTHORISED);
  }

  @Test
  void recordAccess_unknownGrant_failsUnknownGrantStateUnchanged() {
    failsUnchanged(call(VALIDATOR, "record_access", keyRelease(Hash.sha256(new byte[] {6}).hex(), "research")), "UNKNOWN_GRANT");
  }

  @Test
  void recordAccess_deniedGrant_failsGrantNotActiveStateUnchanged() {
    String grantId = requested(policy(), OUTSIDER);
    committed(call(OWNER, "deny", decide(grantId, "")));

    failsUnchanged(call(VALIDATOR, "record_access", download(grantId, "research")), "GRANT_NOT_ACTIVE");
  }

  @Test
  void recordAccess_purposeNotTheGrants_failsPurposeMismatchStateUnchanged() {
    String grantId = requested(policy(), RESEARCHER);

    failsUnchanged(call(VALIDATOR, "record_access", keyRelease(grantId, "training")), "PURPOSE_MISMATCH");
  }

  @Test
  void recordAccess_pastExpiryHeight_failsGrantExpiredStateUnchanged() {
    published(publish(DATASET, 1).setPolicy(policy().setExpiryHeight(height() + 3)));
    String grantId = requestedAgain(RESEARCHER, "research");
    committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research"))); // the expiry height itself

    failsUnchanged(call(VALIDATOR, "record_access", keyRelease(grantId, "research")), "GRANT_EXPIRED");

    assertThat(grant(grantId).getReads()).isEqualTo(1);
  }

  @Test
  void recordAccess_atExpiryTime_failsGrantExpiredStateUnchanged() {
    // Blocks are 1 s apart: publish, request and one release fit before the expiry time.
    published(publish(DATASET, 1).setPolicy(policy().setExpiryMillis(chain.nextTimestamp() + 3 * TestChain.BLOCK_INTERVAL_MILLIS)));
    String grantId = requestedAgain(RESEARCHER, "research");
    committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research")));
    assertThat(chain.nextTimestamp()).isEqualTo(grant(grantId).getExpiryMillis());

    failsUnchanged(call(VALIDATOR, "record_access", keyRelease(grantId, "research")), "GRANT_EXPIRED");
  }

  @Test
  void recordAccess_maxReadsUsed_failsReadsExhaustedDownloadsStillLogged() {
    String grantId = requested(policy().setMaxReads(2), RESEARCHER);
    committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research")));
    committed(call(VALIDATOR, "record_access", download(grantId, "research")));
    committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research")));

    failsUnchanged(call(VALIDATOR, "record_access", keyRelease(grantId, "research")), "READS_EXHAUSTED");

    assertThat(grant(grantId).getReads()).isEqualTo(2);
    committed(call(VALIDATOR, "record_access", download(grantId, "research")));
    assertThat(DatasetsState.accesses(chain.datasetsState(), DATASET, 1, 10, null).items()).extracting(AccessRecord::getKind)
        .containsExactly(AccessKind.KEY_RELEASE, AccessKind.BLOB_DOWNLOAD, AccessKind.KEY_RELEASE, AccessKind.BLOB_DOWNLOAD);
  }

  @Test
  void recordAccess_granteeIdentityRevoked_failsGranteeRevokedStateUnchanged() {
    String grantId = requested(policy(), RESEARCHER);
    committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research")));
    committed(TestChain.revoke(ORG, chain.nextNonce(ORG), RESEARCHER.id(), "left the hospital"));

    failsUnchanged(call(VALIDATOR, "record_access", keyRelease(grantId, "research")), "GRANTEE_REVOKED");
    failsUnchanged(call(VALIDATOR, "record_access", download(grantId, "research")), "GRANTEE_REVOKED");
  }

  @Test
  void recordAccess_granteeWithoutEncryptionKey_failsNoEncryptionKeyDownloadAllowed() {
    String grantId = requested(policy().clearOrganisations(), OUTSIDER);

    failsUnchanged(call(VALIDATOR, "record_access", keyRelease(grantId, "research")), "NO_ENCRYPTION_KEY");

    committed(call(VALIDATOR, "record_access", download(grantId, "research")));
    committed(TestChain.setEncryptionKey(OUTSIDER, chain.nextNonce(OUTSIDER), TestChain.x25519(14)));
    committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research")));
  }

  @Test
  void recordAccess_invalidArguments_rejectedBadArguments() {
    String grantId = requested(policy(), RESEARCHER);

    chain.rejected(call(VALIDATOR, "record_access", keyRelease(grantId, "research").toBuilder().clearWrappedKeySha256().build()),
        RejectionCode.BAD_ARGUMENTS);
    chain.rejected(call(VALIDATOR, "record_access", download(grantId, "research").toBuilder().setWrappedKeySha256(bytes(WRAPPED)).build()),
        RejectionCode.BAD_ARGUMENTS);
    chain.rejected(call(VALIDATOR, "record_access", keyRelease(grantId, "research").toBuilder().setKind(AccessKind.ACCESS_KIND_UNSPECIFIED).build()),
        RejectionCode.BAD_ARGUMENTS);
  }

  // ------------------------------------------------------------------ deprecate and erase

  @Test
  void deprecate_byOwner_existingGrantsHonouredNewRequestsRefused() {
    String grantId = requested(policy(), RESEARCHER);

    TxResult result = committed(call(OWNER, "deprecate", status(DATASET, 1, "superseded")));

    assertThat(record(DATASET, 1).getStatus()).isEqualTo(DatasetStatus.DEPRECATED);
    assertThat(record(DATASET, 1).getHistory(1).getReason()).isEqualTo("superseded");
    assertThat(result.getEventsList()).singleElement().satisfies(e -> assertThat(e.getName()).isEqualTo("dataset_deprecated"));
    committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research")));
    failsUnchanged(call(PARTNER, "request", request(DATASET, 1, "research")), "DATASET_NOT_ACTIVE");
  }

  @Test
  void deprecate_byAnotherIdentityOrTwice_failsStateUnchanged() {
    published(publish(DATASET, 1));

    failsUnchanged(call(ORG, "deprecate", status(DATASET, 1, "")), "NOT_OWNER");
    committed(call(OWNER, "deprecate", status(DATASET, 1, "")));
    failsUnchanged(call(OWNER, "deprecate", status(DATASET, 1, "")), "DATASET_NOT_ACTIVE");
    failsUnchanged(call(OWNER, "deprecate", status(DATASET, 2, "")), "UNKNOWN_DATASET");
  }

  @Test
  void erase_removesCustodyKeyKeepsHashesGrantsAndAccessHistory() {
    String grantId = requested(policy(), RESEARCHER);
    committed(call(VALIDATOR, "record_access", keyRelease(grantId, "research")));
    DatasetRecord before = record(DATASET, 1);
    List<AccessRecord> accesses = DatasetsState.accesses(chain.datasetsState(), DATASET, 0, 10, null).items();

    byte[] erase = call(OWNER, "erase", status(DATASET, 1, "consent withdrawn"));
    TxResult result = committed(erase);

    DatasetRecord after = record(DATASET, 1);
    assertThat(after.getStatus()).isEqualTo(DatasetStatus.ERASED);
    assertThat(after.getCustodyKey().isEmpty()).isTrue();
    assertThat(after.getPlaintextSha256()).isEqualTo(before.getPlaintextSha256());
    assertThat(after.getCiphertextSha256()).isEqualTo(before.getCiphertextSha256());
    assertThat(after.getQualityReportSha256()).isEqualTo(before.getQualityReportSha256());
    assertThat(after.toBuilder().clearCustodyKey().clearStatus().clearHistory().build())
        .isEqualTo(before.toBuilder().clearCustodyKey().clearStatus().clearHistory().build());
    assertThat(after.getHistory(1).getTxId()).isEqualTo(bytes(TestChain.txId(erase)));
    assertThat(result.getEventsList()).singleElement().satisfies(e -> assertThat(e.getName()).isEqualTo("dataset_erased"));
    assertThat(accesses).hasSize(1);
    assertThat(DatasetsState.accesses(chain.datasetsState(), DATASET, 0, 10, null).items()).isEqualTo(accesses);
    assertThat(grant(grantId).getStatus()).isEqualTo(GrantStatus.GRANTED);
    // The wrapped key is nowhere in the datasets namespace any more.
    assertThat(namespaces().values()).noneMatch(v -> v.contains(java.util.HexFormat.of().formatHex(CUSTODY_KEY)));

    failsUnchanged(call(VALIDATOR, "record_access", keyRelease(grantId, "research")), "DATASET_ERASED");
    failsUnchanged(call(OWNER, "erase", status(DATASET, 1, "again")), "DATASET_ERASED");
  }

  @Test
  void erase_grantedUnreleasedEscrow_granteeCancelsForRefund() {
    long total = chain.totalCredits();
    String grantId = requested(policy().setPrice(100), RESEARCHER);
    committed(call(OWNER, "erase", status(DATASET, 1, "")));

    committed(call(RESEARCHER, "cancel", decide(grantId, "dataset erased")));

    assertThat(balance(RESEARCHER)).isEqualTo(GRANTEE_CREDITS);
    assertThat(chain.totalCredits()).isEqualTo(total);
  }

  @Test
  void erase_byAnotherIdentity_failsNotOwnerStateUnchanged() {
    published(publish(DATASET, 1));

    failsUnchanged(call(RESEARCHER, "erase", status(DATASET, 1, "")), "NOT_OWNER");

    assertThat(record(DATASET, 1).getCustodyKey().toByteArray()).isEqualTo(CUSTODY_KEY);
  }

  // ------------------------------------------------------------------ queries

  @Test
  void datasets_byTagOwnerAndField_inKeyOrderAndPaged() {
    published(publish("beta", 1).clearTags().addTags("climate"));
    published(publish("alpha", 1).clearTags().addTags("finance").setSchema(1, column("amount", "int64")));
    published(publish("alpha", 2).clearTags().addTags("climate"));
    committed(TestChain.datasets(RESEARCHER, chain.nextNonce(RESEARCHER), "publish", publish("gamma", 1).build()));

    assertThat(ids(DatasetsState.datasets(chain.datasetsState(), DatasetsState.Filter.ALL, 10, null)))
        .containsExactly("alpha/1", "alpha/2", "beta/1", "gamma/1");
    assertThat(ids(DatasetsState.datasets(chain.datasetsState(), new DatasetsState.Filter("climate", null, null), 10, null)))
        .containsExactly("alpha/2", "beta/1", "gamma/1");
    assertThat(ids(DatasetsState.datasets(chain.datasetsState(), new DatasetsState.Filter(null, OWNER.id().value(), null), 10, null)))
        .containsExactly("alpha/1", "alpha/2", "beta/1");
    assertThat(ids(DatasetsState.datasets(chain.datasetsState(), new DatasetsState.Filter("climate", OWNER.id().value(), null), 10, null)))
        .containsExactly("alpha/2", "beta/1");
    assertThat(ids(DatasetsState.datasets(chain.datasetsState(), new DatasetsState.Filter(null, null, "amount"), 10, null)))
        .containsExactly("alpha/1");
    assertThat(ids(DatasetsState.datasets(chain.datasetsState(), new DatasetsState.Filter("finance", null, "humidity"), 10, null))).isEmpty();

    List<String> paged = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      DatasetsState.Page<DatasetRecord> page = DatasetsState.datasets(chain.datasetsState(), DatasetsState.Filter.ALL, 3, cursor);
      paged.addAll(ids(page));
      cursor = page.next().orElse(null);
      pages++;
    } while (cursor != null);
    assertThat(paged).containsExactly("alpha/1", "alpha/2", "beta/1", "gamma/1");
    assertThat(pages).isEqualTo(2);
    DatasetsState.Page<DatasetRecord> exact = DatasetsState.datasets(chain.datasetsState(), new DatasetsState.Filter("climate", null, null), 3, null);
    assertThat(exact.items()).hasSize(3);
    assertThat(exact.next()).isEmpty();
  }

  private static List<String> ids(DatasetsState.Page<DatasetRecord> page) {
    return page.items().stream().map(d -> d.getDatasetId() + "/" + d.getVersion()).toList();
  }

  @Test
  void grantsAndAccesses_ofDatasetAndOfGrantee_inOrderAndPaged() {
    published(publish(DATASET, 1).setPolicy(policy().clearOrganisations()));
    String g1 = requestedAgain(RESEARCHER, "research");
    String g2 = requestedAgain(PARTNER, "training");
    published(publish(DATASET, 2).setPolicy(policy().clearOrganisations()));
    byte[] third = call(RESEARCHER, "request", request(DATASET, 2, "training"));
    committed(third);
    String g3 = TestChain.txId(third).hex();
    committed(call(VALIDATOR, "record_access", keyRelease(g2, "training")));
    committed(call(VALIDATOR, "record_access", keyRelease(g1, "research")));
    committed(call(VALIDATOR, "record_access", keyRelease(g3, "training")));
    committed(call(VALIDATOR, "record_access", download(g1, "research")));

    var state = chain.datasetsState();
    assertThat(DatasetsState.grants(state, DATASET, 0, 10, null).items()).extracting(GrantRecord::getGrantId).containsExactly(g1, g2, g3);
    assertThat(DatasetsState.grants(state, DATASET, 2, 10, null).items()).extracting(GrantRecord::getGrantId).containsExactly(g3);
    assertThat(DatasetsState.grantsOf(state, RESEARCHER.id().value(), 10, null).items()).extracting(GrantRecord::getGrantId).containsExactly(g1, g3);
    assertThat(DatasetsState.grants(state, DATASET, 0, 10, null).items()).extracting(GrantRecord::getSequence).containsExactly(0L, 1L, 2L);

    assertThat(DatasetsState.accesses(state, DATASET, 1, 10, null).items()).extracting(AccessRecord::getGrantId).containsExactly(g2, g1, g1);
    assertThat(DatasetsState.accesses(state, DATASET, 1, 10, null).items()).extracting(AccessRecord::getSequence).containsExactly(0L, 1L, 2L);
    assertThat(DatasetsState.accesses(state, DATASET, 0, 10, null).items()).extracting(AccessRecord::getGrantId).containsExactly(g2, g1, g1, g3);
    assertThat(DatasetsState.accessesBy(state, RESEARCHER.id().value(), 10, null).items()).extracting(AccessRecord::getGrantId)
        .containsExactly(g1, g3, g1);
    assertThat(DatasetsState.accessesBy(state, PARTNER.id().value(), 10, null).items()).extracting(AccessRecord::getGrantId).containsExactly(g2);

    DatasetsState.Page<AccessRecord> first = DatasetsState.accesses(state, DATASET, 0, 3, null);
    assertThat(first.items()).extracting(AccessRecord::getGrantId).containsExactly(g2, g1, g1);
    DatasetsState.Page<AccessRecord> second = DatasetsState.accesses(state, DATASET, 0, 3, first.next().orElseThrow());
    assertThat(second.items()).extracting(AccessRecord::getGrantId).containsExactly(g3);
    assertThat(second.next()).isEmpty();
    DatasetsState.Page<AccessRecord> byGrantee = DatasetsState.accessesBy(state, RESEARCHER.id().value(), 2, null);
    assertThat(DatasetsState.accessesBy(state, RESEARCHER.id().value(), 2, byGrantee.next().orElseThrow()).items())
        .extracting(AccessRecord::getGrantId).containsExactly(g1);
  }

  @Test
  void fullExchange_manyGrantsPaymentsRefunds_totalCreditsConserved() {
    long total = chain.totalCredits();
    published(publish(DATASET, 1).setPolicy(policy().clearOrganisations().setPrice(120)));
    String a = requestedAgain(RESEARCHER, "research");
    String b = requestedAgain(PARTNER, "training");
    String c = requestedAgain(OUTSIDER, "research");
    String denied = requestedAgain(OUTSIDER, "marketing");
    committed(TestChain.setEncryptionKey(OUTSIDER, chain.nextNonce(OUTSIDER), TestChain.x25519(14)));
    committed(call(VALIDATOR, "record_access", keyRelease(a, "research")));
    committed(call(OWNER, "revoke", decide(b, "")));
    committed(call(VALIDATOR, "record_access", keyRelease(c, "research")));
    failsUnchanged(call(OUTSIDER, "cancel", decide(denied, "")), "GRANT_NOT_ACTIVE");

    assertThat(chain.totalCredits()).isEqualTo(total);
    assertThat(balance(OWNER)).isEqualTo(240);
    assertThat(balance(PARTNER)).isEqualTo(GRANTEE_CREDITS);
    assertThat(balance(RESEARCHER)).isEqualTo(GRANTEE_CREDITS - 120);
    assertThat(balance(OUTSIDER)).isEqualTo(GRANTEE_CREDITS - 120);
  }

  @Test
  void fullExchange_replayedByAnotherNode_sameHeadersAndState() {
    published(publish(DATASET, 1).setPolicy(policy().clearOrganisations().setPrice(120).setMaxReads(1)));
    String a = requestedAgain(RESEARCHER, "research");
    String b = requestedAgain(PARTNER, "training");
    committed(call(VALIDATOR, "record_access", keyRelease(a, "research")));
    failsUnchanged(call(VALIDATOR, "record_access", keyRelease(a, "research")), "READS_EXHAUSTED");
    committed(call(OWNER, "revoke", decide(b, "")));
    committed(call(OWNER, "erase", status(DATASET, 1, "")));

    try (TestChain other = TestChain.openWithDatasets(TestChain.spec(TestChain.STREAMS_MAX_TX_BYTES, 1, List.of(SECOND_VALIDATOR)))) {
      for (long h = 1; h <= height(); h++) {
        other.replay(chain.ledger.block(h).orElseThrow()); // asserts the re-executed header equals the stored one
      }
      assertThat(TestChain.snapshot(other.store).get(Column.STATE)).isEqualTo(TestChain.snapshot(chain.store).get(Column.STATE));
    }
  }

  @Test
  void systemContracts_runDatasetsWithCreditsWrites() {
    assertThat(new SystemContracts().registry().get(Datasets.NAME)).hasValueSatisfying(c ->
        assertThat(c.writesTo()).containsExactly(Credits.NAME));
  }
  // ------------------------------------------------------------------ compute-only grants

  private static RecordAccess compute(String grantId, String purpose) {
    return RecordAccess.newBuilder().setGrantId(grantId).setKind(AccessKind.COMPUTE).setPurpose(purpose).build();
  }

  /** Publishes {@link #DATASET} v1 for compute-only use at {@code price}; returns RESEARCHER's grant. */
  private String computeGrant(long price) {
    published(publish(DATASET, 1).setPolicy(policy().clearPurposes().addPurposes(Datasets.COMPUTE_ONLY_PURPOSE).setPrice(price)));
    return requestedAgain(RESEARCHER, Datasets.COMPUTE_ONLY_PURPOSE);
  }

  @Test
  void recordAccess_keyReleaseOnComputeOnlyGrant_failsComputeOnlyStateUnchanged() {
    String grantId = computeGrant(0);

    failsUnchanged(call(VALIDATOR, "record_access", keyRelease(grantId, Datasets.COMPUTE_ONLY_PURPOSE)), "COMPUTE_ONLY");
  }

  @Test
  void recordAccess_downloadOnComputeOnlyGrant_failsComputeOnlyStateUnchanged() {
    String grantId = computeGrant(0);

    failsUnchanged(call(VALIDATOR, "record_access", download(grantId, Datasets.COMPUTE_ONLY_PURPOSE)), "COMPUTE_ONLY");
  }

  @Test
  void recordAccess_computeOnGrantForOtherPurpose_failsNotComputeGrantStateUnchanged() {
    String grantId = requested(policy(), RESEARCHER);

    failsUnchanged(call(VALIDATOR, "record_access", compute(grantId, "research")), "NOT_COMPUTE_GRANT");
  }

  @Test
  void recordAccess_computeOnComputeOnlyGrant_loggedCountedAndPaysEscrowOnce() throws InvalidProtocolBufferException {
    long total = chain.totalCredits();
    long ownerBefore = balance(OWNER);
    String grantId = computeGrant(70);
    byte[] tx = call(VALIDATOR, "record_access", compute(grantId, Datasets.COMPUTE_ONLY_PURPOSE));

    TxResult result = committed(tx);

    AccessRecord a = AccessRecord.parseFrom(result.getOutput());
    assertThat(a.getKind()).isEqualTo(AccessKind.COMPUTE);
    assertThat(a.getPurpose()).isEqualTo(Datasets.COMPUTE_ONLY_PURPOSE);
    assertThat(a.getGranteeEncryptionKey()).isEmpty();
    assertThat(a.getWrappedKeySha256()).isEmpty();
    assertThat(a.getPaid()).isEqualTo(70);
    assertThat(a.getTxId()).isEqualTo(bytes(TestChain.txId(tx)));
    assertThat(grant(grantId).getReads()).isEqualTo(1);
    assertThat(balance(OWNER)).isEqualTo(ownerBefore + 70);
    assertThat(escrowed(grantId)).isZero();
    assertThat(DatasetsState.accesses(chain.datasetsState(), DATASET, 1, 10, null).items()).containsExactly(a);
    assertThat(result.getEventsList()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("computed");
      assertThat(e.getData().toStringUtf8()).isEqualTo(grantId);
    });

    AccessRecord second = AccessRecord.parseFrom(committed(call(VALIDATOR, "record_access", compute(grantId, Datasets.COMPUTE_ONLY_PURPOSE))).getOutput());

    assertThat(second.getPaid()).isZero();
    assertThat(grant(grantId).getReads()).isEqualTo(2);
    assertThat(balance(OWNER)).isEqualTo(ownerBefore + 70);
    assertThat(chain.totalCredits()).isEqualTo(total);
  }

  @Test
  void recordAccess_computeBeyondMaxReads_failsReadsExhaustedStateUnchanged() {
    published(publish(DATASET, 1).setPolicy(policy().clearPurposes().addPurposes(Datasets.COMPUTE_ONLY_PURPOSE).setMaxReads(1)));
    String grantId = requestedAgain(RESEARCHER, Datasets.COMPUTE_ONLY_PURPOSE);
    committed(call(VALIDATOR, "record_access", compute(grantId, Datasets.COMPUTE_ONLY_PURPOSE)));

    failsUnchanged(call(VALIDATOR, "record_access", compute(grantId, Datasets.COMPUTE_ONLY_PURPOSE)), "READS_EXHAUSTED");
  }

  @Test
  void recordAccess_computeWithWrappedKeyHash_rejectedBadArguments() {
    String grantId = computeGrant(0);
    byte[] tx = call(VALIDATOR, "record_access", compute(grantId, Datasets.COMPUTE_ONLY_PURPOSE).toBuilder().setWrappedKeySha256(bytes(WRAPPED)).build());

    chain.rejected(tx, RejectionCode.BAD_ARGUMENTS);
  }
  // ------------------------------------------------------------------ models trained on a version

  private static final byte[] RECIPE = "{\"recipe\":\"trained by the custodian\"}".getBytes(StandardCharsets.UTF_8);

  private static org.veriflow.protocol.proto.models.DatasetRef versionRef(String id, long version, Hash plaintext) {
    return org.veriflow.protocol.proto.models.DatasetRef.newBuilder().setDatasetId(id).setDatasetVersion(version)
        .setCsvSha256(bytes(plaintext)).build();
  }

  private byte[] register(String modelId, org.veriflow.protocol.proto.models.DatasetRef ref) {
    return TestChain.models(VALIDATOR, chain.nextNonce(VALIDATOR), "register", org.veriflow.protocol.proto.models.RegisterModel.newBuilder()
        .setModelId(modelId)
        .setRecipe(ByteString.copyFrom(RECIPE))
        .setRecipeSha256(bytes(Hash.sha256(RECIPE)))
        .addDatasets(ref)
        .setArtifactSha256(bytes(Hash.sha256(new byte[] {1})))
        .setLossCurveSha256(bytes(Hash.sha256(new byte[] {2})))
        .setEngineVersion("veriflow-ml 0.1.0")
        .build());
  }

  private Optional<org.veriflow.protocol.proto.models.ModelRecord> model(String modelId) {
    return Models.find(chain.ledger.state(Models.NAME), modelId);
  }

  @Test
  void modelsRegister_refToVersionWithItsPlaintextHash_registeredNamingTheVersion() {
    published(publish(DATASET, 1));
    org.veriflow.protocol.proto.models.DatasetRef ref = versionRef(DATASET, 1, PLAINTEXT);

    committed(register("ward-model", ref));

    assertThat(model("ward-model")).hasValueSatisfying(m -> assertThat(m.getDatasetsList()).containsExactly(ref));
  }

  @Test
  void modelsRegister_refToUnknownVersion_failsUnknownDatasetWithoutRecord() {
    published(publish(DATASET, 1));

    TestChain.assertFailed(run(register("ward-model", versionRef(DATASET, 2, PLAINTEXT))), "UNKNOWN_DATASET");

    assertThat(model("ward-model")).isEmpty();
  }

  @Test
  void modelsRegister_refToErasedVersion_failsDatasetErasedWithoutRecord() {
    published(publish(DATASET, 1));
    committed(call(OWNER, "erase", status(DATASET, 1, "")));

    TestChain.assertFailed(run(register("ward-model", versionRef(DATASET, 1, PLAINTEXT))), "DATASET_ERASED");

    assertThat(model("ward-model")).isEmpty();
  }

  @Test
  void modelsRegister_refWithAnotherPlaintextHash_failsDatasetMismatchWithoutRecord() {
    published(publish(DATASET, 1));

    TestChain.assertFailed(run(register("ward-model", versionRef(DATASET, 1, CIPHERTEXT))), "DATASET_MISMATCH");

    assertThat(model("ward-model")).isEmpty();
  }

  @Test
  void modelsRegister_refNamingBothSnapshotAndVersionOrVersionZero_rejectedBadArguments() {
    published(publish(DATASET, 1));

    chain.rejected(register("ward-model", versionRef(DATASET, 1, PLAINTEXT).toBuilder().setSnapshotId(snapshot.getSnapshotId()).build()),
        RejectionCode.BAD_ARGUMENTS);
    chain.rejected(register("ward-model", versionRef(DATASET, 0, PLAINTEXT)), RejectionCode.BAD_ARGUMENTS);
  }
}
