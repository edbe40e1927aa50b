package org.veriflow.ledger.exec;

import java.util.List;
import java.util.Optional;

/**
 * Read access to one contract's namespace of the world state, as of the executing transaction
 * (earlier writes of the same block and transaction included).
 */
public interface StateView {
  /** One stored entry. */
  record Entry(byte[] key, byte[] value) {}

  Optional<byte[]> get(byte[] key);

  /**
   * Entries whose key starts with {@code prefix} and is strictly greater than {@code startAfter}
   * ({@code null}: from the first), in unsigned byte order, at most {@code limit}.
   */
  List<Entry> scan(byte[] prefix, byte[] startAfter, int limit);
}
