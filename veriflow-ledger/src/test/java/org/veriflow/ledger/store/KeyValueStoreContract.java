package org.veriflow.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link KeyValueStore} must do; each implementation runs these tests through a subclass
 * that says how to open it.
 */
abstract class KeyValueStoreContract {
  protected KeyValueStore store;

  /** A new, empty store. */
  abstract KeyValueStore newStore();

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] hex(String h) {
    return HexFormat.of().parseHex(h);
  }

  void put(Column c, byte[] key, byte[] value) {
    store.write(new WriteBatch().put(c, key, value), true);
  }

  static List<String> keys(Map<byte[], byte[]> scanned) {
    List<String> out = new ArrayList<>();
    scanned.keySet().forEach(k -> out.add(HexFormat.of().formatHex(k)));
    return out;
  }

  @Test
  void get_missingKey_empty() {
    assertThat(store.get(Column.STATE, b("nothing"))).isEmpty();
  }

  @Test
  void get_afterWrite_returnsValue() {
    put(Column.STATE, b("k"), b("v"));
    assertThat(store.get(Column.STATE, b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("v")));
  }

  @Test
  void get_emptyValue_presentAndEmpty() {
    put(Column.STATE, b("k"), new byte[0]);
    assertThat(store.get(Column.STATE, b("k"))).hasValueSatisfying(v -> assertThat(v).isEmpty());
  }

  @Test
  void get_returnedArrayMutated_storeUnchanged() {
    put(Column.STATE, b("k"), b("v"));
    store.get(Column.STATE, b("k")).orElseThrow()[0] = 'x';
    store.scan(Column.STATE, new byte[0], null, 10).values().iterator().next()[0] = 'y';
    assertThat(store.get(Column.STATE, b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("v")));
  }

  @Test
  void write_sameKeyInTwoColumns_columnsIndependent() {
    store.write(new WriteBatch().put(Column.STATE, b("k"), b("state")).put(Column.META, b("k"), b("meta")), true);
    assertThat(store.get(Column.STATE, b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("state")));
    assertThat(store.get(Column.META, b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("meta")));
    assertThat(store.get(Column.BLOCKS, b("k"))).isEmpty();
    assertThat(store.scan(Column.RESULTS, new byte[0], null, 10)).isEmpty();
  }

  @Test
  void write_putThenDeleteInOneBatch_keyAbsent() {
    put(Column.STATE, b("k"), b("old"));
    store.write(new WriteBatch().put(Column.STATE, b("k"), b("new")).delete(Column.STATE, b("k")), true);
    assertThat(store.get(Column.STATE, b("k"))).isEmpty();
  }

  @Test
  void write_deleteThenPutInOneBatch_lastValueWins() {
    put(Column.STATE, b("k"), b("old"));
    store.write(new WriteBatch().delete(Column.STATE, b("k")).put(Column.STATE, b("k"), b("new"))
        .put(Column.STATE, b("k"), b("newest")), false);
    assertThat(store.get(Column.STATE, b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("newest")));
  }

  @Test
  void write_deleteMissingKey_noEffect() {
    store.write(new WriteBatch().delete(Column.STATE, b("missing")), true);
    assertThat(store.scan(Column.STATE, new byte[0], null, 10)).isEmpty();
  }

  @Test
  void write_batchArraysMutatedAfterPut_storesValuesAsPut() {
    byte[] key = b("k");
    byte[] value = b("v");
    WriteBatch batch = new WriteBatch().put(Column.STATE, key, value);
    key[0] = 'x';
    value[0] = 'x';
    store.write(batch, true);
    assertThat(store.get(Column.STATE, b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("v")));
  }

  @Test
  void scan_keysComparedAsUnsignedBytes() {
    for (String k : List.of("ff", "80", "7f", "00", "0000", "01", "")) {
      put(Column.STATE, hex(k), b("v"));
    }
    assertThat(keys(store.scan(Column.STATE, new byte[0], null, 100)))
        .containsExactly("", "00", "0000", "01", "7f", "80", "ff");
  }

  @Test
  void scan_boundsFromInclusiveToExclusive() {
    for (String k : List.of("10", "20", "2000", "30", "40")) {
      put(Column.STATE, hex(k), b("v"));
    }
    assertThat(keys(store.scan(Column.STATE, hex("20"), hex("40"), 100))).containsExactly("20", "2000", "30");
    assertThat(keys(store.scan(Column.STATE, hex("11"), hex("2000"), 100))).containsExactly("20");
    assertThat(keys(store.scan(Column.STATE, hex("30"), null, 100))).containsExactly("30", "40");
  }

  @Test
  void scan_emptyOrInvertedRange_empty() {
    put(Column.STATE, hex("20"), b("v"));
    assertThat(store.scan(Column.STATE, hex("20"), hex("20"), 100)).isEmpty();
    assertThat(store.scan(Column.STATE, hex("30"), hex("10"), 100)).isEmpty();
  }

  @Test
  void scan_limit_firstEntriesInOrder() {
    for (int i = 0; i < 10; i++) {
      put(Column.RESULTS, new byte[] {(byte) i}, b("v" + i));
    }
    assertThat(keys(store.scan(Column.RESULTS, new byte[0], null, 3))).containsExactly("00", "01", "02");
    assertThat(keys(store.scan(Column.RESULTS, hex("05"), hex("09"), 10))).containsExactly("05", "06", "07", "08");
    assertThat(store.scan(Column.RESULTS, new byte[0], null, 0)).isEmpty();
    assertThat(store.scan(Column.RESULTS, new byte[0], null, Integer.MAX_VALUE)).hasSize(10);
  }

  @Test
  void scan_returnsValuesWithKeys() {
    put(Column.STATE, b("a"), b("1"));
    put(Column.STATE, b("b"), b("2"));
    List<String> pairs = new ArrayList<>();
    store.scan(Column.STATE, new byte[0], null, 10)
        .forEach((k, v) -> pairs.add(new String(k, StandardCharsets.UTF_8) + "=" + new String(v, StandardCharsets.UTF_8)));
    assertThat(pairs).containsExactly("a=1", "b=2");
  }

  /**
   * A reader scanning while batches are written never sees half a batch: every batch writes the
   * same counter under two keys of one column and a third key in another column.
   */
  @Test
  void write_concurrentReader_neverSeesHalfABatch() throws Exception {
    int batches = 400;
    AtomicBoolean done = new AtomicBoolean();
    CompletableFuture<List<String>> reader = CompletableFuture.supplyAsync(() -> {
      List<String> torn = new ArrayList<>();
      int reads = 0;
      while ((!done.get() || reads == 0) && torn.isEmpty()) {
        Map<byte[], byte[]> seen = store.scan(Column.STATE, new byte[0], null, 10);
        reads++;
        List<Long> values = new ArrayList<>();
        seen.values().forEach(v -> values.add(ByteBuffer.wrap(v).getLong()));
        if (!(values.isEmpty() || (values.size() == 2 && values.get(0).equals(values.get(1))))) {
          torn.add("read " + reads + " saw " + values);
        }
      }
      return torn;
    });
    try {
      for (long i = 0; i < batches; i++) {
        byte[] v = ByteBuffer.allocate(8).putLong(i).array();
        store.write(new WriteBatch().put(Column.STATE, b("x"), v).put(Column.META, b("n"), v).put(Column.STATE, b("y"), v), false);
      }
    } finally {
      done.set(true);
    }
    assertThat(reader.get(30, TimeUnit.SECONDS)).isEmpty();
    assertThat(ByteBuffer.wrap(store.get(Column.META, b("n")).orElseThrow()).getLong()).isEqualTo(batches - 1);
  }
}
