package org.veriflow.contracts.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;

import org.veriflow.contracts.TestChain;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.Verdict;
import org.veriflow.ledger.store.Column;

/**
 * Signatures of a batch are checked in parallel, yet verdicts must not depend on the number of
 * threads: the same seeded mixed batches, executed by ledgers whose streams contract checks on 1, 4
 * and all cores, give the expected verdicts, the same results, the same block headers byte for byte
 * (so the same state hash) and the same store.
 */
class ReadingVerdictsThreadsTest {
  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey GATEWAY = TestChain.key(12);
  private static final List<SigningKey> DEVICES = List.of(
      TestChain.key(50), TestChain.key(51), TestChain.key(52),
      TestChain.p256Key(50), TestChain.p256Key(51), TestChain.p256Key(52));
  private static final SigningKey REVOKED = TestChain.key(53);
  private static final SigningKey ROOM_2_DEVICE = TestChain.key(54);
  private static final SigningKey UNREGISTERED = TestChain.p256Key(55);
  private static final String ROOM = "room-1";
  private static final long WINDOW_MILLIS = 60_000;
  private static final int FIRST_BATCH = 320;
  private static final int SECOND_BATCH = 80;

  private static ForkJoinPool onePool;
  private static ForkJoinPool fourPool;

  @BeforeAll
  static void pools() {
    onePool = new ForkJoinPool(1);
    fourPool = new ForkJoinPool(4);
  }

  @AfterAll
  static void shutdownPools() {
    onePool.shutdownNow();
    fourPool.shutdownNow();
  }

  /** Batches of readings with the verdict each must get, built from a seed. */
  private record Batches(List<List<SignedReading>> readings, List<List<Verdict>> expected) {}

  /**
   * Seeded batches mixing every verdict, with verdicts that depend on earlier readings of the same
   * batch (duplicates, replayed sequences) and of the previous batch.
   */
  private static Batches batches(long firstBlockMillis, long secondBlockMillis) throws InvalidProtocolBufferException {
    SplittableRandom random = new SplittableRandom(20_240_917);
    Map<SigningKey, Long> nextSequence = new java.util.HashMap<>();
    Map<SigningKey, List<SignedReading>> legal = new java.util.HashMap<>();
    DEVICES.forEach(d -> {
      nextSequence.put(d, 1L);
      legal.put(d, new ArrayList<>());
    });
    List<List<SignedReading>> readings = new ArrayList<>();
    List<List<Verdict>> expected = new ArrayList<>();
    long[] blockTimes = {firstBlockMillis, secondBlockMillis};
    int[] sizes = {FIRST_BATCH, SECOND_BATCH};
    for (int b = 0; b < 2; b++) {
      List<SignedReading> batch = new ArrayList<>();
      List<Verdict> verdicts = new ArrayList<>();
      long t = blockTimes[b];
      for (int i = 0; i < sizes[b]; i++) {
        SigningKey d = DEVICES.get(random.nextInt(DEVICES.size()));
        long seq = nextSequence.get(d);
        double temperature = 18 + random.nextInt(1_000) / 100.0;
        double humidity = 30 + random.nextInt(400) / 10.0;
        long time = t - random.nextLong(WINDOW_MILLIS);
        int kind = random.nextInt(20);
        Verdict v;
        SignedReading r;
        if (kind == 0) {
          v = Verdict.BAD_SIGNATURE;
          r = tampered(TestChain.signed(d, TestChain.reading(ROOM, d, seq, time, temperature, humidity)), temperature + 5);
        } else if (kind == 1) {
          v = Verdict.UNKNOWN_DEVICE;
          r = TestChain.signed(UNREGISTERED, TestChain.reading(ROOM, UNREGISTERED, seq, time, temperature, humidity));
        } else if (kind == 2) {
          v = Verdict.REVOKED_DEVICE;
          r = TestChain.signed(REVOKED, TestChain.reading(ROOM, REVOKED, seq, time, temperature, humidity));
        } else if (kind == 3) {
          v = Verdict.WRONG_STREAM;
          r = TestChain.signed(ROOM_2_DEVICE, TestChain.reading(ROOM, ROOM_2_DEVICE, seq, time, temperature, humidity));
        } else if (kind == 4 && !legal.get(d).isEmpty()) {
          v = Verdict.DUPLICATE;
          r = legal.get(d).get(random.nextInt(legal.get(d).size()));
        } else if (kind == 5 && !legal.get(d).isEmpty()) {
          v = Verdict.REPLAYED_SEQUENCE;
          long lastLegal = Reading.parseFrom(legal.get(d).get(legal.get(d).size() - 1).getReading()).getSequence();
          long old = 1 + random.nextLong(lastLegal);
          r = TestChain.signed(d, TestChain.reading(ROOM, d, old, time, temperature, humidity + 0.05));
        } else if (kind == 6) {
          v = Verdict.TIME_OUT_OF_WINDOW;
          r = TestChain.signed(d, TestChain.reading(ROOM, d, seq, t - WINDOW_MILLIS - 1 - random.nextLong(1_000_000), temperature, humidity));
        } else if (kind == 7) {
          v = Verdict.SCHEMA_VIOLATION;
          r = TestChain.signed(d, TestChain.reading(ROOM, d, seq, time, temperature, humidity + 100));
        } else {
          v = Verdict.LEGAL;
          r = TestChain.signed(d, TestChain.reading(ROOM, d, seq, time, temperature, humidity));
          legal.get(d).add(r);
        }
        if (v != Verdict.DUPLICATE && v != Verdict.REPLAYED_SEQUENCE) {
          // Every fresh reading takes a sequence; an illegal one leaves a gap, which is allowed.
          nextSequence.put(d, seq + 1);
        }
        batch.add(r);
        verdicts.add(v);
      }
      readings.add(batch);
      expected.add(verdicts);
    }
    return new Batches(readings, expected);
  }

  private static SignedReading tampered(SignedReading r, double temperature) {
    try {
      Reading altered = Reading.parseFrom(r.getReading()).toBuilder().setValues(0, temperature).build();
      return r.toBuilder().setReading(altered.toByteString()).build();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /** What one ledger computed: verdicts per batch, every block's header bytes and results, the store. */
  private record Run(List<List<Verdict>> verdicts, List<byte[]> headers, List<List<TxResult>> results,
      Map<Column, TreeMap<String, String>> store) {}

  private static Run run(Streams streams) throws InvalidProtocolBufferException {
    try (TestChain chain = TestChain.openWithStreams(streams)) {
      chain.commit(TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"));
      chain.commit(
          TestChain.register(ORG, 0, GATEWAY.publicKey(), IdentityKind.MEMBER, "gateway"),
          TestChain.createStream(ORG, 1, TestChain.roomStream(ROOM, WINDOW_MILLIS)),
          TestChain.createStream(ORG, 2, TestChain.roomStream("room-2", WINDOW_MILLIS)));
      List<byte[]> devices = new ArrayList<>();
      long nonce = 3;
      for (SigningKey d : DEVICES) {
        devices.add(TestChain.registerDevice(ORG, nonce++, ROOM, d.publicKey(), d.toString()));
      }
      devices.add(TestChain.registerDevice(ORG, nonce++, ROOM, REVOKED.publicKey(), "revoked"));
      devices.add(TestChain.registerDevice(ORG, nonce++, "room-2", ROOM_2_DEVICE.publicKey(), "other room"));
      chain.commit(devices.toArray(byte[][]::new));
      chain.commit(TestChain.revokeDevice(ORG, nonce, ROOM, REVOKED.id().value(), "stolen"));

      long first = chain.nextTimestamp();
      Batches batches = batches(first, first + TestChain.BLOCK_INTERVAL_MILLIS);
      List<List<Verdict>> verdicts = new ArrayList<>();
      for (int b = 0; b < batches.readings().size(); b++) {
        TxResult result = chain.commitResults(TestChain.submit(GATEWAY, b, ROOM, batches.readings().get(b))).get(0);
        verdicts.add(TestChain.verdicts(result));
      }
      assertThat(verdicts).as("verdicts of the seeded batches").isEqualTo(batches.expected());

      List<byte[]> headers = new ArrayList<>();
      List<List<TxResult>> results = new ArrayList<>();
      for (long h = 0; h <= chain.ledger.head().height(); h++) {
        headers.add(chain.ledger.block(h).orElseThrow().block().getHeader().toByteArray());
        results.add(chain.ledger.results(h));
      }
      assertThat(results.get(0)).isEmpty();
      for (List<TxResult> block : results.subList(1, results.size())) {
        assertThat(block).isNotEmpty().extracting(TxResult::getStatus).containsOnly(TxStatus.COMMITTED);
      }
      return new Run(verdicts, headers, results, chain.snapshot());
    }
  }

  @Test
  void seededBatches_built_everyVerdictPresentSomeDependingOnEarlierReadings() throws InvalidProtocolBufferException {
    Batches b = batches(TestChain.GENESIS_MILLIS, TestChain.GENESIS_MILLIS + 1);
    Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
    b.expected().forEach(batch -> batch.forEach(v -> counts.merge(v, 1, Integer::sum)));
    assertThat(counts.keySet()).containsExactlyInAnyOrder(
        Verdict.LEGAL, Verdict.BAD_SIGNATURE, Verdict.UNKNOWN_DEVICE, Verdict.REVOKED_DEVICE, Verdict.WRONG_STREAM,
        Verdict.REPLAYED_SEQUENCE, Verdict.TIME_OUT_OF_WINDOW, Verdict.SCHEMA_VIOLATION, Verdict.DUPLICATE);
    assertThat(counts.get(Verdict.LEGAL)).isGreaterThan(FIRST_BATCH / 2);
    assertThat(b.expected().get(1)).contains(Verdict.DUPLICATE, Verdict.REPLAYED_SEQUENCE);
  }

  @Test
  void submit_oneFourAndAllThreads_sameVerdictsResultsHeadersAndStore() throws InvalidProtocolBufferException {
    Run one = run(new Streams(onePool));
    Run four = run(new Streams(fourPool));
    Run allCores = run(new Streams());

    assertThat(onePool.getParallelism()).isEqualTo(1);
    assertThat(fourPool.getParallelism()).isEqualTo(4);
    for (Run other : List.of(four, allCores)) {
      assertThat(other.verdicts()).isEqualTo(one.verdicts());
      assertThat(other.headers()).hasSameSizeAs(one.headers());
      for (int h = 0; h < one.headers().size(); h++) {
        assertThat(other.headers().get(h)).as("header of block %d", h).isEqualTo(one.headers().get(h));
      }
      assertThat(other.results()).isEqualTo(one.results());
      assertThat(other.store()).isEqualTo(one.store());
    }
  }
}
