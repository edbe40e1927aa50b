package org.veriflow.contracts.datasets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.veriflow.core.Hex;
import org.veriflow.protocol.proto.datasets.AccessRecord;
import org.veriflow.protocol.proto.datasets.ColumnSpec;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.datasets.GrantRecord;
import org.veriflow.contracts.SystemContract;
import org.veriflow.ledger.exec.StateView;

/**
 * The datasets contract's state keys, and read access to them for the contract and for queries.
 * Every query takes the datasets namespace view and iterates in key order only. Stateless and
 * thread-safe.
 *
 * <p>Keys ({@code V} is a version and {@code N} a sequence number, each 8 bytes big-endian, so that
 * byte order is numeric order):
 *
 * <ul>
 *   <li>{@code d/<dataset>/V} → DatasetRecord; {@code l/<dataset>} → the latest version, 8 bytes
 *   <li>{@code t/<tag>/<dataset>/V} and {@code o/<owner>/<dataset>/V} → empty: versions by tag and
 *       by owner
 *   <li>{@code g/<grant id>} → GrantRecord; {@code gn} → how many requests were made, 8 bytes
 *   <li>{@code gd/<dataset>/V/N} and {@code gg/<grantee>/N} → the grant id: grants by dataset
 *       version and by grantee, in request order
 *   <li>{@code a/<dataset>/V/N} → AccessRecord; {@code an/<dataset>/V} → how many, 8 bytes
 *   <li>{@code c/<grantee>/N} → the access's {@code a/} key; {@code cn/<grantee>} → how many, 8 bytes
 * </ul>
 *
 * <p>A page's {@code next} is an opaque cursor (hex) to pass back for the following page; it is
 * empty on the last page.
 */
public final class DatasetsState {
  private static final int SCAN_PAGE = 256;

  private DatasetsState() {}

  /** One page of a listing, in key order. */
  public record Page<T>(List<T> items, Optional<String> next) {
    public Page {
      items = List.copyOf(items);
      Objects.requireNonNull(next, "next");
    }
  }

  /**
   * What a dataset listing keeps: versions with {@code tag} among their tags, owned by {@code owner},
   * with a schema column named {@code field}. A {@code null} criterion keeps every version.
   */
  public record Filter(String tag, String owner, String field) {
    public static final Filter ALL = new Filter(null, null, null);

    boolean keeps(DatasetRecord r) {
      return (tag == null || r.getTagsList().contains(tag))
          && (owner == null || r.getOwner().equals(owner))
          && (field == null || r.getSchemaList().stream().map(ColumnSpec::getName).anyMatch(field::equals));
    }
  }

  // ------------------------------------------------------------------ keys

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] withLongs(String prefix, long... values) {
    byte[] p = utf8(prefix);
    ByteBuffer b = ByteBuffer.allocate(p.length + values.length * (Long.BYTES + 1) - 1).put(p);
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        b.put((byte) '/');
      }
      b.putLong(values[i]);
    }
    return b.array();
  }

  static byte[] dataset(String id, long version) {
    return withLongs("d/" + id + "/", version);
  }

  static byte[] datasetPrefix(String id) {
    return utf8("d/" + id + "/");
  }

  static byte[] latest(String id) {
    return utf8("l/" + id);
  }

  static byte[] tag(String tag, String id, long version) {
    return withLongs("t/" + tag + "/" + id + "/", version);
  }

  static byte[] owner(String owner, String id, long version) {
    return withLongs("o/" + owner + "/" + id + "/", version);
  }

  static byte[] grant(String grantId) {
    return utf8("g/" + grantId);
  }

  static final byte[] GRANT_COUNT = utf8("gn");

  static byte[] datasetGrant(String id, long version, long sequence) {
    return withLongs("gd/" + id + "/", version, sequence);
  }

  static byte[] granteeGrant(String grantee, long sequence) {
    return withLongs("gg/" + grantee + "/", sequence);
  }

  static byte[] access(String id, long version, long sequence) {
    return withLongs("a/" + id + "/", version, sequence);
  }

  static byte[] accessCount(String id, long version) {
    return withLongs("an/" + id + "/", version);
  }

  static byte[] granteeAccess(String grantee, long sequence) {
    return withLongs("c/" + grantee + "/", sequence);
  }

  static byte[] granteeAccessCount(String grantee) {
    return utf8("cn/" + grantee);
  }

  static byte[] count(long n) {
    return ByteBuffer.allocate(Long.BYTES).putLong(n).array();
  }

  /** The 8-byte count under {@code key}; 0 if absent. */
  static long count(StateView state, byte[] key) {
    return state.get(key).map(b -> {
      if (b.length != Long.BYTES) {
        throw new IllegalStateException("stored count must be 8 bytes, not " + b.length);
      }
      return ByteBuffer.wrap(b).getLong();
    }).orElse(0L);
  }

  // ------------------------------------------------------------------ datasets

  /** A dataset version's record. */
  public static Optional<DatasetRecord> dataset(StateView state, String datasetId, long version) {
    return state.get(dataset(datasetId, version)).map(b -> SystemContract.parseStored(DatasetRecord.parser(), b));
  }

  /** The dataset's latest version (its highest, whatever its status). */
  public static Optional<DatasetRecord> latest(StateView state, String datasetId) {
    long v = count(state, latest(datasetId));
    return v == 0 ? Optional.empty() : dataset(state, datasetId, v);
  }

  /** Every version of the dataset, oldest first. */
  public static List<DatasetRecord> versions(StateView state, String datasetId) {
    List<DatasetRecord> out = new ArrayList<>();
    byte[] after = null;
    while (true) {
      List<StateView.Entry> page = state.scan(datasetPrefix(datasetId), after, SCAN_PAGE);
      for (StateView.Entry e : page) {
        out.add(SystemContract.parseStored(DatasetRecord.parser(), e.value()));
      }
      if (page.size() < SCAN_PAGE) {
        return out;
      }
      after = page.get(page.size() - 1).key();
    }
  }

  /**
   * Dataset versions that {@code filter} keeps, by dataset id and version (by tag, then id and
   * version, when filtering by tag; by owner, id and version when filtering by owner), at most
   * {@code limit}, after {@code cursor} ({@code null}: from the first).
   *
   * @throws IllegalArgumentException if {@code limit < 1} or {@code cursor} is not hex
   */
  public static Page<DatasetRecord> datasets(StateView state, Filter filter, int limit, String cursor) {
    byte[] prefix = filter.tag() != null ? utf8("t/" + filter.tag() + "/")
        : filter.owner() != null ? utf8("o/" + filter.owner() + "/")
        : utf8("d/");
    boolean index = filter.tag() != null || filter.owner() != null;
    return page(state, prefix, limit, cursor, e -> {
      DatasetRecord r;
      if (index) {
        // <dataset>/V after the index prefix.
        byte[] k = e.key();
        String id = new String(k, prefix.length, k.length - prefix.length - Long.BYTES - 1, StandardCharsets.UTF_8);
        long version = ByteBuffer.wrap(k, k.length - Long.BYTES, Long.BYTES).getLong();
        r = dataset(state, id, version).orElseThrow(() -> new IllegalStateException("dataset index points to missing " + id + " v" + version));
      } else {
        r = SystemContract.parseStored(DatasetRecord.parser(), e.value());
      }
      return filter.keeps(r) ? Optional.of(r) : Optional.empty();
    });
  }

  // ------------------------------------------------------------------ grants

  public static Optional<GrantRecord> grant(StateView state, String grantId) {
    return state.get(grant(grantId)).map(b -> SystemContract.parseStored(GrantRecord.parser(), b));
  }

  /**
   * Grants of a dataset version ({@code version == 0}: of every version, by version), in request
   * order, at most {@code limit}, after {@code cursor} ({@code null}: from the first).
   *
   * @throws IllegalArgumentException if {@code limit < 1} or {@code cursor} is not hex
   */
  public static Page<GrantRecord> grants(StateView state, String datasetId, long version, int limit, String cursor) {
    byte[] prefix = version == 0 ? utf8("gd/" + datasetId + "/") : withLongs("gd/" + datasetId + "/", version);
    return page(state, prefix, limit, cursor, e -> Optional.of(grantAt(state, e)));
  }

  /**
   * Grants requested by {@code grantee}, in request order, at most {@code limit}, after {@code
   * cursor} ({@code null}: from the first).
   *
   * @throws IllegalArgumentException if {@code limit < 1} or {@code cursor} is not hex
   */
  public static Page<GrantRecord> grantsOf(StateView state, String grantee, int limit, String cursor) {
    return page(state, utf8("gg/" + grantee + "/"), limit, cursor, e -> Optional.of(grantAt(state, e)));
  }

  private static GrantRecord grantAt(StateView state, StateView.Entry indexEntry) {
    String id = new String(indexEntry.value(), StandardCharsets.UTF_8);
    return grant(state, id).orElseThrow(() -> new IllegalStateException("grant index points to missing grant " + id));
  }

  // ------------------------------------------------------------------ accesses

  /**
   * Accesses to a dataset version ({@code version == 0}: to every version, by version), in the
   * order they were recorded, at most {@code limit}, after {@code cursor} ({@code null}: from the
   * first).
   *
   * @throws IllegalArgumentException if {@code limit < 1} or {@code cursor} is not hex
   */
  public static Page<AccessRecord> accesses(StateView state, String datasetId, long version, int limit, String cursor) {
    byte[] prefix = version == 0 ? utf8("a/" + datasetId + "/") : withLongs("a/" + datasetId + "/", version);
    return page(state, prefix, limit, cursor, e -> Optional.of(SystemContract.parseStored(AccessRecord.parser(), e.value())));
  }

  /**
   * Accesses by {@code grantee}, in the order they were recorded, at most {@code limit}, after
   * {@code cursor} ({@code null}: from the first).
   *
   * @throws IllegalArgumentException if {@code limit < 1} or {@code cursor} is not hex
   */
  public static Page<AccessRecord> accessesBy(StateView state, String grantee, int limit, String cursor) {
    return page(state, utf8("c/" + grantee + "/"), limit, cursor, e -> Optional.of(
        state.get(e.value()).map(b -> SystemContract.parseStored(AccessRecord.parser(), b))
            .orElseThrow(() -> new IllegalStateException("access index of " + grantee + " points to a missing access"))));
  }

  // ------------------------------------------------------------------ paging

  /**
   * Up to {@code limit} items that {@code item} makes of the entries under {@code prefix} after
   * {@code cursor}; the cursor of the next page is the key of the last item returned, given only if
   * another item follows.
   */
  private static <T> Page<T> page(StateView state, byte[] prefix, int limit, String cursor,
      Function<StateView.Entry, Optional<T>> item) {
    if (limit < 1) {
      throw new IllegalArgumentException("a page holds at least one item, not " + limit);
    }
    byte[] after = cursor == null ? null : Hex.decode(cursor);
    List<T> out = new ArrayList<>();
    byte[] lastKey = null;
    while (true) {
      List<StateView.Entry> scanned = state.scan(prefix, after, SCAN_PAGE);
      for (StateView.Entry e : scanned) {
        Optional<T> t = item.apply(e);
        if (t.isPresent()) {
          if (out.size() == limit) {
            return new Page<>(out, Optional.of(Hex.encode(lastKey)));
          }
          out.add(t.get());
          lastKey = e.key();
        }
      }
      if (scanned.size() < SCAN_PAGE) {
        return new Page<>(out, Optional.empty());
      }
      after = scanned.get(scanned.size() - 1).key();
    }
  }
}
