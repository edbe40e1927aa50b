package org.veriflow.ledger.store;

import java.util.Map;
import java.util.Optional;

/**
 * The ledger's storage: ordered byte keys in a few {@link Column columns}, atomic multi-column
 * batches. Implementations: RocksDB for nodes, in-memory for tests and verification.
 *
 * <p>Reads are thread-safe and may run concurrently with one writer. Keys compare as unsigned bytes.
 * Every method may throw {@link StorageException} when the storage itself fails.
 */
public interface KeyValueStore extends AutoCloseable {
  Optional<byte[]> get(Column column, byte[] key);

  /**
   * Entries with {@code fromInclusive <= key < toExclusive} in key order; {@code toExclusive == null}
   * means no upper bound. At most {@code limit} entries.
   */
  Map<byte[], byte[]> scan(Column column, byte[] fromInclusive, byte[] toExclusive, int limit);

  /**
   * Applies {@code batch} atomically. With {@code sync}, returns only once the batch is durable
   * (write-ahead log synced to disk): a crash afterwards cannot lose it.
   */
  void write(WriteBatch batch, boolean sync);

  @Override
  void close();
}
