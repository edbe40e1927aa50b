package org.veriflow.contracts.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.protocol.proto.streams.Verdict.BAD_SIGNATURE;
import static org.veriflow.protocol.proto.streams.Verdict.DUPLICATE;
import static org.veriflow.protocol.proto.streams.Verdict.LEGAL;
import static org.veriflow.protocol.proto.streams.Verdict.REPLAYED_SEQUENCE;
import static org.veriflow.protocol.proto.streams.Verdict.REVOKED_DEVICE;
import static org.veriflow.protocol.proto.streams.Verdict.SCHEMA_VIOLATION;
import static org.veriflow.protocol.proto.streams.Verdict.TIME_OUT_OF_WINDOW;
import static org.veriflow.protocol.proto.streams.Verdict.UNKNOWN_DEVICE;
import static org.veriflow.protocol.proto.streams.Verdict.WRONG_STREAM;

import org.veriflow.contracts.TestChain;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.streams.Evidence;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.StoredReading;
import org.veriflow.protocol.proto.streams.SubmitReadings;
import org.veriflow.protocol.proto.streams.Verdict;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.store.Column;

/**
 * One verdict per test, for Ed25519 and P-256 devices: the verdict is the transaction's output, a
 * legal reading becomes data (indexed by time, device and digest, its device's sequence advanced),
 * an illegal one is evidence only, and stats count both by device and verdict. A batch with illegal
 * readings still commits its legal ones; a batch that does not decode is refused whole at admission.
 */
class ReadingVerdictsTest {
  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey GATEWAY = TestChain.key(12);
  private static final SigningKey ED_DEVICE = TestChain.key(30);
  private static final SigningKey P256_DEVICE = TestChain.p256Key(31);
  /** Registered in {@link #ROOM_2}, not in {@link #ROOM}. */
  private static final SigningKey ROOM_2_DEVICE = TestChain.key(32);
  private static final SigningKey ARCHIVE_DEVICE = TestChain.key(33);
  /** Registered in {@link #ROOM} and revoked before any test runs. */
  private static final SigningKey REVOKED = TestChain.key(34);
  private static final SigningKey UNREGISTERED_ED = TestChain.key(40);
  private static final SigningKey UNREGISTERED_P256 = TestChain.p256Key(41);

  private static final String ROOM = "room-1";
  private static final String ROOM_2 = "room-2";
  /** Window 0: any device time. */
  private static final String ARCHIVE = "archive";
  private static final long WINDOW_MILLIS = 60_000;

  private TestChain chain;

  static List<SigningKey> devices() {
    return List.of(ED_DEVICE, P256_DEVICE);
  }

  /** A key of the same algorithm as {@code device} that is not registered anywhere. */
  private static SigningKey stranger(SigningKey device) {
    return device.algorithm() == SignatureAlgorithm.ED25519 ? UNREGISTERED_ED : UNREGISTERED_P256;
  }

  @BeforeEach
  void chainWithStreamsAndDevices() {
    chain = TestChain.openWithStreams();
    chain.commit(TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"));
    chain.commit(
        TestChain.register(ORG, 0, GATEWAY.publicKey(), IdentityKind.MEMBER, "gateway"),
        TestChain.createStream(ORG, 1, TestChain.roomStream(ROOM, WINDOW_MILLIS)),
        TestChain.createStream(ORG, 2, TestChain.roomStream(ROOM_2, WINDOW_MILLIS)),
        TestChain.createStream(ORG, 3, TestChain.roomStream(ARCHIVE, 0)));
    chain.commit(
        TestChain.registerDevice(ORG, 4, ROOM, ED_DEVICE.publicKey(), "ed"),
        TestChain.registerDevice(ORG, 5, ROOM, P256_DEVICE.publicKey(), "p256"),
        TestChain.registerDevice(ORG, 6, ROOM_2, ROOM_2_DEVICE.publicKey(), "other room"),
        TestChain.registerDevice(ORG, 7, ARCHIVE, ARCHIVE_DEVICE.publicKey(), "archive"),
        TestChain.registerDevice(ORG, 8, ROOM, REVOKED.publicKey(), "revoked"));
    List<TxResult> revoked = chain.commitResults(TestChain.revokeDevice(ORG, 9, ROOM, REVOKED.id().value(), "stolen"));
    List<TxResult> all = new ArrayList<>(revoked);
    for (long h = 1; h < chain.ledger.head().height(); h++) {
      all.addAll(chain.ledger.results(h));
    }
    assertThat(all).extracting(TxResult::getStatus).containsOnly(TxStatus.COMMITTED);
  }

  @AfterEach
  void close() {
    chain.close();
  }

  // ------------------------------------------------------------------ helpers

  /** The block time of the next block, which carries the next submit. */
  private long blockTime() {
    return chain.nextTimestamp();
  }

  private TxResult submit(String stream, SignedReading... readings) {
    byte[] tx = TestChain.submit(GATEWAY, chain.nextNonce(GATEWAY), stream, List.of(readings));
    List<TxResult> results = chain.commitResults(tx);
    assertThat(results).hasSize(1);
    assertThat(Hash.of(results.get(0).getTxId().toByteArray())).isEqualTo(TestChain.txId(tx));
    return results.get(0);
  }

  private static SignedReading signed(SigningKey device, String stream, long sequence, long time, double... values) {
    return TestChain.signed(device, TestChain.reading(stream, device, sequence, time, values));
  }

  /** {@code original}'s reading changed by {@code change} after signing, with the original signature. */
  private static SignedReading tampered(SignedReading original, UnaryOperator<Reading.Builder> change) {
    try {
      Reading r = Reading.parseFrom(original.getReading());
      return original.toBuilder().setReading(change.apply(r.toBuilder()).build().toByteString()).build();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static Reading reading(SignedReading r) {
    try {
      return Reading.parseFrom(r.getReading());
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private List<StoredReading> data(String stream) {
    StreamsState.ReadingPage page = StreamsState.readings(chain.streams(), stream, null, Long.MIN_VALUE, Long.MAX_VALUE, 10_000, null);
    assertThat(page.next()).isEmpty();
    return page.readings();
  }

  private List<Evidence> evidence(String stream) {
    return StreamsState.evidence(chain.streams(), stream, 10_000);
  }

  private long lastSequence(String stream, SigningKey device) {
    return StreamsState.device(chain.streams(), stream, device.id().value()).orElseThrow().getLastSequence();
  }

  private Map<String, Long> stats(String stream, String device) {
    return StreamsState.stats(chain.streams(), stream).getOrDefault(device, Map.of());
  }

  /** {@code r} is data: indexed by digest with its values, placed in {@code result}'s batch at {@code index}. */
  private void assertData(SignedReading r, TxResult result, int index) {
    Reading signed = reading(r);
    StoredReading stored = StreamsState.readingByDigest(chain.streams(), TestChain.digest(r).bytes()).orElseThrow();
    assertThat(stored.getDigest().toByteArray()).isEqualTo(TestChain.digest(r).bytes());
    assertThat(stored.getDeviceId()).isEqualTo(signed.getDeviceId());
    assertThat(stored.getSequence()).isEqualTo(signed.getSequence());
    assertThat(stored.getTimestampMillis()).isEqualTo(signed.getTimestampMillis());
    assertThat(stored.getValuesList()).isEqualTo(signed.getValuesList());
    assertThat(stored.getTxId()).isEqualTo(result.getTxId());
    assertThat(stored.getIndex()).isEqualTo(index);
    assertThat(stored.getHeight()).isEqualTo(chain.ledger.head().height());
    assertThat(data(signed.getStreamId())).contains(stored);
  }

  /** {@code r} is evidence with {@code verdict} and {@code claimed} device, and never data. */
  private void assertEvidenceOnly(String stream, SignedReading r, String claimed, Verdict verdict) {
    byte[] digest = TestChain.digest(r).bytes();
    assertThat(StreamsState.readingByDigest(chain.streams(), digest)).isEmpty();
    assertThat(data(stream)).noneMatch(s -> Arrays.equals(s.getDigest().toByteArray(), digest));
    assertThat(evidence(stream)).anySatisfy(e -> {
      assertThat(e.getDigest().toByteArray()).isEqualTo(digest);
      assertThat(e.getClaimedDevice()).isEqualTo(claimed);
      assertThat(e.getVerdict()).isEqualTo(verdict);
      assertThat(e.getHeight()).isEqualTo(chain.ledger.head().height());
    });
  }

  // ------------------------------------------------------------------ one test per verdict

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void submit_validReading_legalStoredIndexedCountedAndSequenceAdvanced(SigningKey device) {
    SignedReading r = signed(device, ROOM, 1, blockTime() - 30_000, 21.5, 45.0);

    TxResult result = submit(ROOM, r);

    assertThat(TestChain.verdicts(result)).containsExactly(LEGAL);
    assertData(r, result, 0);
    assertThat(data(ROOM)).hasSize(1);
    assertThat(StreamsState.readings(chain.streams(), ROOM, device.id().value(), Long.MIN_VALUE, Long.MAX_VALUE, 10, null).readings())
        .extracting(StoredReading::getDigest).containsExactly(ByteString.copyFrom(TestChain.digest(r).bytes()));
    assertThat(evidence(ROOM)).isEmpty();
    assertThat(StreamsState.stats(chain.streams(), ROOM)).isEqualTo(Map.of(device.id().value(), Map.of("LEGAL", 1L)));
    assertThat(lastSequence(ROOM, device)).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void submit_valuesAlteredAfterSigning_badSignatureEvidenceOnly(SigningKey device) {
    SignedReading honest = signed(device, ROOM, 1, blockTime(), 21.5, 45.0);
    SignedReading altered = tampered(honest, b -> b.setValues(0, 29.5));

    TxResult result = submit(ROOM, altered);

    assertThat(TestChain.verdicts(result)).containsExactly(BAD_SIGNATURE);
    assertEvidenceOnly(ROOM, altered, device.id().value(), BAD_SIGNATURE);
    assertThat(StreamsState.readingByDigest(chain.streams(), TestChain.digest(honest).bytes())).isEmpty();
    assertThat(stats(ROOM, device.id().value())).isEqualTo(Map.of("BAD_SIGNATURE", 1L));
    assertThat(lastSequence(ROOM, device)).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void submit_signedByAnotherKeyOrSignatureDamaged_badSignature(SigningKey device) {
    Reading claimed = TestChain.reading(ROOM, device, 1, blockTime(), 21.5, 45.0);
    SignedReading forged = TestChain.signed(stranger(device), claimed);
    SignedReading good = TestChain.signed(device, claimed);
    byte[] flipped = good.getSignature().toByteArray();
    flipped[5] ^= 0x01;
    SignedReading bitFlipped = good.toBuilder().setSignature(ByteString.copyFrom(flipped)).build();
    SignedReading truncated = good.toBuilder().setSignature(good.getSignature().substring(0, 63)).build();
    SignedReading unsigned = good.toBuilder().clearSignature().build();

    TxResult result = submit(ROOM, forged, bitFlipped, truncated, unsigned);

    assertThat(TestChain.verdicts(result)).containsExactly(BAD_SIGNATURE, BAD_SIGNATURE, BAD_SIGNATURE, BAD_SIGNATURE);
    assertEvidenceOnly(ROOM, forged, device.id().value(), BAD_SIGNATURE);
    assertThat(evidence(ROOM)).extracting(Evidence::getIndex).containsExactly(0, 1, 2, 3);
    assertThat(stats(ROOM, device.id().value())).isEqualTo(Map.of("BAD_SIGNATURE", 4L));
    assertThat(lastSequence(ROOM, device)).isZero();
    // The genuine signature over the same bytes is still accepted afterwards.
    assertThat(TestChain.verdicts(submit(ROOM, good))).containsExactly(LEGAL);
  }

  @Test
  void submit_p256SignatureInHighSForm_badSignatureLowSFormLegal() {
    SignedReading lowS = signed(P256_DEVICE, ROOM, 1, blockTime(), 21.5, 45.0);
    byte[] sig = lowS.getSignature().toByteArray();
    BigInteger n = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    byte[] highS = n.subtract(new BigInteger(1, Arrays.copyOfRange(sig, 32, 64))).toByteArray();
    byte[] flipped = Arrays.copyOf(sig, 64);
    Arrays.fill(flipped, 32, 64, (byte) 0);
    int len = Math.min(highS.length, 32);
    System.arraycopy(highS, highS.length - len, flipped, 64 - len, len);
    SignedReading malleated = lowS.toBuilder().setSignature(ByteString.copyFrom(flipped)).build();

    TxResult result = submit(ROOM, malleated, lowS);

    assertThat(TestChain.verdicts(result)).containsExactly(BAD_SIGNATURE, LEGAL);
    assertData(lowS, result, 1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void submit_unregisteredDeviceKey_unknownDeviceCountedUnderItsId(SigningKey algorithmOf) {
    SigningKey unregistered = stranger(algorithmOf);
    SignedReading r = signed(unregistered, ROOM, 1, blockTime(), 21.5, 45.0);

    TxResult result = submit(ROOM, r);

    assertThat(TestChain.verdicts(result)).containsExactly(UNKNOWN_DEVICE);
    assertEvidenceOnly(ROOM, r, unregistered.id().value(), UNKNOWN_DEVICE);
    assertThat(stats(ROOM, unregistered.id().value())).isEqualTo(Map.of("UNKNOWN_DEVICE", 1L));
    assertThat(StreamsState.device(chain.streams(), ROOM, unregistered.id().value())).isEmpty();
  }

  @Test
  void submit_malformedDeviceIds_unknownDeviceClaimedAsInvalid() {
    SignedReading good = signed(ED_DEVICE, ROOM, 1, blockTime(), 21.5, 45.0);
    SignedReading name = tampered(good, b -> b.setDeviceId("sensor-7"));
    SignedReading upperCase = tampered(good, b -> b.setDeviceId(ED_DEVICE.id().value().toUpperCase(java.util.Locale.ROOT)));
    SignedReading empty = tampered(good, Reading.Builder::clearDeviceId);
    // Signed by the device itself over the malformed id: the id, not the signature, decides.
    SignedReading signedMalformed = TestChain.signed(ED_DEVICE, reading(good).toBuilder().setDeviceId("vf1" + "g".repeat(40)).build());

    TxResult result = submit(ROOM, name, upperCase, empty, signedMalformed);

    assertThat(TestChain.verdicts(result)).containsOnly(UNKNOWN_DEVICE).hasSize(4);
    assertEvidenceOnly(ROOM, name, "invalid", UNKNOWN_DEVICE);
    assertEvidenceOnly(ROOM, signedMalformed, "invalid", UNKNOWN_DEVICE);
    assertThat(StreamsState.stats(chain.streams(), ROOM)).isEqualTo(Map.of("invalid", Map.of("UNKNOWN_DEVICE", 4L)));
    assertThat(lastSequence(ROOM, ED_DEVICE)).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void submit_deviceRevokedAfterLegalReading_laterReadingsRevokedEarlierDataKept(SigningKey device) {
    SignedReading before = signed(device, ROOM, 1, blockTime(), 21.5, 45.0);
    TxResult first = submit(ROOM, before);
    assertThat(TestChain.verdicts(first)).containsExactly(LEGAL);
    chain.commit(TestChain.revokeDevice(ORG, chain.nextNonce(ORG), ROOM, device.id().value(), "battery swapped"));
    SignedReading after = signed(device, ROOM, 2, blockTime(), 21.6, 45.0);

    TxResult result = submit(ROOM, after, before);

    assertThat(TestChain.verdicts(result)).containsExactly(REVOKED_DEVICE, REVOKED_DEVICE);
    assertEvidenceOnly(ROOM, after, device.id().value(), REVOKED_DEVICE);
    assertThat(StreamsState.readingByDigest(chain.streams(), TestChain.digest(before).bytes())).isPresent();
    assertThat(data(ROOM)).hasSize(1);
    assertThat(stats(ROOM, device.id().value())).isEqualTo(Map.of("LEGAL", 1L, "REVOKED_DEVICE", 2L));
    assertThat(lastSequence(ROOM, device)).isEqualTo(1);
  }

  @Test
  void submit_deviceRevokedBeforeAnyReading_revokedDevice() {
    SignedReading r = signed(REVOKED, ROOM, 1, blockTime(), 21.5, 45.0);

    assertThat(TestChain.verdicts(submit(ROOM, r))).containsExactly(REVOKED_DEVICE);
    assertEvidenceOnly(ROOM, r, REVOKED.id().value(), REVOKED_DEVICE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void submit_readingNamesAnotherStreamThanItsBatch_wrongStream(SigningKey device) {
    SignedReading forRoom2 = signed(device, ROOM_2, 1, blockTime(), 21.5, 45.0);
    SignedReading forRoom = signed(device, ROOM, 1, blockTime(), 21.5, 45.0);

    TxResult inRoom = submit(ROOM, forRoom2);
    TxResult inRoom2 = submit(ROOM_2, forRoom);

    assertThat(TestChain.verdicts(inRoom)).containsExactly(WRONG_STREAM);
    assertThat(TestChain.verdicts(inRoom2)).containsExactly(WRONG_STREAM);
    assertThat(evidence(ROOM)).singleElement().satisfies(e -> {
      assertThat(e.getDigest().toByteArray()).isEqualTo(TestChain.digest(forRoom2).bytes());
      assertThat(e.getVerdict()).isEqualTo(WRONG_STREAM);
    });
    assertEvidenceOnly(ROOM_2, forRoom, device.id().value(), WRONG_STREAM);
    assertThat(stats(ROOM, device.id().value())).isEqualTo(Map.of("WRONG_STREAM", 1L));
    assertThat(stats(ROOM_2, device.id().value())).isEqualTo(Map.of("WRONG_STREAM", 1L));
    assertThat(lastSequence(ROOM, device)).isZero();
    // The same reading in its own stream's batch is legal.
    assertThat(TestChain.verdicts(submit(ROOM, forRoom))).containsExactly(LEGAL);
  }

  @Test
  void submit_deviceRegisteredInAnotherStream_wrongStream() {
    SignedReading r = signed(ROOM_2_DEVICE, ROOM, 1, blockTime(), 21.5, 45.0);

    TxResult result = submit(ROOM, r);

    assertThat(TestChain.verdicts(result)).containsExactly(WRONG_STREAM);
    assertEvidenceOnly(ROOM, r, ROOM_2_DEVICE.id().value(), WRONG_STREAM);
    assertThat(stats(ROOM, ROOM_2_DEVICE.id().value())).isEqualTo(Map.of("WRONG_STREAM", 1L));
    assertThat(StreamsState.stats(chain.streams(), ROOM_2)).isEmpty();
    assertThat(lastSequence(ROOM_2, ROOM_2_DEVICE)).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void submit_sequenceNotAboveLastLegal_replayedSequence(SigningKey device) {
    long t = blockTime();
    assertThat(TestChain.verdicts(submit(ROOM, signed(device, ROOM, 5, t, 21.5, 45.0)))).containsExactly(LEGAL);
    SignedReading same = signed(device, ROOM, 5, t + 1_000, 21.7, 45.0);
    SignedReading lower = signed(device, ROOM, 4, t + 1_000, 21.7, 45.0);
    SignedReading zero = signed(device, ROOM, 0, t + 1_000, 21.7, 45.0);
    SignedReading next = signed(device, ROOM, 6, t + 1_000, 21.7, 45.0);

    TxResult result = submit(ROOM, same, lower, zero, next);

    assertThat(TestChain.verdicts(result)).containsExactly(REPLAYED_SEQUENCE, REPLAYED_SEQUENCE, REPLAYED_SEQUENCE, LEGAL);
    assertEvidenceOnly(ROOM, same, device.id().value(), REPLAYED_SEQUENCE);
    assertEvidenceOnly(ROOM, lower, device.id().value(), REPLAYED_SEQUENCE);
    assertData(next, result, 3);
    assertThat(stats(ROOM, device.id().value())).isEqualTo(Map.of("LEGAL", 2L, "REPLAYED_SEQUENCE", 3L));
    assertThat(lastSequence(ROOM, device)).isEqualTo(6);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void submit_sequenceNotIncreasingWithinOneBatch_replayedSequence(SigningKey device) {
    long t = blockTime();
    SignedReading ten = signed(device, ROOM, 10, t, 21.5, 45.0);
    SignedReading nine = signed(device, ROOM, 9, t + 1, 21.5, 45.0);
    SignedReading tenAgain = signed(device, ROOM, 10, t + 2, 22.0, 45.0);
    SignedReading eleven = signed(device, ROOM, 11, t + 3, 21.5, 45.0);

    TxResult result = submit(ROOM, ten, nine, tenAgain, eleven);

    assertThat(TestChain.verdicts(result)).containsExactly(LEGAL, REPLAYED_SEQUENCE, REPLAYED_SEQUENCE, LEGAL);
    assertData(ten, result, 0);
    assertData(eleven, result, 3);
    assertEvidenceOnly(ROOM, tenAgain, device.id().value(), REPLAYED_SEQUENCE);
    assertThat(lastSequence(ROOM, device)).isEqualTo(11);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void submit_deviceTimeOutsideWindowAroundBlockTime_timeOutOfWindowAndEdgesLegal(SigningKey device) {
    long t = blockTime();
    SignedReading tooOld = signed(device, ROOM, 1, t - WINDOW_MILLIS - 1, 21.5, 45.0);
    SignedReading oldest = signed(device, ROOM, 2, t - WINDOW_MILLIS, 21.5, 45.0);
    SignedReading newest = signed(device, ROOM, 3, t + WINDOW_MILLIS, 21.5, 45.0);
    SignedReading tooNew = signed(device, ROOM, 4, t + WINDOW_MILLIS + 1, 21.5, 45.0);
    SignedReading farFuture = signed(device, ROOM, 5, Long.MAX_VALUE, 21.5, 45.0);
    SignedReading farPast = signed(device, ROOM, 6, Long.MIN_VALUE, 21.5, 45.0);

    TxResult result = submit(ROOM, tooOld, oldest, newest, tooNew, farFuture, farPast);

    assertThat(chain.ledger.head().header().getTimestampMillis()).isEqualTo(t);
    assertThat(TestChain.verdicts(result))
        .containsExactly(TIME_OUT_OF_WINDOW, LEGAL, LEGAL, TIME_OUT_OF_WINDOW, TIME_OUT_OF_WINDOW, TIME_OUT_OF_WINDOW);
    assertEvidenceOnly(ROOM, tooOld, device.id().value(), TIME_OUT_OF_WINDOW);
    assertEvidenceOnly(ROOM, tooNew, device.id().value(), TIME_OUT_OF_WINDOW);
    assertData(oldest, result, 1);
    assertData(newest, result, 2);
    assertThat(stats(ROOM, device.id().value())).isEqualTo(Map.of("LEGAL", 2L, "TIME_OUT_OF_WINDOW", 4L));
    assertThat(lastSequence(ROOM, device)).isEqualTo(3);
  }

  @Test
  void submit_streamWithWindowZero_anyDeviceTimeLegal() {
    long t = blockTime();
    List<SignedReading> rs = new ArrayList<>();
    long[] times = {Long.MIN_VALUE, -62_135_596_800_000L, -1, 0, t - 10 * WINDOW_MILLIS, t + 10 * WINDOW_MILLIS, 4_102_444_800_000L, Long.MAX_VALUE - 1};
    for (int i = 0; i < times.length; i++) {
      rs.add(signed(ARCHIVE_DEVICE, ARCHIVE, i + 1, times[i], 21.5, 45.0));
    }

    TxResult result = submit(ARCHIVE, rs.toArray(SignedReading[]::new));

    assertThat(TestChain.verdicts(result)).hasSize(times.length).containsOnly(LEGAL);
    for (int i = 0; i < rs.size(); i++) {
      assertData(rs.get(i), result, i);
    }
    assertThat(lastSequence(ARCHIVE, ARCHIVE_DEVICE)).isEqualTo(times.length);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void submit_valuesBreakingTheSchema_schemaViolationAndBoundsLegal(SigningKey device) {
    long t = blockTime();
    List<SignedReading> violations = List.of(
        signed(device, ROOM, 1, t, 21.5),
        signed(device, ROOM, 2, t),
        signed(device, ROOM, 3, t, 21.5, 45.0, 1.0),
        signed(device, ROOM, 4, t, -40.000001, 45.0),
        signed(device, ROOM, 5, t, 85.000001, 45.0),
        signed(device, ROOM, 6, t, 21.5, -0.1),
        signed(device, ROOM, 7, t, 21.5, 100.1),
        signed(device, ROOM, 8, t, Double.NaN, 45.0),
        signed(device, ROOM, 9, t, 21.5, Double.POSITIVE_INFINITY),
        signed(device, ROOM, 10, t, Double.NEGATIVE_INFINITY, 45.0));
    SignedReading lowest = signed(device, ROOM, 11, t, -40, 0);
    SignedReading highest = signed(device, ROOM, 12, t, 85, 100);
    List<SignedReading> batch = new ArrayList<>(violations);
    batch.add(lowest);
    batch.add(highest);

    TxResult result = submit(ROOM, batch.toArray(SignedReading[]::new));

    List<Verdict> expected = new ArrayList<>(Collections.nCopies(violations.size(), SCHEMA_VIOLATION));
    expected.add(LEGAL);
    expected.add(LEGAL);
    assertThat(TestChain.verdicts(result)).isEqualTo(expected);
    for (SignedReading v : violations) {
      assertEvidenceOnly(ROOM, v, device.id().value(), SCHEMA_VIOLATION);
    }
    assertData(lowest, result, 10);
    assertData(highest, result, 11);
    assertThat(stats(ROOM, device.id().value())).isEqualTo(Map.of("LEGAL", 2L, "SCHEMA_VIOLATION", 10L));
    assertThat(lastSequence(ROOM, device)).isEqualTo(12);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void submit_sameSignedReadingInLaterBatch_duplicateNotReplayed(SigningKey device) {
    SignedReading r = signed(device, ROOM, 1, blockTime(), 21.5, 45.0);
    TxResult first = submit(ROOM, r);

    TxResult again = submit(ROOM, r);

    assertThat(TestChain.verdicts(first)).containsExactly(LEGAL);
    assertThat(TestChain.verdicts(again)).containsExactly(DUPLICATE);
    StoredReading stored = StreamsState.readingByDigest(chain.streams(), TestChain.digest(r).bytes()).orElseThrow();
    assertThat(stored.getTxId()).isEqualTo(first.getTxId());
    assertThat(data(ROOM)).hasSize(1);
    assertThat(evidence(ROOM)).singleElement().satisfies(e -> {
      assertThat(e.getVerdict()).isEqualTo(DUPLICATE);
      assertThat(e.getDigest().toByteArray()).isEqualTo(TestChain.digest(r).bytes());
      assertThat(e.getTxId()).isEqualTo(again.getTxId());
    });
    assertThat(stats(ROOM, device.id().value())).isEqualTo(Map.of("LEGAL", 1L, "DUPLICATE", 1L));
    assertThat(lastSequence(ROOM, device)).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("devices")
  void submit_sameSignedReadingTwiceInOneBatch_secondDuplicate(SigningKey device) {
    SignedReading r = signed(device, ROOM, 1, blockTime(), 21.5, 45.0);

    TxResult result = submit(ROOM, r, r);

    assertThat(TestChain.verdicts(result)).containsExactly(LEGAL, DUPLICATE);
    assertData(r, result, 0);
    assertThat(data(ROOM)).hasSize(1);
    assertThat(evidence(ROOM)).singleElement().satisfies(e -> {
      assertThat(e.getVerdict()).isEqualTo(DUPLICATE);
      assertThat(e.getIndex()).isEqualTo(1);
    });
  }

  @Test
  void submit_sameReadingReencodedWithOtherBytes_replayedSequenceNotData() {
    SignedReading r = signed(ED_DEVICE, ROOM, 1, blockTime(), 21.5, 45.0);
    // The same fields followed by an unknown field: other bytes, so another digest, signed by the device.
    byte[] reencoded = r.getReading().concat(ByteString.copyFrom(new byte[] {(byte) 0x78, 0x01})).toByteArray();
    SignedReading variant = SignedReading.newBuilder()
        .setReading(ByteString.copyFrom(reencoded))
        .setSignature(ByteString.copyFrom(ED_DEVICE.sign(reencoded)))
        .build();
    assertThat(reading(variant).getValuesList()).isEqualTo(reading(r).getValuesList());

    TxResult result = submit(ROOM, r, variant);

    assertThat(TestChain.verdicts(result)).containsExactly(LEGAL, REPLAYED_SEQUENCE);
    assertEvidenceOnly(ROOM, variant, ED_DEVICE.id().value(), REPLAYED_SEQUENCE);
  }

  // ------------------------------------------------------------------ batches

  @Test
  void submit_mixedBatchWithEveryVerdict_oneCommittedTransactionLegalDataIllegalEvidence() {
    long t = blockTime();
    SignedReading edFirst = signed(ED_DEVICE, ROOM, 1, t - 2_000, 21.5, 45.0);
    SignedReading pFirst = signed(P256_DEVICE, ROOM, 1, t - 2_000, 22.5, 44.0);
    List<SignedReading> batch = List.of(
        edFirst,
        pFirst,
        tampered(signed(ED_DEVICE, ROOM, 2, t - 1_000, 21.6, 45.0), b -> b.setValues(0, 35.0)),
        signed(UNREGISTERED_P256, ROOM, 1, t, 21.5, 45.0),
        signed(REVOKED, ROOM, 1, t, 21.5, 45.0),
        signed(ROOM_2_DEVICE, ROOM, 1, t, 21.5, 45.0),
        signed(P256_DEVICE, ROOM, 1, t - 1_000, 22.6, 44.0),
        signed(ED_DEVICE, ROOM, 3, t - WINDOW_MILLIS - 1, 21.6, 45.0),
        signed(P256_DEVICE, ROOM, 2, t - 1_000, 22.6, 144.0),
        edFirst,
        signed(ED_DEVICE, ROOM, 4, t, 21.7, 45.1),
        signed(P256_DEVICE, ROOM, 3, t, 22.7, 44.1));

    byte[] tx = TestChain.submit(GATEWAY, chain.nextNonce(GATEWAY), ROOM, batch);
    List<TxResult> results = chain.commitResults(tx);

    assertThat(results).hasSize(1);
    TxResult result = results.get(0);
    assertThat(result.getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(TestChain.verdicts(result)).containsExactly(
        LEGAL, LEGAL, BAD_SIGNATURE, UNKNOWN_DEVICE, REVOKED_DEVICE, WRONG_STREAM, REPLAYED_SEQUENCE,
        TIME_OUT_OF_WINDOW, SCHEMA_VIOLATION, DUPLICATE, LEGAL, LEGAL);
    assertThat(chain.ledger.transaction(TestChain.txId(tx)).orElseThrow().result()).isEqualTo(result);

    assertData(batch.get(0), result, 0);
    assertData(batch.get(1), result, 1);
    assertData(batch.get(10), result, 10);
    assertData(batch.get(11), result, 11);
    assertThat(data(ROOM)).extracting(StoredReading::getIndex).containsExactlyInAnyOrder(0, 1, 10, 11);

    List<Evidence> evidence = evidence(ROOM);
    assertThat(evidence).extracting(Evidence::getIndex).containsExactly(2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(evidence).extracting(Evidence::getVerdict).containsExactly(
        BAD_SIGNATURE, UNKNOWN_DEVICE, REVOKED_DEVICE, WRONG_STREAM, REPLAYED_SEQUENCE, TIME_OUT_OF_WINDOW, SCHEMA_VIOLATION, DUPLICATE);
    assertThat(evidence).extracting(Evidence::getClaimedDevice).containsExactly(
        ED_DEVICE.id().value(), UNREGISTERED_P256.id().value(), REVOKED.id().value(), ROOM_2_DEVICE.id().value(),
        P256_DEVICE.id().value(), ED_DEVICE.id().value(), P256_DEVICE.id().value(), ED_DEVICE.id().value());
    for (Evidence e : evidence) {
      assertThat(e.getDigest().toByteArray()).isEqualTo(TestChain.digest(batch.get(e.getIndex())).bytes());
      assertThat(e.getTxId()).isEqualTo(result.getTxId());
    }

    Map<String, Map<String, Long>> expectedStats = new TreeMap<>();
    expectedStats.put(ED_DEVICE.id().value(), Map.of("LEGAL", 2L, "BAD_SIGNATURE", 1L, "TIME_OUT_OF_WINDOW", 1L, "DUPLICATE", 1L));
    expectedStats.put(P256_DEVICE.id().value(), Map.of("LEGAL", 2L, "REPLAYED_SEQUENCE", 1L, "SCHEMA_VIOLATION", 1L));
    expectedStats.put(UNREGISTERED_P256.id().value(), Map.of("UNKNOWN_DEVICE", 1L));
    expectedStats.put(REVOKED.id().value(), Map.of("REVOKED_DEVICE", 1L));
    expectedStats.put(ROOM_2_DEVICE.id().value(), Map.of("WRONG_STREAM", 1L));
    assertThat(StreamsState.stats(chain.streams(), ROOM)).isEqualTo(expectedStats);
    assertThat(lastSequence(ROOM, ED_DEVICE)).isEqualTo(4);
    assertThat(lastSequence(ROOM, P256_DEVICE)).isEqualTo(3);
  }

  @Test
  void submit_statsAcrossBatches_accumulate() {
    long t = blockTime();
    submit(ROOM, signed(ED_DEVICE, ROOM, 1, t, 21.5, 45.0), signed(ED_DEVICE, ROOM, 2, t, 99.0, 45.0));
    submit(ROOM, signed(ED_DEVICE, ROOM, 3, t, 21.5, 45.0), signed(ED_DEVICE, ROOM, 4, t, 99.0, 45.0), signed(ED_DEVICE, ROOM, 5, t, 21.5, 45.0));

    assertThat(stats(ROOM, ED_DEVICE.id().value())).isEqualTo(Map.of("LEGAL", 3L, "SCHEMA_VIOLATION", 2L));
    assertThat(data(ROOM)).extracting(StoredReading::getSequence).containsExactly(1L, 3L, 5L);
    assertThat(lastSequence(ROOM, ED_DEVICE)).isEqualTo(5);
  }

  @Test
  void submit_unknownStream_failedUnknownStreamNothingStored() {
    SignedReading r = signed(ED_DEVICE, "nowhere", 1, blockTime(), 21.5, 45.0);

    TxResult result = submit("nowhere", r);

    TestChain.assertFailed(result, "UNKNOWN_STREAM");
    assertThat(evidence("nowhere")).isEmpty();
    assertThat(StreamsState.stats(chain.streams(), "nowhere")).isEmpty();
    assertThat(StreamsState.readingByDigest(chain.streams(), TestChain.digest(r).bytes())).isEmpty();
  }

  // ------------------------------------------------------------------ batches refused at admission

  private byte[] submitTx(SubmitReadings batch) {
    return TestChain.tx(GATEWAY, chain.nextNonce(GATEWAY), Streams.NAME, "submit", batch);
  }

  @Test
  void admit_batchWithReadingBytesThatAreNotAReading_badArgumentsNothingChanged() {
    long t = blockTime();
    SignedReading garbage = SignedReading.newBuilder()
        .setReading(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}))
        .setSignature(ByteString.copyFrom(new byte[64]))
        .build();
    // A Reading whose values field claims more bytes than follow.
    byte[] valid = TestChain.reading(ROOM, ED_DEVICE, 2, t, 21.5, 45.0).toByteArray();
    byte[] truncated = Arrays.copyOf(valid, valid.length - 3);
    SignedReading cut = TestChain.signed(ED_DEVICE, TestChain.reading(ROOM, ED_DEVICE, 2, t, 21.5, 45.0)).toBuilder()
        .setReading(ByteString.copyFrom(truncated)).build();
    SignedReading legal = signed(ED_DEVICE, ROOM, 1, t, 21.5, 45.0);

    chain.rejected(submitTx(TestChain.batch(ROOM, List.of(legal, garbage))), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(submitTx(TestChain.batch(ROOM, List.of(legal, cut))), RejectionCode.BAD_ARGUMENTS);
    assertThat(StreamsState.readingByDigest(chain.streams(), TestChain.digest(legal).bytes())).isEmpty();
    assertThat(chain.ledger.admit(submitTx(TestChain.batch(ROOM, List.of(legal)))).accepted()).isTrue();
  }

  @Test
  void admit_batchOfMaxPlusOneReadings_badArgumentsButMaxAdmitted() {
    long t = blockTime();
    List<SignedReading> readings = new ArrayList<>();
    SignedReading one = signed(ED_DEVICE, ROOM, 1, t, 21.5, 45.0);
    for (int i = 0; i <= Streams.MAX_BATCH; i++) {
      readings.add(one);
    }
    byte[] tooMany = submitTx(TestChain.batch(ROOM, readings));
    byte[] most = submitTx(TestChain.batch(ROOM, readings.subList(0, Streams.MAX_BATCH)));
    assertThat(tooMany.length).isLessThan(TestChain.STREAMS_MAX_TX_BYTES);

    chain.rejected(tooMany, RejectionCode.BAD_ARGUMENTS);
    assertThat(chain.ledger.admit(most).accepted()).isTrue();
  }

  @Test
  void admit_emptyBatchOrArgumentsNotABatchOrBadStreamId_badArgumentsNothingChanged() {
    SignedReading legal = signed(ED_DEVICE, ROOM, 1, blockTime(), 21.5, 45.0);

    chain.rejected(submitTx(TestChain.batch(ROOM, List.of())), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(submitTx(TestChain.batch("Room 1", List.of(legal))), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(TestChain.rawCall(GATEWAY, chain.nextNonce(GATEWAY), Streams.NAME, "submit", new byte[] {(byte) 0xff}),
        RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void admit_refusedBatch_nothingInTheStoreChangesAndNonceNotSpent() {
    Map<Column, TreeMap<String, String>> before = chain.snapshot();
    long nonce = chain.nextNonce(GATEWAY);

    assertThat(chain.ledger.admit(submitTx(TestChain.batch(ROOM, List.of()))).accepted()).isFalse();

    assertThat(chain.snapshot()).isEqualTo(before);
    assertThat(chain.nextNonce(GATEWAY)).isEqualTo(nonce);
  }
}
