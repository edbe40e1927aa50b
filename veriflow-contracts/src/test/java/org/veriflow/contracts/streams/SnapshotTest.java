package org.veriflow.contracts.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.veriflow.contracts.TestChain.ADMIN;

import org.veriflow.contracts.TestChain;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.core.merkle.MerkleHashes;
import org.veriflow.core.merkle.MerkleTree;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.SnapshotRecord;
import org.veriflow.protocol.proto.streams.StoredReading;
import org.veriflow.protocol.proto.streams.Verdict;
import org.veriflow.protocol.streams.SnapshotFormat;
import org.veriflow.ledger.RejectionCode;

/**
 * Dataset snapshots: the chain records the row count, the SHA-256 of the canonical CSV and the RFC
 * 6962 root over the readings' digests; anyone can recompute both from the chain's readings, and a
 * changed byte is detected. The canonical CSV of a small fixed stream is pinned.
 */
class SnapshotTest {
  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey GATEWAY = TestChain.key(12);
  /** Its id sorts after {@link #DEVICE_B}'s. */
  private static final SigningKey DEVICE_A = TestChain.key(40);
  private static final SigningKey DEVICE_B = TestChain.key(41);
  private static final String LAB = "lab";
  private static final long DAY_MILLIS = 86_400_000;

  private static final String A = "vf1597e547f73fe447633354c82f0119d4265f94272";
  private static final String B = "vf11efa7837e4f1abfc8f01b6e0e0c739c2aeef0e45";
  /**
   * The export of [-1 day, 5000): ordered by time (negative first), then device id, then sequence;
   * each value with its field's decimals, rounded half-even from the exact binary value (21.125 →
   * 21.12, 21.135 → 21.14 since the double is slightly above, 0.5 → 0, 1.5 → 2, 2.5 → 2), never in
   * exponent form (1e7), and without a negative zero (-0.001 → 0.00, -0.0 → 0.000).
   */
  private static final String GOLDEN_CSV = "timestamp_millis,device_id,sequence,temperature,humidity,pressure\n"
      + "-86400000," + B + ",3,20.00,50,101325.250\n"
      + "-1500," + B + ",1,21.14,2,10000000.000\n"
      + "-1500," + A + ",2,-3.14,0,100000.000\n"
      + "0," + B + ",2,0.00,2,0.001\n"
      + "1000," + A + ",3,150.00,100,20000000.000\n"
      + "1000," + A + ",4,-50.00,0,0.000\n"
      + "2000," + A + ",1,21.12,46,101325.000\n";
  private static final String GOLDEN_CSV_SHA256 = "1486dc7f900cb960a070c8f82627004f2bc0f97f5a953c90c3d0822b18efba03";
  private static final String GOLDEN_READINGS_ROOT = "02198ef324ea2f48a89c843f2fe19fd8f08451471d118997d1cb62e739568772";

  private TestChain chain;
  /** The legal readings of the lab stream inside [-1 day, 5000), in the golden CSV's row order. */
  private final List<SignedReading> inRange = new ArrayList<>();

  private static CreateStream lab() {
    return CreateStream.newBuilder()
        .setStreamId(LAB)
        .setDescription("laboratory")
        .addFields(TestChain.field("temperature", "°C", -50, 150, 2))
        .addFields(TestChain.field("humidity", "%", 0, 100, 0))
        .addFields(TestChain.field("pressure", "Pa", 0, 2e7, 3))
        .setSamplingIntervalMillis(1_000)
        .setTimeWindowMillis(0)
        .build();
  }

  private static SignedReading signed(SigningKey device, long sequence, long time, double... values) {
    return TestChain.signed(device, TestChain.reading(LAB, device, sequence, time, values));
  }

  @BeforeEach
  void labStreamWithReadings() {
    assertThat(DEVICE_A.id().value()).isEqualTo(A);
    assertThat(DEVICE_B.id().value()).isEqualTo(B);
    chain = TestChain.openWithStreams();
    chain.commit(TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"));
    chain.commit(
        TestChain.register(ORG, 0, GATEWAY.publicKey(), IdentityKind.MEMBER, "gateway"),
        TestChain.createStream(ORG, 1, lab()));
    chain.commit(
        TestChain.registerDevice(ORG, 2, LAB, DEVICE_A.publicKey(), "a"),
        TestChain.registerDevice(ORG, 3, LAB, DEVICE_B.publicKey(), "b"));

    SignedReading a1 = signed(DEVICE_A, 1, 2_000, 21.125, 45.5, 101_325.0);
    SignedReading a2 = signed(DEVICE_A, 2, -1_500, -3.14159, 0.5, 99_999.9995);
    SignedReading b1 = signed(DEVICE_B, 1, -1_500, 21.135, 1.5, 1e7);
    SignedReading b2 = signed(DEVICE_B, 2, 0, -0.001, 2.5, 0.0005);
    SignedReading a3 = signed(DEVICE_A, 3, 1_000, 150, 100, 2e7);
    SignedReading a4 = signed(DEVICE_A, 4, 1_000, -50, 0, -0.0);
    SignedReading b3 = signed(DEVICE_B, 3, -DAY_MILLIS, 20.0, 50, 101_325.25);
    SignedReading a5 = signed(DEVICE_A, 5, 5_000, 20.0, 50, 101_325.0);
    SignedReading schemaViolation = signed(DEVICE_B, 4, 0, 20.0, 101, 101_325.0);
    SignedReading forged = TestChain.signed(DEVICE_B, TestChain.reading(LAB, DEVICE_A, 6, 0, 20.0, 50, 101_325.0));
    TxResult first = chain.commitResults(TestChain.submit(GATEWAY, 0, LAB, List.of(a1, a2, b1, b2, schemaViolation))).get(0);
    TxResult second = chain.commitResults(TestChain.submit(GATEWAY, 1, LAB, List.of(a3, a4, b3, a5, forged))).get(0);
    assertThat(TestChain.verdicts(first)).containsExactly(Verdict.LEGAL, Verdict.LEGAL, Verdict.LEGAL, Verdict.LEGAL, Verdict.SCHEMA_VIOLATION);
    assertThat(TestChain.verdicts(second)).containsExactly(Verdict.LEGAL, Verdict.LEGAL, Verdict.LEGAL, Verdict.LEGAL, Verdict.BAD_SIGNATURE);
    inRange.addAll(List.of(b3, b1, a2, b2, a3, a4, a1));
  }

  @AfterEach
  void close() {
    chain.close();
  }

  private TxResult snapshot(String stream, long from, long to) {
    List<TxResult> results = chain.commitResults(TestChain.snapshot(GATEWAY, chain.nextNonce(GATEWAY), stream, from, to, "night of 3 May"));
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  private static SnapshotRecord record(TxResult result) {
    assertThat(result.getStatus()).as("snapshot result %s", result).isEqualTo(TxStatus.COMMITTED);
    try {
      return SnapshotRecord.parseFrom(result.getOutput());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("snapshot output is not a SnapshotRecord", e);
    }
  }

  /** The CSV export of [from, to) written from the chain's readings, paging as a client does. */
  private String export(long from, long to, int pageSize) {
    SnapshotFormat format = new SnapshotFormat(StreamsState.stream(chain.streams(), LAB).orElseThrow().getFieldsList());
    StringBuilder csv = new StringBuilder(format.header());
    String cursor = null;
    do {
      StreamsState.ReadingPage page = StreamsState.readings(chain.streams(), LAB, null, from, to, pageSize, cursor);
      for (StoredReading r : page.readings()) {
        csv.append(format.add(r));
      }
      cursor = page.next().orElse(null);
    } while (cursor != null);
    assertThat(Hash.sha256(csv.toString().getBytes(StandardCharsets.UTF_8))).isEqualTo(format.csvSha256());
    return csv.toString();
  }

  private static Hash sha256(byte[] bytes) {
    try {
      return Hash.of(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  @Test
  void snapshot_range_recordsQueryRowCountHashesCreatorAndHeight() {
    TxResult result = snapshot(LAB, -DAY_MILLIS, 5_000);

    SnapshotRecord r = record(result);
    assertThat(r.getSnapshotId()).isEqualTo(Hash.of(result.getTxId().toByteArray()).hex());
    assertThat(r.getStreamId()).isEqualTo(LAB);
    assertThat(r.getFromMillis()).isEqualTo(-DAY_MILLIS);
    assertThat(r.getToMillis()).isEqualTo(5_000);
    assertThat(r.getTitle()).isEqualTo("night of 3 May");
    assertThat(r.getRowCount()).isEqualTo(7);
    assertThat(Hash.of(r.getCsvSha256().toByteArray()).hex()).isEqualTo(GOLDEN_CSV_SHA256);
    assertThat(r.getReadingsRoot().size()).isEqualTo(32);
    assertThat(r.getCreator()).isEqualTo(GATEWAY.id().value());
    assertThat(r.getHeight()).isEqualTo(chain.ledger.head().height());
    assertThat(result.getEventsList()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("snapshot");
      assertThat(e.getData().toStringUtf8()).isEqualTo(r.getSnapshotId());
    });
    assertThat(StreamsState.snapshot(chain.streams(), r.getSnapshotId())).contains(r);
  }

  @Test
  void snapshot_recomputedFromChainReadings_sameRowCountCsvHashAndRoot() {
    SnapshotRecord r = record(snapshot(LAB, -DAY_MILLIS, 5_000));

    for (int pageSize : new int[] {1, 3, 7, 100}) {
      String csv = export(-DAY_MILLIS, 5_000, pageSize);
      assertThat(csv.split("\n", -1)).as("page size %d", pageSize).hasSize(1 + 7 + 1);
      assertThat(sha256(csv.getBytes(StandardCharsets.UTF_8)).bytes()).as("page size %d", pageSize).isEqualTo(r.getCsvSha256().toByteArray());
    }
    List<Hash> leaves = new ArrayList<>();
    StreamsState.forEachReading(chain.streams(), LAB, -DAY_MILLIS, 5_000, Long.MAX_VALUE,
        s -> leaves.add(MerkleHashes.leafHash(s.getDigest().toByteArray())));
    assertThat(leaves).hasSize((int) r.getRowCount());
    assertThat(MerkleTree.ofLeafHashes(leaves).root().bytes()).isEqualTo(r.getReadingsRoot().toByteArray());
    // The digests of the signed bytes as the devices signed them, without the chain: the same root.
    List<Hash> signedLeaves = inRange.stream().map(s -> MerkleHashes.leafHash(TestChain.digest(s).bytes())).toList();
    assertThat(MerkleTree.ofLeafHashes(signedLeaves).root().bytes()).isEqualTo(r.getReadingsRoot().toByteArray());
  }

  @Test
  void snapshot_fixedStream_canonicalCsvAndHashesPinned() {
    SnapshotRecord r = record(snapshot(LAB, -DAY_MILLIS, 5_000));

    assertThat(export(-DAY_MILLIS, 5_000, 100)).isEqualTo(GOLDEN_CSV);
    assertThat(sha256(GOLDEN_CSV.getBytes(StandardCharsets.UTF_8)).hex()).isEqualTo(GOLDEN_CSV_SHA256);
    assertThat(Hash.of(r.getReadingsRoot().toByteArray()).hex()).isEqualTo(GOLDEN_READINGS_ROOT);
  }

  @Test
  void export_anyOneByteChanged_hashNoLongerMatchesTheRecord() {
    SnapshotRecord r = record(snapshot(LAB, -DAY_MILLIS, 5_000));
    byte[] csv = export(-DAY_MILLIS, 5_000, 100).getBytes(StandardCharsets.UTF_8);
    assertThat(sha256(csv).bytes()).isEqualTo(r.getCsvSha256().toByteArray());

    List<Integer> undetected = new ArrayList<>();
    for (int i = 0; i < csv.length; i++) {
      byte[] changed = csv.clone();
      changed[i] = (byte) (changed[i] == '1' ? '2' : '1');
      if (java.util.Arrays.equals(sha256(changed).bytes(), r.getCsvSha256().toByteArray())) {
        undetected.add(i);
      }
    }
    assertThat(undetected).isEmpty();
    String tampered = new String(csv, StandardCharsets.UTF_8).replace(",21.12,46,", ",21.13,46,");
    assertThat(tampered).isNotEqualTo(new String(csv, StandardCharsets.UTF_8));
    assertThat(sha256(tampered.getBytes(StandardCharsets.UTF_8)).bytes()).isNotEqualTo(r.getCsvSha256().toByteArray());
  }

  @Test
  void snapshot_bounds_fromInclusiveToExclusive() {
    SnapshotRecord r = record(snapshot(LAB, -1_500, 1_000));

    assertThat(r.getRowCount()).isEqualTo(3);
    String csv = export(-1_500, 1_000, 2);
    assertThat(csv).isEqualTo("timestamp_millis,device_id,sequence,temperature,humidity,pressure\n"
        + "-1500," + B + ",1,21.14,2,10000000.000\n"
        + "-1500," + A + ",2,-3.14,0,100000.000\n"
        + "0," + B + ",2,0.00,2,0.001\n");
    assertThat(sha256(csv.getBytes(StandardCharsets.UTF_8)).bytes()).isEqualTo(r.getCsvSha256().toByteArray());
  }

  @Test
  void snapshot_emptyRange_zeroRowsEmptyTreeRootAndHashOfTheHeader() {
    SnapshotRecord r = record(snapshot(LAB, 10_000, 20_000));

    assertThat(r.getRowCount()).isZero();
    assertThat(r.getReadingsRoot().toByteArray()).isEqualTo(MerkleHashes.EMPTY_ROOT.bytes());
    assertThat(r.getCsvSha256().toByteArray())
        .isEqualTo(sha256("timestamp_millis,device_id,sequence,temperature,humidity,pressure\n".getBytes(StandardCharsets.UTF_8)).bytes());
  }

  @Test
  void snapshot_fromNotBeforeTo_badArgumentsAtAdmission() {
    chain.rejected(TestChain.snapshot(GATEWAY, chain.nextNonce(GATEWAY), LAB, 1_000, 1_000, "empty"), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(TestChain.snapshot(GATEWAY, chain.nextNonce(GATEWAY), LAB, 1_000, -1_000, "reversed"), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(TestChain.snapshot(GATEWAY, chain.nextNonce(GATEWAY), LAB, 0, 1, "t".repeat(257)), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(TestChain.snapshot(GATEWAY, chain.nextNonce(GATEWAY), "Lab", 0, 1, "bad id"), RejectionCode.BAD_ARGUMENTS);
    assertThat(chain.ledger.admit(TestChain.snapshot(GATEWAY, chain.nextNonce(GATEWAY), LAB, 1_000, 1_001, "one millisecond")).accepted())
        .isTrue();
  }

  @Test
  void snapshot_unknownStream_failedUnknownStream() {
    TxResult result = snapshot("nowhere", 0, 1_000);

    TestChain.assertFailed(result, "UNKNOWN_STREAM");
    assertThat(StreamsState.snapshot(chain.streams(), Hash.of(result.getTxId().toByteArray()).hex())).isEmpty();
  }

  @Test
  void format_values_fixedDecimalsHalfEvenNoExponentNoNegativeZero() {
    assertThat(SnapshotFormat.format(0.1, 9)).isEqualTo("0.100000000");
    assertThat(SnapshotFormat.format(1e-7, 9)).isEqualTo("0.000000100");
    assertThat(SnapshotFormat.format(1e20, 0)).isEqualTo("100000000000000000000");
    assertThat(SnapshotFormat.format(-2.5, 0)).isEqualTo("-2");
    assertThat(SnapshotFormat.format(-3.5, 0)).isEqualTo("-4");
    assertThat(SnapshotFormat.format(-0.0, 2)).isEqualTo("0.00");
    assertThat(SnapshotFormat.format(0.125, 2)).isEqualTo("0.12");
    assertThat(SnapshotFormat.format(0.375, 2)).isEqualTo("0.38");
    assertThatThrownBy(() -> SnapshotFormat.format(Double.NaN, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SnapshotFormat.format(Double.NEGATIVE_INFINITY, 2)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void format_readingWithOtherValueCount_refused() {
    SnapshotFormat format = new SnapshotFormat(lab().getFieldsList());
    StoredReading twoValues = StoredReading.newBuilder().setDeviceId(A).setSequence(1).addValues(1).addValues(2).build();

    assertThatThrownBy(() -> format.add(twoValues)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 values");
    assertThat(format.rowCount()).isZero();
  }
}
