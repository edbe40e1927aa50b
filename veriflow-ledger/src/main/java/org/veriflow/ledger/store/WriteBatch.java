package org.veriflow.ledger.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An ordered list of puts and deletes applied atomically by {@link KeyValueStore#write}. Not thread-safe. */
public final class WriteBatch {
  /** One operation; {@code value == null} means delete. */
  public record Op(Column column, byte[] key, byte[] value) {}

  private final List<Op> ops = new ArrayList<>();

  public WriteBatch put(Column column, byte[] key, byte[] value) {
    ops.add(new Op(column, key.clone(), value.clone()));
    return this;
  }

  public WriteBatch delete(Column column, byte[] key) {
    ops.add(new Op(column, key.clone(), null));
    return this;
  }

  public List<Op> ops() {
    return Collections.unmodifiableList(ops);
  }

  public int size() {
    return ops.size();
  }
}
