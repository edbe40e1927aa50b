package org.veriflow.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.ledger.store.rocksdb.RocksDbStore;

class RocksDbStoreTest extends KeyValueStoreContract {
  @TempDir
  Path dir;

  @Override
  KeyValueStore newStore() {
    return RocksDbStore.open(dir.resolve("db"));
  }

  @Test
  void open_afterClose_keepsEveryColumn() {
    store.write(new WriteBatch().put(Column.BLOCKS, b("k"), b("block")).put(Column.LOG_NODES, b("k"), b("node")), true);
    store.write(new WriteBatch().put(Column.TX_INDEX, b("t"), b("index")).delete(Column.BLOCKS, b("gone")), true);
    store.close();
    store = RocksDbStore.open(dir.resolve("db"));
    assertThat(store.get(Column.BLOCKS, b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("block")));
    assertThat(store.get(Column.LOG_NODES, b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("node")));
    assertThat(store.get(Column.TX_INDEX, b("t"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("index")));
    assertThat(store.get(Column.STATE, b("k"))).isEmpty();
  }

  @Test
  void openReadOnly_readsButRefusesWrites() {
    store.write(new WriteBatch().put(Column.META, b("head"), b("1")), true);
    store.close();
    store = RocksDbStore.openReadOnly(dir.resolve("db"));
    assertThat(store.get(Column.META, b("head"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("1")));
    assertThatThrownBy(() -> store.write(new WriteBatch().put(Column.META, b("head"), b("2")), true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("read-only");
  }

  @Test
  void openReadOnly_missingDirectory_storageExceptionNamingIt() {
    Path missing = dir.resolve("absent");
    assertThatThrownBy(() -> RocksDbStore.openReadOnly(missing))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(missing.toString());
  }
}
