package org.veriflow.contracts.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;

import org.veriflow.contracts.TestChain;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.streams.DeviceRecord;
import org.veriflow.protocol.proto.streams.Evidence;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.StoredReading;
import org.veriflow.protocol.proto.streams.Verdict;

/**
 * Queries over the streams state: readings in time, device, sequence order (negative and large
 * times included), paged with opaque cursors, per device, within [from, to); devices; evidence.
 */
class StreamsStateTest {
  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey GATEWAY = TestChain.key(12);
  private static final List<SigningKey> DEVICES = List.of(TestChain.key(60), TestChain.key(61), TestChain.p256Key(62));
  private static final String ARCHIVE = "lab";
  /** Shares {@link #ARCHIVE}'s name as a prefix. */
  private static final String ARCHIVE_2 = "lab-2";
  private static final long[] TIMES = {
      Long.MIN_VALUE, -1_000_000_000_000_000L, -86_400_000, -256, -1, 0, 1, 255, 256,
      1_700_000_000_000L, 4_102_444_800_000L, 1_000_000_000_000_000L, Long.MAX_VALUE - 1};

  private TestChain chain;
  /** Every legal reading of {@link #ARCHIVE}, in the order the chain must list them. */
  private final List<Expected> expected = new ArrayList<>();

  /** A reading the test submitted: its device id, sequence and time. */
  private record Expected(String device, long sequence, long time) {
    static Expected of(StoredReading r) {
      return new Expected(r.getDeviceId(), r.getSequence(), r.getTimestampMillis());
    }
  }

  private static final Comparator<Expected> CHAIN_ORDER =
      Comparator.comparingLong(Expected::time).thenComparing(Expected::device).thenComparingLong(Expected::sequence);

  @BeforeEach
  void archiveWithReadingsAtScatteredTimes() {
    chain = TestChain.openWithStreams();
    chain.commit(TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"));
    chain.commit(
        TestChain.register(ORG, 0, GATEWAY.publicKey(), IdentityKind.MEMBER, "gateway"),
        TestChain.createStream(ORG, 1, TestChain.roomStream(ARCHIVE, 0)),
        TestChain.createStream(ORG, 2, TestChain.roomStream(ARCHIVE_2, 0)));
    long nonce = 3;
    List<byte[]> registrations = new ArrayList<>();
    for (SigningKey d : DEVICES) {
      registrations.add(TestChain.registerDevice(ORG, nonce++, ARCHIVE, d.publicKey(), d.toString()));
    }
    registrations.add(TestChain.registerDevice(ORG, nonce, ARCHIVE_2, TestChain.key(63).publicKey(), "other"));
    chain.commit(registrations.toArray(byte[][]::new));

    // Device d reads at every time but one in four (each time has at least two devices), in a seeded
    // order unrelated to time, with increasing sequences; device 0 reads twice at times 1 and MAX - 1.
    SplittableRandom random = new SplittableRandom(7);
    List<SignedReading> batch = new ArrayList<>();
    for (int d = 0; d < DEVICES.size(); d++) {
      List<Long> times = new ArrayList<>();
      for (int i = 0; i < TIMES.length; i++) {
        if ((i + d) % 4 != 3) {
          times.add(TIMES[i]);
        }
      }
      if (d == 0) {
        times.add(1L);
        times.add(Long.MAX_VALUE - 1);
      }
      for (int i = times.size() - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        times.set(j, times.set(i, times.get(j)));
      }
      long sequence = 1;
      for (long t : times) {
        SigningKey device = DEVICES.get(d);
        batch.add(TestChain.signed(device, TestChain.reading(ARCHIVE, device, sequence, t, 20 + d, 40 + sequence)));
        expected.add(new Expected(device.id().value(), sequence, t));
        sequence++;
      }
    }
    TxResult result = chain.commitResults(TestChain.submit(GATEWAY, 0, ARCHIVE, batch)).get(0);
    assertThat(TestChain.verdicts(result)).hasSize(batch.size()).containsOnly(Verdict.LEGAL);
    SigningKey other = TestChain.key(63);
    TxResult otherResult = chain.commitResults(TestChain.submit(GATEWAY, 1, ARCHIVE_2, List.of(
        TestChain.signed(other, TestChain.reading(ARCHIVE_2, other, 1, -1, 20, 40)),
        TestChain.signed(other, TestChain.reading(ARCHIVE_2, other, 2, 0, 20, 40))))).get(0);
    assertThat(TestChain.verdicts(otherResult)).containsOnly(Verdict.LEGAL);
    expected.sort(CHAIN_ORDER);
    assertThat(expected).hasSizeGreaterThan(30);
  }

  @AfterEach
  void close() {
    chain.close();
  }

  /** Every page of a listing, following cursors; checks each page's size against {@code limit}. */
  private List<List<StoredReading>> pages(String device, long from, long to, int limit) {
    List<List<StoredReading>> pages = new ArrayList<>();
    String cursor = null;
    do {
      StreamsState.ReadingPage page = StreamsState.readings(chain.streams(), ARCHIVE, device, from, to, limit, cursor);
      assertThat(page.readings()).as("page %d", pages.size()).hasSizeLessThanOrEqualTo(limit);
      if (page.next().isPresent()) {
        assertThat(page.readings()).as("page %d, which has a next page", pages.size()).hasSize(limit);
      }
      pages.add(page.readings());
      cursor = page.next().orElse(null);
      assertThat(pages.size()).as("pages of %d", limit).isLessThanOrEqualTo(expected.size() + 1);
    } while (cursor != null);
    return pages;
  }

  private List<Expected> listed(String device, long from, long to, int limit) {
    return pages(device, from, to, limit).stream().flatMap(List::stream).map(Expected::of).toList();
  }

  private List<Expected> expected(String device, long from, long to) {
    return expected.stream()
        .filter(e -> device == null || e.device().equals(device))
        .filter(e -> e.time() >= from && e.time() < to)
        .toList();
  }

  @Test
  void readings_pagedWithCursors_pagesConcatenatedAreAllReadingsInOrder() {
    int n = expected.size();
    for (int limit : new int[] {1, 4, 5, n - 1, n, n + 1, 1_000}) {
      List<List<StoredReading>> pages = pages(null, Long.MIN_VALUE, Long.MAX_VALUE, limit);

      assertThat(pages.stream().flatMap(List::stream).map(Expected::of).toList()).as("limit %d", limit).isEqualTo(expected);
      assertThat(pages).as("limit %d", limit).hasSize(Math.max(1, (n + limit - 1) / limit));
      assertThat(pages).as("limit %d", limit).allSatisfy(p -> assertThat(p).isNotEmpty());
    }
  }

  @Test
  void readings_negativeAndLargeTimestamps_inNumericOrderNotByteOrder() {
    List<Long> times = listed(null, Long.MIN_VALUE, Long.MAX_VALUE, 1_000).stream().map(Expected::time).toList();

    assertThat(times).isSortedAccordingTo(Comparator.naturalOrder());
    assertThat(times.get(0)).isEqualTo(Long.MIN_VALUE);
    assertThat(times.get(times.size() - 1)).isEqualTo(Long.MAX_VALUE - 1);
    assertThat(times).containsSubsequence(-1_000_000_000_000_000L, -256L, -1L, 0L, 1L, 255L, 256L, 1_000_000_000_000_000L);
  }

  @Test
  void readings_sameTime_orderedByDeviceThenSequence() {
    List<Expected> atLargest = listed(null, Long.MAX_VALUE - 1, Long.MAX_VALUE, 2);

    assertThat(atLargest).hasSize(DEVICES.size() + 1).isSortedAccordingTo(CHAIN_ORDER);
    assertThat(atLargest).extracting(Expected::device).isSorted()
        .isSubsetOf(DEVICES.stream().map(d -> d.id().value()).toList());
    String twice = DEVICES.get(0).id().value();
    assertThat(atLargest.stream().filter(e -> e.device().equals(twice)).map(Expected::sequence).toList()).hasSize(2).isSorted();
  }

  @Test
  void readings_byDevice_onlyThatDevicePagedInTimeOrder() {
    for (SigningKey d : DEVICES) {
      String id = d.id().value();
      for (int limit : new int[] {1, 3, 1_000}) {
        assertThat(listed(id, Long.MIN_VALUE, Long.MAX_VALUE, limit)).as("%s, limit %d", d, limit).isEqualTo(expected(id, Long.MIN_VALUE, Long.MAX_VALUE));
      }
    }
    assertThat(listed(TestChain.key(99).id().value(), Long.MIN_VALUE, Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void readings_timeBounds_fromInclusiveToExclusive() {
    long[][] ranges = {
        {0, 1}, {-1, 0}, {-256, 256}, {Long.MIN_VALUE, -1}, {Long.MIN_VALUE, Long.MIN_VALUE + 1}, {1, 255},
        {-86_400_000, 1_700_000_000_000L}, {1_700_000_000_000L, Long.MAX_VALUE}, {2, 3}, {-1_000_000_000_000_000L, 1_000_000_000_000_000L}};
    for (long[] r : ranges) {
      for (int limit : new int[] {2, 1_000}) {
        assertThat(listed(null, r[0], r[1], limit)).as("[%d, %d), limit %d", r[0], r[1], limit).isEqualTo(expected(null, r[0], r[1]));
        for (SigningKey d : DEVICES) {
          String id = d.id().value();
          assertThat(listed(id, r[0], r[1], limit)).as("%s in [%d, %d), limit %d", d, r[0], r[1], limit).isEqualTo(expected(id, r[0], r[1]));
        }
      }
      List<Expected> visited = new ArrayList<>();
      StreamsState.forEachReading(chain.streams(), ARCHIVE, r[0], r[1], Long.MAX_VALUE, s -> visited.add(Expected.of(s)));
      assertThat(visited).as("forEachReading [%d, %d)", r[0], r[1]).isEqualTo(expected(null, r[0], r[1]));
    }
    assertThat(expected(null, 0, 1)).isNotEmpty();
    assertThat(expected(null, 2, 3)).isEmpty();
  }

  @Test
  void forEachReading_limit_visitsOnlyTheFirstReadings() {
    List<Expected> visited = new ArrayList<>();

    StreamsState.forEachReading(chain.streams(), ARCHIVE, Long.MIN_VALUE, Long.MAX_VALUE, 7, s -> visited.add(Expected.of(s)));

    assertThat(visited).isEqualTo(expected.subList(0, 7));
  }

  @Test
  void readings_streamWhoseNameExtendsAnother_neverMixed() {
    assertThat(listed(null, Long.MIN_VALUE, Long.MAX_VALUE, 1_000)).isEqualTo(expected);
    assertThat(StreamsState.readings(chain.streams(), ARCHIVE_2, null, Long.MIN_VALUE, Long.MAX_VALUE, 100, null).readings())
        .extracting(StoredReading::getTimestampMillis).containsExactly(-1L, 0L);
    assertThat(StreamsState.devices(chain.streams(), ARCHIVE)).hasSize(DEVICES.size());
    assertThat(StreamsState.stats(chain.streams(), ARCHIVE_2)).containsOnlyKeys(TestChain.key(63).id().value());
  }

  @Test
  void devices_listedByIdWithLastLegalSequence() {
    List<DeviceRecord> devices = StreamsState.devices(chain.streams(), ARCHIVE);

    assertThat(devices).extracting(DeviceRecord::getDeviceId)
        .containsExactlyElementsOf(DEVICES.stream().map(d -> d.id().value()).sorted().toList());
    for (DeviceRecord d : devices) {
      long count = expected.stream().filter(e -> e.device().equals(d.getDeviceId())).count();
      assertThat(d.getLastSequence()).isEqualTo(count);
    }
  }

  @Test
  void evidence_acrossBlocks_listedInSubmissionOrder() {
    SigningKey device = DEVICES.get(1);
    List<Long> heights = new ArrayList<>();
    for (int b = 0; b < 6; b++) {
      // A schema violation in each block: evidence only.
      SignedReading bad = TestChain.signed(device, TestChain.reading(ARCHIVE, device, 1_000 + b, b, 20, 101));
      assertThat(TestChain.verdicts(chain.commitResults(TestChain.submit(GATEWAY, chain.nextNonce(GATEWAY), ARCHIVE, List.of(bad, bad))).get(0)))
          .containsExactly(Verdict.SCHEMA_VIOLATION, Verdict.SCHEMA_VIOLATION);
      heights.add(chain.ledger.head().height());
    }

    // Two batches in one block: their evidence follows their order in the block, not their ids.
    List<byte[]> lastBlock = new ArrayList<>();
    for (SigningKey gateway : List.of(GATEWAY, ORG)) {
      SignedReading bad = TestChain.signed(device, TestChain.reading(ARCHIVE, device, 2_000, lastBlock.size(), 20, 101));
      lastBlock.add(TestChain.submit(gateway, chain.nextNonce(gateway), ARCHIVE, List.of(bad)));
    }
    if (TestChain.txId(lastBlock.get(0)).compareTo(TestChain.txId(lastBlock.get(1))) < 0) {
      java.util.Collections.reverse(lastBlock);
    }
    List<TxResult> last = chain.commitResults(lastBlock.toArray(byte[][]::new));

    List<Evidence> evidence = StreamsState.evidence(chain.streams(), ARCHIVE, 100);

    assertThat(evidence).hasSize(14);
    assertThat(evidence.subList(0, 12)).extracting(Evidence::getHeight)
        .containsExactlyElementsOf(heights.stream().flatMap(h -> java.util.stream.Stream.of(h, h)).toList());
    assertThat(evidence.subList(0, 12)).extracting(Evidence::getIndex).containsExactly(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1);
    assertThat(last).extracting(TxResult::getStatus).containsOnly(org.veriflow.protocol.proto.TxStatus.COMMITTED);
    assertThat(evidence.subList(12, 14)).extracting(Evidence::getTxId).containsExactly(last.get(0).getTxId(), last.get(1).getTxId());
    assertThat(StreamsState.evidence(chain.streams(), ARCHIVE, 3)).isEqualTo(evidence.subList(0, 3));
    assertThat(evidence).extracting(Evidence::getVerdict).containsOnly(Verdict.SCHEMA_VIOLATION);
  }
}
