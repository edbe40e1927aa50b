package org.veriflow.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.InMemoryStore;
import org.veriflow.ledger.store.WriteBatch;

/** The namespace view contracts read through: prefix scans with a cursor, over a layer and the store. */
class StateViewScanTest {
  private StateView view;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @BeforeEach
  void fillStore() {
    InMemoryStore store = new InMemoryStore();
    WriteBatch batch = new WriteBatch();
    for (String k : List.of("a1", "a2", "b1", "b2", "c1")) {
      batch.put(Column.STATE, Keys.state("ns", b(k)), b("v-" + k));
    }
    batch.put(Column.STATE, Keys.state("ns2", b("a1")), b("other namespace"));
    batch.put(Column.STATE, Keys.state("nr", b("zz")), b("other namespace"));
    store.write(batch, true);
    StateLayer layer = new StateLayer(new StoreState(store));
    layer.put(Keys.state("ns", b("b3")), b("v-b3"));
    layer.delete(Keys.state("ns", b("b1")));
    view = TxContext.view(layer, "ns");
  }

  private List<String> keys(List<StateView.Entry> entries) {
    List<String> out = new ArrayList<>();
    for (StateView.Entry e : entries) {
      out.add(new String(e.key(), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void scan_prefix_onlyKeysWithPrefixInOwnNamespace() {
    assertThat(keys(view.scan(b("b"), null, 100))).containsExactly("b2", "b3");
    assertThat(keys(view.scan(new byte[0], null, 100))).containsExactly("a1", "a2", "b2", "b3", "c1");
  }

  @Test
  void scan_startAfter_strictlyGreaterKeysOnly() {
    assertThat(keys(view.scan(b("a"), b("a1"), 100))).containsExactly("a2");
    assertThat(keys(view.scan(new byte[0], b("b2"), 100))).containsExactly("b3", "c1");
  }

  @Test
  void scan_startAfterBelowPrefix_stillOnlyKeysWithPrefix() {
    assertThat(keys(view.scan(b("b"), b("a"), 100))).containsExactly("b2", "b3");
  }

  @Test
  void scan_startAfterBeyondPrefixRange_empty() {
    assertThat(view.scan(b("a"), b("b"), 100)).isEmpty();
    assertThat(view.scan(b("a"), b("a9"), 100)).isEmpty();
  }

  @Test
  void scan_limit_pagesThroughEveryEntryOnce() {
    List<String> all = new ArrayList<>();
    byte[] cursor = null;
    while (true) {
      List<StateView.Entry> page = view.scan(new byte[0], cursor, 2);
      if (page.isEmpty()) {
        break;
      }
      assertThat(page).hasSizeLessThanOrEqualTo(2);
      all.addAll(keys(page));
      cursor = page.get(page.size() - 1).key();
    }
    assertThat(all).containsExactly("a1", "a2", "b2", "b3", "c1");
    assertThat(view.scan(new byte[0], null, 0)).isEmpty();
  }

  @Test
  void get_readsThroughLayerInOwnNamespace() {
    assertThat(view.get(b("b3"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("v-b3")));
    assertThat(view.get(b("b1"))).isEmpty();
    assertThat(view.get(b("zz"))).isEmpty();
  }
}
