package org.veriflow.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.InMemoryStore;
import org.veriflow.ledger.store.WriteBatch;

/**
 * {@link StateLayer} against a plain sorted-map model: a block layer over the store and a
 * transaction layer over the block layer, driven by seeded random operations.
 */
class StateLayerTest {
  private static final byte[] ALPHABET = {0x00, 0x01, 0x41, 0x7f, (byte) 0x80, (byte) 0xff};
  private static final int[] LIMITS = {0, 1, 2, 3, 7, 50, Integer.MAX_VALUE};

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static NavigableMap<byte[], byte[]> sortedMap() {
    return new TreeMap<>(Arrays::compareUnsigned);
  }

  private static InMemoryStore storeWith(Map<byte[], byte[]> entries) {
    InMemoryStore store = new InMemoryStore();
    WriteBatch batch = new WriteBatch();
    entries.forEach((k, v) -> batch.put(Column.STATE, k, v));
    store.write(batch, true);
    return store;
  }

  @Test
  void get_overlayPutShadowsBase() {
    NavigableMap<byte[], byte[]> base = sortedMap();
    base.put(b("k"), b("base"));
    StateLayer layer = new StateLayer(new StoreState(storeWith(base)));
    layer.put(b("k"), b("mine"));
    assertThat(layer.get(b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("mine")));
  }

  @Test
  void get_deletedKey_emptyAlthoughBaseHasIt() {
    NavigableMap<byte[], byte[]> base = sortedMap();
    base.put(b("k"), b("base"));
    StateLayer layer = new StateLayer(new StoreState(storeWith(base)));
    layer.delete(b("k"));
    assertThat(layer.get(b("k"))).isEmpty();
    assertThat(layer.writes()).containsKey(b("k"));
    assertThat(layer.writes().get(b("k"))).isNull();
  }

  @Test
  void get_untouchedKey_readsBase() {
    NavigableMap<byte[], byte[]> base = sortedMap();
    base.put(b("k"), b("base"));
    StateLayer layer = new StateLayer(new StoreState(storeWith(base)));
    layer.put(b("other"), b("x"));
    assertThat(layer.get(b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("base")));
    assertThat(layer.get(b("missing"))).isEmpty();
  }

  @Test
  void put_callerMutatesArraysAfterwards_layerUnaffected() {
    StateLayer layer = new StateLayer(new StoreState(new InMemoryStore()));
    byte[] key = b("k");
    byte[] value = b("v");
    layer.put(key, value);
    key[0] = 'x';
    value[0] = 'x';
    byte[] read = layer.get(b("k")).orElseThrow();
    read[0] = 'y';
    assertThat(layer.get(b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("v")));
  }

  @Test
  void mergeInto_childWritesAndDeletesReachParent() {
    NavigableMap<byte[], byte[]> base = sortedMap();
    base.put(b("a"), b("1"));
    base.put(b("b"), b("2"));
    StateLayer parent = new StateLayer(new StoreState(storeWith(base)));
    StateLayer child = new StateLayer(parent);
    child.put(b("c"), b("3"));
    child.delete(b("a"));
    assertThat(parent.get(b("c"))).isEmpty();
    child.mergeInto(parent);
    assertThat(parent.get(b("c"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("3")));
    assertThat(parent.get(b("a"))).isEmpty();
    assertThat(parent.get(b("b"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("2")));
  }

  @Test
  void scan_tombstonesHideBaseEntriesAndLimitCountsOnlyVisibleEntries() {
    NavigableMap<byte[], byte[]> base = sortedMap();
    for (String k : List.of("a", "b", "c", "d", "e")) {
      base.put(b(k), b("base-" + k));
    }
    StateLayer layer = new StateLayer(new StoreState(storeWith(base)));
    layer.delete(b("a"));
    layer.delete(b("b"));
    layer.put(b("c"), b("mine-c"));
    layer.put(b("bb"), b("mine-bb"));

    assertThat(render(layer.scan(b("a"), null, 3))).containsExactly("bb=mine-bb", "c=mine-c", "d=base-d");
    assertThat(render(layer.scan(b("a"), b("d"), 10))).containsExactly("bb=mine-bb", "c=mine-c");
    assertThat(render(layer.scan(b("a"), null, Integer.MAX_VALUE)))
        .containsExactly("bb=mine-bb", "c=mine-c", "d=base-d", "e=base-e");
  }

  @Test
  void scan_emptyOrInvertedRange_empty() {
    NavigableMap<byte[], byte[]> base = sortedMap();
    base.put(b("a"), b("1"));
    StateLayer layer = new StateLayer(new StoreState(storeWith(base)));
    layer.put(b("b"), b("2"));
    assertThat(layer.scan(b("b"), b("b"), 10)).isEmpty();
    assertThat(layer.scan(b("c"), b("a"), 10)).isEmpty();
  }

  private static List<String> render(List<StateView.Entry> entries) {
    List<String> out = new ArrayList<>();
    for (StateView.Entry e : entries) {
      out.add(new String(e.key(), StandardCharsets.UTF_8) + "=" + new String(e.value(), StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * Random puts and deletes on both layers, random merges of the transaction layer into the block
   * layer, and after every step random gets and scans (random bounds, limits including 0 and
   * {@code Integer.MAX_VALUE}) compared with the model. Finally the block layer's write set, applied
   * to the store as a block commit does, must give the model's state.
   */
  @Test
  void getAndScan_randomOperationsOnNestedLayers_matchSortedMapModel() {
    for (long seed = 1; seed <= 40; seed++) {
      runModel(new Random(seed), seed);
    }
  }

  private static void runModel(Random random, long seed) {
    NavigableMap<byte[], byte[]> baseModel = sortedMap();
    for (int i = 0; i < 30; i++) {
      baseModel.put(randomKey(random), randomValue(random));
    }
    InMemoryStore store = storeWith(baseModel);
    StateLayer block = new StateLayer(new StoreState(store));
    StateLayer tx = new StateLayer(block);
    NavigableMap<byte[], byte[]> blockModel = copy(baseModel);
    // The transaction layer's own writes; a null value is a deletion.
    NavigableMap<byte[], byte[]> txWrites = sortedMap();

    for (int step = 0; step < 400; step++) {
      int op = random.nextInt(10);
      byte[] key = randomKey(random);
      if (op < 4) {
        byte[] v = randomValue(random);
        tx.put(key, v);
        txWrites.put(key, v);
      } else if (op < 6) {
        tx.delete(key);
        txWrites.put(key, null);
      } else if (op == 6) {
        byte[] v = randomValue(random);
        block.put(key, v);
        blockModel.put(key, v);
      } else if (op == 7) {
        block.delete(key);
        blockModel.remove(key);
      } else if (op == 8 && random.nextInt(4) == 0) {
        tx.mergeInto(block);
        applyWrites(blockModel, txWrites);
        txWrites.clear();
        tx = new StateLayer(block);
      }
      NavigableMap<byte[], byte[]> txModel = copy(blockModel);
      applyWrites(txModel, txWrites);
      String where = "seed " + seed + ", step " + step;
      checkAgainstModel(random, tx, txModel, where + ", transaction layer");
      checkAgainstModel(random, block, blockModel, where + ", block layer");
    }

    WriteBatch commit = new WriteBatch();
    for (Map.Entry<byte[], byte[]> w : block.writes().entrySet()) {
      if (w.getValue() == null) {
        commit.delete(Column.STATE, w.getKey());
      } else {
        commit.put(Column.STATE, w.getKey(), w.getValue());
      }
    }
    store.write(commit, true);
    NavigableMap<byte[], byte[]> stored = sortedMap();
    store.scan(Column.STATE, new byte[0], null, Integer.MAX_VALUE).forEach(stored::put);
    assertThat(render(stored)).as("seed %d: store after committing the block layer", seed).isEqualTo(render(blockModel));
  }

  private static void checkAgainstModel(Random random, StateLayer layer, NavigableMap<byte[], byte[]> model, String where) {
    byte[] probe = randomKey(random);
    Optional<byte[]> got = layer.get(probe);
    assertThat(got.map(HexFormat.of()::formatHex).orElse("absent"))
        .as("%s: get %s", where, HexFormat.of().formatHex(probe))
        .isEqualTo(Optional.ofNullable(model.get(probe)).map(HexFormat.of()::formatHex).orElse("absent"));

    byte[] from = randomKey(random);
    byte[] to = random.nextInt(4) == 0 ? null : randomKey(random);
    int limit = LIMITS[random.nextInt(LIMITS.length)];
    NavigableMap<byte[], byte[]> expectedRange;
    if (to == null) {
      expectedRange = model.tailMap(from, true);
    } else if (Arrays.compareUnsigned(from, to) >= 0) {
      expectedRange = sortedMap();
    } else {
      expectedRange = model.subMap(from, true, to, false);
    }
    List<String> expected = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : expectedRange.entrySet()) {
      if (expected.size() >= limit) {
        break;
      }
      expected.add(HexFormat.of().formatHex(e.getKey()) + "=" + HexFormat.of().formatHex(e.getValue()));
    }
    List<String> actual = new ArrayList<>();
    for (StateView.Entry e : layer.scan(from, to, limit)) {
      actual.add(HexFormat.of().formatHex(e.key()) + "=" + HexFormat.of().formatHex(e.value()));
    }
    assertThat(actual)
        .as("%s: scan [%s, %s) limit %d", where, HexFormat.of().formatHex(from), to == null ? "end" : HexFormat.of().formatHex(to), limit)
        .isEqualTo(expected);
  }

  private static void applyWrites(NavigableMap<byte[], byte[]> model, NavigableMap<byte[], byte[]> writes) {
    for (Map.Entry<byte[], byte[]> w : writes.entrySet()) {
      if (w.getValue() == null) {
        model.remove(w.getKey());
      } else {
        model.put(w.getKey(), w.getValue());
      }
    }
  }

  private static NavigableMap<byte[], byte[]> copy(NavigableMap<byte[], byte[]> m) {
    NavigableMap<byte[], byte[]> c = sortedMap();
    c.putAll(m);
    return c;
  }

  private static List<String> render(NavigableMap<byte[], byte[]> m) {
    List<String> out = new ArrayList<>();
    m.forEach((k, v) -> out.add(HexFormat.of().formatHex(k) + "=" + HexFormat.of().formatHex(v)));
    return out;
  }

  private static byte[] randomKey(Random random) {
    byte[] k = new byte[1 + random.nextInt(3)];
    for (int i = 0; i < k.length; i++) {
      k[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return k;
  }

  private static byte[] randomValue(Random random) {
    byte[] v = new byte[random.nextInt(4)];
    random.nextBytes(v);
    return v;
  }
}
