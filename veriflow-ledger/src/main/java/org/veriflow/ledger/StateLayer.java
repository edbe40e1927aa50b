package org.veriflow.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.veriflow.ledger.exec.StateView;

/**
 * Uncommitted writes over a base state: a block's writes over the store, a transaction's over its
 * block's. Writes are kept sorted by key so the write set can be hashed in a fixed order. Not
 * thread-safe.
 */
final class StateLayer implements StateSource {
  private final StateSource base;
  /** Full key → value; a {@code null} value is a deletion. */
  private final NavigableMap<byte[], byte[]> writes = new TreeMap<>(Arrays::compareUnsigned);

  StateLayer(StateSource base) {
    this.base = base;
  }

  @Override
  public Optional<byte[]> get(byte[] fullKey) {
    if (writes.containsKey(fullKey)) {
      byte[] v = writes.get(fullKey);
      return v == null ? Optional.empty() : Optional.of(v.clone());
    }
    return base.get(fullKey);
  }

  void put(byte[] fullKey, byte[] value) {
    writes.put(fullKey.clone(), value.clone());
  }

  void delete(byte[] fullKey) {
    writes.put(fullKey.clone(), null);
  }

  /** Moves every write of this layer into {@code parent}, which must be this layer's base. */
  void mergeInto(StateLayer parent) {
    for (Map.Entry<byte[], byte[]> e : writes.entrySet()) {
      parent.writes.put(e.getKey(), e.getValue());
    }
  }

  /** The writes in key order; a {@code null} value is a deletion. */
  NavigableMap<byte[], byte[]> writes() {
    return writes;
  }

  @Override
  public List<StateView.Entry> scan(byte[] from, byte[] to, int limit) {
    if (to != null && Arrays.compareUnsigned(from, to) >= 0) {
      return List.of();
    }
    NavigableMap<byte[], byte[]> mine = to == null ? writes.tailMap(from, true) : writes.subMap(from, true, to, false);
    int deletions = 0;
    for (byte[] v : mine.values()) {
      if (v == null) {
        deletions++;
      }
    }
    // At most `deletions` base entries can be hidden, so limit + deletions base entries suffice.
    // Saturating: limit may be Integer.MAX_VALUE ("everything").
    List<StateView.Entry> fromBase = base.scan(from, to, (int) Math.min(Integer.MAX_VALUE, (long) limit + deletions));
    List<StateView.Entry> out = new ArrayList<>();
    Iterator<StateView.Entry> b = fromBase.iterator();
    Iterator<Map.Entry<byte[], byte[]>> m = mine.entrySet().iterator();
    StateView.Entry nb = b.hasNext() ? b.next() : null;
    Map.Entry<byte[], byte[]> nm = m.hasNext() ? m.next() : null;
    while (out.size() < limit && (nb != null || nm != null)) {
      int cmp = nb == null ? 1 : nm == null ? -1 : Arrays.compareUnsigned(nb.key(), nm.getKey());
      if (cmp < 0) {
        out.add(nb);
        nb = b.hasNext() ? b.next() : null;
      } else {
        if (nm.getValue() != null) {
          out.add(new StateView.Entry(nm.getKey().clone(), nm.getValue().clone()));
        }
        if (cmp == 0) {
          nb = b.hasNext() ? b.next() : null;
        }
        nm = m.hasNext() ? m.next() : null;
      }
    }
    return out;
  }
}
