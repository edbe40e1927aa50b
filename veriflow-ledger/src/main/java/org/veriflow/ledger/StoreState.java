package org.veriflow.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.KeyValueStore;

/** The committed world state in a store's {@link Column#STATE} column. */
final class StoreState implements StateSource {
  private final KeyValueStore store;

  StoreState(KeyValueStore store) {
    this.store = store;
  }

  @Override
  public Optional<byte[]> get(byte[] fullKey) {
    return store.get(Column.STATE, fullKey);
  }

  @Override
  public List<StateView.Entry> scan(byte[] from, byte[] to, int limit) {
    List<StateView.Entry> out = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : store.scan(Column.STATE, from, to, limit).entrySet()) {
      out.add(new StateView.Entry(e.getKey(), e.getValue()));
    }
    return out;
  }
}
