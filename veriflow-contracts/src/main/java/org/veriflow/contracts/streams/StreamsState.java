package org.veriflow.contracts.streams;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.veriflow.protocol.proto.streams.DeviceRecord;
import org.veriflow.protocol.proto.streams.Evidence;
import org.veriflow.protocol.proto.streams.SnapshotRecord;
import org.veriflow.protocol.proto.streams.StoredReading;
import org.veriflow.protocol.proto.streams.StreamRecord;
import org.veriflow.contracts.SystemContract;
import org.veriflow.ledger.exec.StateView;

/**
 * Read access to the streams contract's state, for the contract itself and for queries. Every method
 * takes the streams namespace view. Stateless and thread-safe.
 */
public final class StreamsState {
  private static final int PAGE = 1024;

  private StreamsState() {}

  public static Optional<StreamRecord> stream(StateView state, String streamId) {
    return state.get(StreamKeys.stream(streamId)).map(b -> SystemContract.parseStored(StreamRecord.parser(), b));
  }

  public static Optional<DeviceRecord> device(StateView state, String streamId, String deviceId) {
    return state.get(StreamKeys.device(streamId, deviceId)).map(b -> SystemContract.parseStored(DeviceRecord.parser(), b));
  }

  /** The stream's devices, by id. */
  public static List<DeviceRecord> devices(StateView state, String streamId) {
    List<DeviceRecord> out = new ArrayList<>();
    byte[] after = null;
    while (true) {
      List<StateView.Entry> page = state.scan(StreamKeys.devicePrefix(streamId), after, PAGE);
      for (StateView.Entry e : page) {
        out.add(SystemContract.parseStored(DeviceRecord.parser(), e.value()));
      }
      if (page.size() < PAGE) {
        return out;
      }
      after = page.get(page.size() - 1).key();
    }
  }

  /**
   * Calls {@code visitor} with the stream's legal readings with {@code from <= time < to}, in time,
   * device, sequence order, at most {@code limit} of them.
   */
  public static void forEachReading(StateView state, String streamId, long fromMillis, long toMillis, long limit, Consumer<StoredReading> visitor) {
    byte[] prefix = StreamKeys.readingPrefix(streamId);
    byte[] after = StreamKeys.readingTimeFloor(streamId, fromMillis);
    long seen = 0;
    while (seen < limit) {
      int wanted = (int) Math.min(PAGE, limit - seen);
      List<StateView.Entry> page = state.scan(prefix, after, wanted);
      for (StateView.Entry e : page) {
        if (StreamKeys.readingTime(e.key(), prefix.length) >= toMillis) {
          return;
        }
        visitor.accept(SystemContract.parseStored(StoredReading.parser(), e.value()));
        seen++;
      }
      if (page.size() < wanted) {
        return;
      }
      after = page.get(page.size() - 1).key();
    }
  }

  /** A page of readings; {@code next} is the time and cursor to continue from, empty at the end. */
  public record ReadingPage(List<StoredReading> readings, Optional<String> next) {}

  /**
   * Legal readings with {@code from <= time < to}, optionally of one device, in time order, at most
   * {@code limit}, starting after the opaque {@code cursor} of a previous page (null: from the start).
   */
  public static ReadingPage readings(StateView state, String streamId, String deviceId, long fromMillis, long toMillis, int limit, String cursor) {
    byte[] prefix = deviceId == null ? StreamKeys.readingPrefix(streamId) : StreamKeys.deviceReadingPrefix(streamId, deviceId);
    byte[] after = cursor != null ? org.veriflow.core.Hex.decode(cursor)
        : deviceId == null ? StreamKeys.readingTimeFloor(streamId, fromMillis) : StreamKeys.deviceReadingTimeFloor(streamId, deviceId, fromMillis);
    List<StoredReading> out = new ArrayList<>();
    List<StateView.Entry> page = state.scan(prefix, after, limit + 1);
    byte[] last = null;
    for (StateView.Entry e : page) {
      if (StreamKeys.readingTime(e.key(), prefix.length) >= toMillis || out.size() == limit) {
        break;
      }
      if (deviceId == null) {
        out.add(SystemContract.parseStored(StoredReading.parser(), e.value()));
      } else {
        long time = StreamKeys.readingTime(e.key(), prefix.length);
        long seq = java.nio.ByteBuffer.wrap(e.key(), prefix.length + 8, 8).getLong();
        out.add(state.get(StreamKeys.reading(streamId, time, deviceId, seq)).map(b -> SystemContract.parseStored(StoredReading.parser(), b))
            .orElseThrow(() -> new IllegalStateException("reading index of " + deviceId + " points to a missing reading")));
      }
      last = e.key();
    }
    boolean more = page.size() > out.size() && last != null
        && StreamKeys.readingTime(page.get(out.size()).key(), prefix.length) < toMillis;
    return new ReadingPage(out, more ? Optional.of(org.veriflow.core.Hex.encode(last)) : Optional.empty());
  }

  /** A legal reading by the digest of its signed bytes. */
  public static Optional<StoredReading> readingByDigest(StateView state, byte[] digest) {
    return state.get(StreamKeys.digest(digest)).flatMap(state::get).map(b -> SystemContract.parseStored(StoredReading.parser(), b));
  }

  /** Per device, counts of readings by verdict name. */
  public static Map<String, Map<String, Long>> stats(StateView state, String streamId) {
    byte[] prefix = StreamKeys.statsPrefix(streamId);
    Map<String, Map<String, Long>> out = new TreeMap<>();
    byte[] after = null;
    while (true) {
      List<StateView.Entry> page = state.scan(prefix, after, PAGE);
      for (StateView.Entry e : page) {
        String rest = new String(e.key(), prefix.length, e.key().length - prefix.length, StandardCharsets.UTF_8);
        int slash = rest.lastIndexOf('/');
        out.computeIfAbsent(rest.substring(0, slash), k -> new TreeMap<>()).put(rest.substring(slash + 1), StreamKeys.count(e.value()));
      }
      if (page.size() < PAGE) {
        return out;
      }
      after = page.get(page.size() - 1).key();
    }
  }

  /** Evidence of illegal readings, in the order they were judged, at most {@code limit}. */
  public static List<Evidence> evidence(StateView state, String streamId, int limit) {
    return evidence(state, streamId, limit, null).evidence();
  }

  /** A page of evidence; {@code next} is the cursor of the following page, empty at the end. */
  public record EvidencePage(List<Evidence> evidence, Optional<String> next) {}

  /**
   * Evidence of illegal readings in the order they were judged, at most {@code limit}, after the
   * opaque {@code cursor} of a previous page ({@code null}: from the first).
   */
  public static EvidencePage evidence(StateView state, String streamId, int limit, String cursor) {
    byte[] after = cursor == null ? null : org.veriflow.core.Hex.decode(cursor);
    List<StateView.Entry> page = state.scan(StreamKeys.evidencePrefix(streamId), after, limit + 1);
    List<Evidence> out = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, page.size()); i++) {
      out.add(SystemContract.parseStored(Evidence.parser(), page.get(i).value()));
    }
    Optional<String> next = page.size() > limit ? Optional.of(org.veriflow.core.Hex.encode(page.get(limit - 1).key())) : Optional.empty();
    return new EvidencePage(out, next);
  }

  public static Optional<SnapshotRecord> snapshot(StateView state, String snapshotId) {
    return state.get(StreamKeys.snapshot(snapshotId)).map(b -> SystemContract.parseStored(SnapshotRecord.parser(), b));
  }

}
