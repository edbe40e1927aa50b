package org.veriflow.ledger.store;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** A {@link KeyValueStore} held in memory: for tests and chain re-verification. Thread-safe. */
public final class InMemoryStore implements KeyValueStore {
  private final Map<Column, NavigableMap<byte[], byte[]>> columns = new EnumMap<>(Column.class);
  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  public InMemoryStore() {
    for (Column c : Column.values()) {
      columns.put(c, new TreeMap<>(Arrays::compareUnsigned));
    }
  }

  @Override
  public Optional<byte[]> get(Column column, byte[] key) {
    lock.readLock().lock();
    try {
      byte[] v = columns.get(column).get(key);
      return v == null ? Optional.empty() : Optional.of(v.clone());
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Map<byte[], byte[]> scan(Column column, byte[] fromInclusive, byte[] toExclusive, int limit) {
    lock.readLock().lock();
    try {
      Map<byte[], byte[]> out = new LinkedHashMap<>();
      if (toExclusive != null && Arrays.compareUnsigned(fromInclusive, toExclusive) >= 0) {
        return out; // an empty range, as RocksDB's bounded iterator gives
      }
      NavigableMap<byte[], byte[]> col = columns.get(column);
      NavigableMap<byte[], byte[]> range =
          toExclusive == null ? col.tailMap(fromInclusive, true) : col.subMap(fromInclusive, true, toExclusive, false);
      for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
        if (out.size() >= limit) {
          break;
        }
        out.put(e.getKey().clone(), e.getValue().clone());
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void write(WriteBatch batch, boolean sync) {
    lock.writeLock().lock();
    try {
      for (WriteBatch.Op op : batch.ops()) {
        if (op.value() == null) {
          columns.get(op.column()).remove(op.key());
        } else {
          columns.get(op.column()).put(op.key(), op.value());
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void close() {}
}
