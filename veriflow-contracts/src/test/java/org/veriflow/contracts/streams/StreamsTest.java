package org.veriflow.contracts.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;

import org.veriflow.contracts.TestChain;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.DeviceRecord;
import org.veriflow.protocol.proto.streams.DeviceStatus;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.RegisterDevice;
import org.veriflow.protocol.proto.streams.RevokeDevice;
import org.veriflow.protocol.proto.streams.StreamRecord;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.store.Column;

/**
 * The streams contract's administration: creating a stream with a schema, registering devices by
 * their own keys into it, and revoking them. Refusals that need no state are admission rejections
 * that change nothing; the others are failed transactions that leave the first record in place.
 */
class StreamsTest {
  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey OTHER_ORG = TestChain.key(20);
  private static final SigningKey MEMBER = TestChain.key(11);
  private static final SigningKey ED_DEVICE = TestChain.key(30);
  private static final SigningKey P256_DEVICE = TestChain.p256Key(31);
  private static final String ROOM = "room-1";

  private TestChain chain;

  @BeforeEach
  void chainWithTwoOrganisationsAndAMember() {
    chain = TestChain.openWithStreams();
    chain.commit(
        TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"),
        TestChain.register(ADMIN, 1, OTHER_ORG.publicKey(), IdentityKind.ORGANISATION, "bank"));
    chain.commit(TestChain.register(ORG, 0, MEMBER.publicKey(), IdentityKind.MEMBER, "alice"));
    assertThat(chain.ledger.head().height()).isEqualTo(2);
  }

  @AfterEach
  void close() {
    chain.close();
  }

  private TxResult commitOne(byte[] tx) {
    List<TxResult> results = chain.commitResults(tx);
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  private void createRoom() {
    assertThat(commitOne(TestChain.createStream(ORG, chain.nextNonce(ORG), TestChain.roomStream(ROOM, 60_000))).getStatus())
        .isEqualTo(TxStatus.COMMITTED);
  }

  private TxResult registerDevice(SigningKey owner, String stream, SigningKey device) {
    return commitOne(TestChain.registerDevice(owner, chain.nextNonce(owner), stream, device.publicKey(), "sensor"));
  }

  private byte[] create(SigningKey sender, CreateStream args) {
    return TestChain.createStream(sender, chain.nextNonce(sender), args);
  }

  // ------------------------------------------------------------------ create

  @Test
  void create_byOrganisation_storedWithOwnerSchemaWindowAndHeight() {
    CreateStream args = TestChain.roomStream(ROOM, 60_000);

    TxResult result = commitOne(create(ORG, args));

    assertThat(result.getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(result.getEventsList()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("stream_created");
      assertThat(e.getData().toStringUtf8()).isEqualTo(ROOM);
    });
    StreamRecord s = StreamsState.stream(chain.streams(), ROOM).orElseThrow();
    assertThat(s.getStreamId()).isEqualTo(ROOM);
    assertThat(s.getOwner()).isEqualTo(ORG.id().value());
    assertThat(s.getDescription()).isEqualTo(args.getDescription());
    assertThat(s.getFieldsList()).isEqualTo(args.getFieldsList());
    assertThat(s.getSamplingIntervalMillis()).isEqualTo(30_000);
    assertThat(s.getTimeWindowMillis()).isEqualTo(60_000);
    assertThat(s.getCreatedHeight()).isEqualTo(3);
    assertThat(StreamsState.devices(chain.streams(), ROOM)).isEmpty();
  }

  @Test
  void create_byAdministrator_notAuthorisedAtAdmission() {
    chain.rejected(create(ADMIN, TestChain.roomStream(ROOM, 0)), RejectionCode.NOT_AUTHORISED);
  }

  @Test
  void create_byMember_notAuthorisedAtAdmission() {
    chain.rejected(create(MEMBER, TestChain.roomStream(ROOM, 0)), RejectionCode.NOT_AUTHORISED);
  }

  @Test
  void create_existingIdByAnotherOrganisation_failedStreamExistsFirstKept() {
    createRoom();
    CreateStream impostor = TestChain.roomStream(ROOM, 0).toBuilder().setDescription("impostor").build();

    TxResult result = commitOne(create(OTHER_ORG, impostor));

    TestChain.assertFailed(result, "STREAM_EXISTS");
    StreamRecord s = StreamsState.stream(chain.streams(), ROOM).orElseThrow();
    assertThat(s.getOwner()).isEqualTo(ORG.id().value());
    assertThat(s.getDescription()).isEqualTo("room " + ROOM);
  }

  @Test
  void create_sameIdTwiceInOneBlock_secondFailsStreamExists() {
    List<TxResult> results = chain.commitResults(
        TestChain.createStream(ORG, 1, TestChain.roomStream(ROOM, 0)),
        TestChain.createStream(OTHER_ORG, 0, TestChain.roomStream(ROOM, 5)));

    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    TestChain.assertFailed(results.get(1), "STREAM_EXISTS");
    assertThat(StreamsState.stream(chain.streams(), ROOM).orElseThrow().getOwner()).isEqualTo(ORG.id().value());
  }

  /** The room stream with its first field changed by {@code change}. */
  private static CreateStream withFirstField(UnaryOperator<FieldSpec.Builder> change) {
    CreateStream room = TestChain.roomStream(ROOM, 0);
    return room.toBuilder().setFields(0, change.apply(room.getFields(0).toBuilder())).build();
  }

  @Test
  void create_invalidSchemas_eachBadArgumentsAtAdmission() {
    CreateStream room = TestChain.roomStream(ROOM, 0);
    Map<String, CreateStream> invalid = new TreeMap<>();
    invalid.put("no fields", room.toBuilder().clearFields().build());
    invalid.put("33 fields", room.toBuilder().clearFields().addAllFields(java.util.stream.IntStream.range(0, 33)
        .mapToObj(i -> TestChain.field("f" + i, "", 0, 1, 0)).toList()).build());
    invalid.put("duplicate field names", room.toBuilder().addFields(room.getFields(0)).build());
    invalid.put("upper-case field name", withFirstField(f -> f.setName("Temperature")));
    invalid.put("empty field name", withFirstField(f -> f.setName("")));
    invalid.put("min above max", withFirstField(f -> f.setMin(10).setMax(9.999)));
    invalid.put("NaN min", withFirstField(f -> f.setMin(Double.NaN)));
    invalid.put("NaN max", withFirstField(f -> f.setMax(Double.NaN)));
    invalid.put("infinite max", withFirstField(f -> f.setMax(Double.POSITIVE_INFINITY)));
    invalid.put("10 decimals", withFirstField(f -> f.setDecimals(10)));
    invalid.put("2^32 - 1 decimals", withFirstField(f -> f.setDecimals(-1)));
    invalid.put("2^31 decimals", withFirstField(f -> f.setDecimals(Integer.MIN_VALUE)));
    invalid.put("unit of 33 characters", withFirstField(f -> f.setUnit("u".repeat(33))));
    invalid.put("zero sampling interval", room.toBuilder().setSamplingIntervalMillis(0).build());
    invalid.put("description of 513 characters", room.toBuilder().setDescription("d".repeat(513)).build());
    invalid.put("empty stream id", room.toBuilder().setStreamId("").build());
    invalid.put("upper-case stream id", room.toBuilder().setStreamId("Room-1").build());
    invalid.put("stream id with '/'", room.toBuilder().setStreamId("room/1").build());
    invalid.put("stream id starting with '-'", room.toBuilder().setStreamId("-room").build());
    invalid.put("stream id of 64 characters", room.toBuilder().setStreamId("r".repeat(64)).build());

    Map<Column, TreeMap<String, String>> before = chain.snapshot();
    for (Map.Entry<String, CreateStream> c : invalid.entrySet()) {
      Rejection r = chain.ledger.admit(create(ORG, c.getValue())).rejection();
      assertThat(r).as(c.getKey()).isNotNull();
      assertThat(r.code()).as(c.getKey()).isEqualTo(RejectionCode.BAD_ARGUMENTS);
      assertThat(r.message()).as(c.getKey()).isNotBlank();
    }
    assertThat(chain.snapshot()).isEqualTo(before);
    chain.rejected(TestChain.rawCall(ORG, chain.nextNonce(ORG), Streams.NAME, "create", new byte[] {(byte) 0xff}),
        RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void create_schemaAtEveryBoundary_admittedAndCommitted() {
    CreateStream edge = TestChain.roomStream("r".repeat(63), 0).toBuilder()
        .setFields(0, TestChain.field("t", "u".repeat(32), -1.5, -1.5, 9))
        .setDescription("d".repeat(512))
        .setSamplingIntervalMillis(1)
        .build();

    assertThat(commitOne(create(ORG, edge)).getStatus()).isEqualTo(TxStatus.COMMITTED);

    assertThat(StreamsState.stream(chain.streams(), "r".repeat(63)).orElseThrow().getFields(0).getDecimals()).isEqualTo(9);
  }

  // ------------------------------------------------------------------ register_device

  @Test
  void registerDevice_ed25519AndP256ByOwner_activeRecordsUnderTheirKeyIds() {
    createRoom();

    TxResult ed = registerDevice(ORG, ROOM, ED_DEVICE);
    TxResult p256 = registerDevice(ORG, ROOM, P256_DEVICE);

    assertThat(ed.getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(ed.getOutput().toString(StandardCharsets.UTF_8)).isEqualTo(ED_DEVICE.id().value());
    assertThat(ed.getEvents(0).getName()).isEqualTo("device_registered");
    assertThat(p256.getOutput().toString(StandardCharsets.UTF_8)).isEqualTo(P256_DEVICE.id().value());
    DeviceRecord e = StreamsState.device(chain.streams(), ROOM, ED_DEVICE.id().value()).orElseThrow();
    assertThat(e.getStreamId()).isEqualTo(ROOM);
    assertThat(e.getPublicKey().toByteArray()).isEqualTo(ED_DEVICE.publicKey().encoded());
    assertThat(e.getAlgorithm()).isEqualTo(KeyAlgorithm.ED25519);
    assertThat(e.getStatus()).isEqualTo(DeviceStatus.DEVICE_ACTIVE);
    assertThat(e.getLastSequence()).isZero();
    assertThat(e.getRegisteredHeight()).isEqualTo(4);
    DeviceRecord p = StreamsState.device(chain.streams(), ROOM, P256_DEVICE.id().value()).orElseThrow();
    assertThat(p.getAlgorithm()).isEqualTo(KeyAlgorithm.P256);
    assertThat(p.getPublicKey().size()).isEqualTo(33);
    assertThat(p.getRegisteredHeight()).isEqualTo(5);
    assertThat(StreamsState.devices(chain.streams(), ROOM)).extracting(DeviceRecord::getDeviceId)
        .containsExactlyInAnyOrder(ED_DEVICE.id().value(), P256_DEVICE.id().value())
        .isSorted();
  }

  @Test
  void registerDevice_byAnotherOrganisationOrMemberOrAdministrator_notAuthorisedAtAdmission() {
    createRoom();
    for (SigningKey sender : List.of(OTHER_ORG, MEMBER, ADMIN)) {
      chain.rejected(TestChain.registerDevice(sender, chain.nextNonce(sender), ROOM, ED_DEVICE.publicKey(), "x"),
          RejectionCode.NOT_AUTHORISED);
    }
    assertThat(chain.ledger.admit(TestChain.registerDevice(ORG, chain.nextNonce(ORG), ROOM, ED_DEVICE.publicKey(), "x")).accepted())
        .isTrue();
  }

  @Test
  void registerDevice_unknownStream_failedUnknownStream() {
    TxResult result = registerDevice(ORG, "no-such-room", ED_DEVICE);

    TestChain.assertFailed(result, "UNKNOWN_STREAM");
    assertThat(StreamsState.device(chain.streams(), "no-such-room", ED_DEVICE.id().value())).isEmpty();
  }

  @Test
  void registerDevice_alreadyInAnotherStream_failedDeviceExistsFirstKept() {
    createRoom();
    assertThat(registerDevice(ORG, ROOM, ED_DEVICE).getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(commitOne(TestChain.createStream(OTHER_ORG, 0, TestChain.roomStream("vault", 0))).getStatus())
        .isEqualTo(TxStatus.COMMITTED);

    TxResult elsewhere = registerDevice(OTHER_ORG, "vault", ED_DEVICE);
    TxResult again = registerDevice(ORG, ROOM, ED_DEVICE);

    TestChain.assertFailed(elsewhere, "DEVICE_EXISTS");
    assertThat(elsewhere.getMessage()).contains(ROOM);
    TestChain.assertFailed(again, "DEVICE_EXISTS");
    assertThat(StreamsState.device(chain.streams(), "vault", ED_DEVICE.id().value())).isEmpty();
    assertThat(StreamsState.device(chain.streams(), ROOM, ED_DEVICE.id().value()).orElseThrow().getRegisteredHeight()).isEqualTo(4);
  }

  @Test
  void registerDevice_invalidKeys_badArgumentsAtAdmission() {
    createRoom();
    RegisterDevice good = TestChain.deviceArgs(ROOM, P256_DEVICE.publicKey(), "sensor");
    // x = 1: 1 - 3 + b is not a square modulo p, so no point of P-256 has this x.
    byte[] notOnCurve = new byte[33];
    notOnCurve[0] = 0x02;
    notOnCurve[32] = 0x01;
    Map<String, RegisterDevice> invalid = new TreeMap<>();
    invalid.put("P-256 key of 32 bytes", good.toBuilder().setPublicKey(ByteString.copyFrom(new byte[32])).build());
    invalid.put("P-256 point not on the curve", good.toBuilder().setPublicKey(ByteString.copyFrom(notOnCurve)).build());
    invalid.put("Ed25519 key declared P-256",
        TestChain.deviceArgs(ROOM, ED_DEVICE.publicKey(), "sensor").toBuilder().setAlgorithm(KeyAlgorithm.P256).build());
    invalid.put("no algorithm", good.toBuilder().setAlgorithm(KeyAlgorithm.KEY_ALGORITHM_UNSPECIFIED).build());
    invalid.put("empty key", good.toBuilder().setPublicKey(ByteString.EMPTY).build());
    invalid.put("name of 129 characters", good.toBuilder().setName("n".repeat(129)).build());
    invalid.put("bad stream id", good.toBuilder().setStreamId("Room 1").build());

    Map<Column, TreeMap<String, String>> before = chain.snapshot();
    for (Map.Entry<String, RegisterDevice> c : invalid.entrySet()) {
      Rejection r = chain.ledger.admit(TestChain.tx(ORG, chain.nextNonce(ORG), Streams.NAME, "register_device", c.getValue())).rejection();
      assertThat(r).as(c.getKey()).isNotNull();
      assertThat(r.code()).as(c.getKey()).isEqualTo(RejectionCode.BAD_ARGUMENTS);
      assertThat(r.message()).as(c.getKey()).isNotBlank();
    }
    assertThat(chain.snapshot()).isEqualTo(before);
    assertThat(chain.ledger.admit(TestChain.tx(ORG, chain.nextNonce(ORG), Streams.NAME, "register_device", good)).accepted()).isTrue();
  }

  // ------------------------------------------------------------------ revoke_device

  @Test
  void revokeDevice_byOwner_revokedWithHeightAndReasonOthersUntouched() {
    createRoom();
    registerDevice(ORG, ROOM, ED_DEVICE);
    registerDevice(ORG, ROOM, P256_DEVICE);

    TxResult result = commitOne(TestChain.revokeDevice(ORG, chain.nextNonce(ORG), ROOM, P256_DEVICE.id().value(), "lost"));

    assertThat(result.getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(result.getEvents(0).getName()).isEqualTo("device_revoked");
    DeviceRecord revoked = StreamsState.device(chain.streams(), ROOM, P256_DEVICE.id().value()).orElseThrow();
    assertThat(revoked.getStatus()).isEqualTo(DeviceStatus.DEVICE_REVOKED);
    assertThat(revoked.getRevokedHeight()).isEqualTo(chain.ledger.head().height());
    assertThat(revoked.getRevocationReason()).isEqualTo("lost");
    assertThat(revoked.getPublicKey().toByteArray()).isEqualTo(P256_DEVICE.publicKey().encoded());
    assertThat(StreamsState.device(chain.streams(), ROOM, ED_DEVICE.id().value()).orElseThrow().getStatus())
        .isEqualTo(DeviceStatus.DEVICE_ACTIVE);
  }

  @Test
  void revokeDevice_twice_failedAlreadyRevokedFirstRevocationKept() {
    createRoom();
    registerDevice(ORG, ROOM, ED_DEVICE);
    commitOne(TestChain.revokeDevice(ORG, chain.nextNonce(ORG), ROOM, ED_DEVICE.id().value(), "lost"));
    long revokedAt = chain.ledger.head().height();

    TxResult again = commitOne(TestChain.revokeDevice(ORG, chain.nextNonce(ORG), ROOM, ED_DEVICE.id().value(), "stolen"));

    TestChain.assertFailed(again, "ALREADY_REVOKED");
    DeviceRecord d = StreamsState.device(chain.streams(), ROOM, ED_DEVICE.id().value()).orElseThrow();
    assertThat(d.getRevokedHeight()).isEqualTo(revokedAt);
    assertThat(d.getRevocationReason()).isEqualTo("lost");
  }

  @Test
  void revokeDevice_registeredRevokedDevice_cannotBeRegisteredAgain() {
    createRoom();
    registerDevice(ORG, ROOM, ED_DEVICE);
    commitOne(TestChain.revokeDevice(ORG, chain.nextNonce(ORG), ROOM, ED_DEVICE.id().value(), "compromised"));

    TestChain.assertFailed(registerDevice(ORG, ROOM, ED_DEVICE), "DEVICE_EXISTS");
    assertThat(StreamsState.device(chain.streams(), ROOM, ED_DEVICE.id().value()).orElseThrow().getStatus())
        .isEqualTo(DeviceStatus.DEVICE_REVOKED);
  }

  @Test
  void revokeDevice_unregisteredOrOtherStreamsDevice_failedUnknownDevice() {
    createRoom();
    commitOne(TestChain.createStream(ORG, chain.nextNonce(ORG), TestChain.roomStream("room-2", 0)));
    registerDevice(ORG, "room-2", P256_DEVICE);

    TxResult unregistered = commitOne(TestChain.revokeDevice(ORG, chain.nextNonce(ORG), ROOM, ED_DEVICE.id().value(), "x"));
    TxResult otherStream = commitOne(TestChain.revokeDevice(ORG, chain.nextNonce(ORG), ROOM, P256_DEVICE.id().value(), "x"));

    TestChain.assertFailed(unregistered, "UNKNOWN_DEVICE");
    TestChain.assertFailed(otherStream, "UNKNOWN_DEVICE");
    assertThat(StreamsState.device(chain.streams(), "room-2", P256_DEVICE.id().value()).orElseThrow().getStatus())
        .isEqualTo(DeviceStatus.DEVICE_ACTIVE);
  }

  @Test
  void revokeDevice_unknownStream_failedUnknownStream() {
    TestChain.assertFailed(commitOne(TestChain.revokeDevice(ORG, chain.nextNonce(ORG), "nowhere", ED_DEVICE.id().value(), "x")),
        "UNKNOWN_STREAM");
  }

  @Test
  void revokeDevice_byAnotherOrganisationOrMember_notAuthorisedAtAdmission() {
    createRoom();
    registerDevice(ORG, ROOM, ED_DEVICE);
    for (SigningKey sender : List.of(OTHER_ORG, MEMBER)) {
      chain.rejected(TestChain.revokeDevice(sender, chain.nextNonce(sender), ROOM, ED_DEVICE.id().value(), "hostile"),
          RejectionCode.NOT_AUTHORISED);
    }
    assertThat(StreamsState.device(chain.streams(), ROOM, ED_DEVICE.id().value()).orElseThrow().getStatus())
        .isEqualTo(DeviceStatus.DEVICE_ACTIVE);
  }

  @Test
  void revokeDevice_malformedDeviceIdOrLongReason_badArgumentsAtAdmission() {
    createRoom();
    registerDevice(ORG, ROOM, ED_DEVICE);
    RevokeDevice good = RevokeDevice.newBuilder().setStreamId(ROOM).setDeviceId(ED_DEVICE.id().value()).setReason("r".repeat(256)).build();

    chain.rejected(TestChain.tx(ORG, chain.nextNonce(ORG), Streams.NAME, "revoke_device", good.toBuilder().setDeviceId("sensor-1").build()),
        RejectionCode.BAD_ARGUMENTS);
    chain.rejected(TestChain.tx(ORG, chain.nextNonce(ORG), Streams.NAME, "revoke_device", good.toBuilder().setReason("r".repeat(257)).build()),
        RejectionCode.BAD_ARGUMENTS);
    assertThat(chain.ledger.admit(TestChain.tx(ORG, chain.nextNonce(ORG), Streams.NAME, "revoke_device", good)).accepted()).isTrue();
  }

  @Test
  void failedCalls_streamExistsDeviceExistsUnknownDevice_streamsNamespaceUnchanged() {
    createRoom();
    registerDevice(ORG, ROOM, ED_DEVICE);
    Map<String, String> before = streamsState();

    TestChain.assertFailed(commitOne(create(OTHER_ORG, TestChain.roomStream(ROOM, 1))), "STREAM_EXISTS");
    TestChain.assertFailed(registerDevice(ORG, ROOM, ED_DEVICE), "DEVICE_EXISTS");
    TestChain.assertFailed(commitOne(TestChain.revokeDevice(ORG, chain.nextNonce(ORG), ROOM, P256_DEVICE.id().value(), "x")),
        "UNKNOWN_DEVICE");

    assertThat(streamsState()).isEqualTo(before);
  }

  /** The STATE column entries of the streams namespace, as hex. */
  private Map<String, String> streamsState() {
    String prefix = java.util.HexFormat.of().formatHex(TestChain.stateKey(Streams.NAME, ""));
    Map<String, String> out = new TreeMap<>(chain.snapshot().get(Column.STATE));
    out.keySet().removeIf(k -> !k.startsWith(prefix));
    assertThat(out).isNotEmpty();
    return out;
  }
}
