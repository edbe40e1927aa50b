package org.veriflow.ledger.store.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteOptions;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.KeyValueStore;
import org.veriflow.ledger.store.StorageException;
import org.veriflow.ledger.store.WriteBatch;

/**
 * {@link KeyValueStore} on RocksDB: one column family per {@link Column}. A synced write waits for
 * the write-ahead log to reach the disk ({@code WriteOptions.setSync(true)}), so an acknowledged
 * block survives {@code kill -9} and power loss. RocksDB types never leave this class. Thread-safe.
 */
public final class RocksDbStore implements KeyValueStore {
  static {
    RocksDB.loadLibrary();
  }

  private final RocksDB db;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final List<ColumnFamilyHandle> handles;
  private final Map<Column, ColumnFamilyHandle> byColumn = new EnumMap<>(Column.class);
  private final WriteOptions syncWrite;
  private final WriteOptions asyncWrite;
  private final boolean readOnly;

  private RocksDbStore(Path dir, boolean readOnly) {
    this.readOnly = readOnly;
    this.cfOptions = new ColumnFamilyOptions().optimizeLevelStyleCompaction();
    this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
        .setParanoidChecks(true);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
    for (Column c : Column.values()) {
      descriptors.add(new ColumnFamilyDescriptor(c.name().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8), cfOptions));
    }
    this.handles = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      this.db = readOnly
          ? RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors, handles)
          : RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
    } catch (RocksDBException | java.io.IOException e) {
      cfOptions.close();
      dbOptions.close();
      throw new StorageException("cannot open the ledger store at " + dir + ": " + e.getMessage(), e);
    }
    for (Column c : Column.values()) {
      byColumn.put(c, handles.get(c.ordinal() + 1));
    }
    this.syncWrite = new WriteOptions().setSync(true);
    this.asyncWrite = new WriteOptions().setSync(false);
  }

  /** Opens (creating if needed) the store in {@code dir}. */
  public static RocksDbStore open(Path dir) {
    return new RocksDbStore(dir, false);
  }

  /** Opens an existing store for reading only; safe while no other process writes it. */
  public static RocksDbStore openReadOnly(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new StorageException("no ledger store at " + dir);
    }
    return new RocksDbStore(dir, true);
  }

  /**
   * Held (shared) by every read and write, and exclusively by {@link #close()}: a thread still
   * reading when the store closes gets an exception instead of touching freed native memory, which
   * would crash the whole process.
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock open = new java.util.concurrent.locks.ReentrantReadWriteLock();
  private boolean closed;

  private void enter() {
    open.readLock().lock();
    if (closed) {
      open.readLock().unlock();
      throw new StorageException("the ledger store is closed");
    }
  }

  private void leave() {
    open.readLock().unlock();
  }

  @Override
  public Optional<byte[]> get(Column column, byte[] key) {
    enter();
    try {
      return Optional.ofNullable(db.get(byColumn.get(column), key));
    } catch (RocksDBException e) {
      throw new StorageException("ledger store read failed: " + e.getMessage(), e);
    } finally {
      leave();
    }
  }

  @Override
  public Map<byte[], byte[]> scan(Column column, byte[] fromInclusive, byte[] toExclusive, int limit) {
    Map<byte[], byte[]> out = new LinkedHashMap<>();
    enter();
    try (Slice upper = toExclusive == null ? null : new Slice(toExclusive);
        ReadOptions ro = new ReadOptions()) {
      if (upper != null) {
        ro.setIterateUpperBound(upper);
      }
      try (RocksIterator it = db.newIterator(byColumn.get(column), ro)) {
        for (it.seek(fromInclusive); it.isValid() && out.size() < limit; it.next()) {
          out.put(it.key(), it.value());
        }
        it.status();
      }
    } catch (RocksDBException e) {
      throw new StorageException("ledger store scan failed: " + e.getMessage(), e);
    } finally {
      leave();
    }
    return out;
  }

  @Override
  public void write(WriteBatch batch, boolean sync) {
    if (readOnly) {
      throw new IllegalStateException("the ledger store was opened read-only");
    }
    enter();
    try (org.rocksdb.WriteBatch wb = new org.rocksdb.WriteBatch()) {
      for (WriteBatch.Op op : batch.ops()) {
        if (op.value() == null) {
          wb.delete(byColumn.get(op.column()), op.key());
        } else {
          wb.put(byColumn.get(op.column()), op.key(), op.value());
        }
      }
      db.write(sync ? syncWrite : asyncWrite, wb);
    } catch (RocksDBException e) {
      throw new StorageException("ledger store write failed: " + e.getMessage(), e);
    } finally {
      leave();
    }
  }

  @Override
  public void close() {
    open.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      open.writeLock().unlock();
    }
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    db.close();
    syncWrite.close();
    asyncWrite.close();
    dbOptions.close();
    cfOptions.close();
  }
}
