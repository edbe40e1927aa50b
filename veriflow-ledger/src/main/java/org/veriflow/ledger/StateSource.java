package org.veriflow.ledger;

import java.util.List;
import java.util.Optional;
import org.veriflow.ledger.exec.StateView;

/** World-state reads over full keys (namespace, 0x00, key). */
interface StateSource {
  Optional<byte[]> get(byte[] fullKey);

  /** Entries with {@code from <= key < to} ({@code to == null}: unbounded), in order, at most {@code limit}. */
  List<StateView.Entry> scan(byte[] from, byte[] to, int limit);
}
