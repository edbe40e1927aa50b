package org.veriflow.ledger;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.protocol.proto.Event;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ledger.exec.StateView;

/**
 * The context one contract call sees. Writes go to {@code layer}, in the contract's own namespace or
 * one it declares in {@link org.veriflow.ledger.exec.Contract#writesTo()}; reads go through the same
 * layer, so they see the call's own writes.
 */
final class TxContext implements ExecutionContext {
  private final StateSource state;
  private final StateLayer layer;
  private final String namespace;
  private final Set<String> otherNamespaces;
  private final VerifiedTx tx;
  private final String chainId;
  private final long height;
  private final long timestampMillis;
  private final List<Event> events = new ArrayList<>();
  private byte[] output = new byte[0];

  private TxContext(StateSource state, StateLayer layer, String namespace, Set<String> otherNamespaces, VerifiedTx tx,
      String chainId, long height, long timestampMillis) {
    this.state = state;
    this.layer = layer;
    this.namespace = namespace;
    this.otherNamespaces = Set.copyOf(otherNamespaces);
    this.tx = tx;
    this.chainId = chainId;
    this.height = height;
    this.timestampMillis = timestampMillis;
  }

  /** A context whose writes go to {@code layer}, which is also what it reads. */
  static TxContext writable(StateLayer layer, String namespace, Set<String> otherNamespaces, VerifiedTx tx,
      String chainId, long height, long timestampMillis) {
    return new TxContext(layer, layer, namespace, otherNamespaces, tx, chainId, height, timestampMillis);
  }

  /** A context for checks: every write throws {@link IllegalStateException}. */
  static TxContext readOnly(StateSource state, String namespace, VerifiedTx tx, String chainId, long height, long timestampMillis) {
    return new TxContext(state, null, namespace, Set.of(), tx, chainId, height, timestampMillis);
  }

  static StateView view(StateSource source, String namespace) {
    return new StateView() {
      @Override
      public Optional<byte[]> get(byte[] key) {
        return source.get(Keys.state(namespace, key));
      }

      @Override
      public List<Entry> scan(byte[] prefix, byte[] startAfter, int limit) {
        if (limit <= 0) {
          return List.of();
        }
        byte[] full = Keys.state(namespace, prefix);
        byte[] from = startAfter == null ? full : appendZero(Keys.state(namespace, startAfter));
        if (java.util.Arrays.compareUnsigned(from, full) < 0) {
          from = full; // a cursor below the prefix must not widen the scan beyond it
        }
        byte[] to = Keys.prefixEnd(full);
        int strip = Keys.namespacePrefixLength(namespace);
        List<Entry> out = new ArrayList<>();
        for (Entry e : source.scan(from, to, limit)) {
          byte[] k = new byte[e.key().length - strip];
          System.arraycopy(e.key(), strip, k, 0, k.length);
          out.add(new Entry(k, e.value()));
        }
        return out;
      }
    };
  }

  private static byte[] appendZero(byte[] key) {
    return java.util.Arrays.copyOf(key, key.length + 1);
  }

  @Override
  public StateView state() {
    return view(state, namespace);
  }

  @Override
  public StateView state(String contract) {
    return view(state, contract);
  }

  @Override
  public IdentityId sender() {
    return tx.sender();
  }

  @Override
  public PublicKey senderKey() {
    return tx.senderKey();
  }

  @Override
  public Hash txId() {
    return tx.id();
  }

  @Override
  public String chainId() {
    return chainId;
  }

  @Override
  public long height() {
    return height;
  }

  @Override
  public long timestampMillis() {
    return timestampMillis;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    writable().put(Keys.state(namespace, key), value);
  }

  @Override
  public void delete(byte[] key) {
    writable().delete(Keys.state(namespace, key));
  }

  @Override
  public void put(String target, byte[] key, byte[] value) {
    writable().put(Keys.state(declared(target), key), value);
  }

  @Override
  public void delete(String target, byte[] key) {
    writable().delete(Keys.state(declared(target), key));
  }

  private String declared(String target) {
    if (!target.equals(namespace) && !otherNamespaces.contains(target)) {
      throw new IllegalStateException("contract '" + namespace + "' tried to write to namespace '" + target
          + "', which it does not declare in writesTo()");
    }
    return target;
  }

  @Override
  public void emit(String name, byte[] data) {
    writable();
    events.add(Event.newBuilder().setContract(namespace).setName(name).setData(ByteString.copyFrom(data)).build());
  }

  @Override
  public void output(byte[] output) {
    writable();
    this.output = output.clone();
  }

  private StateLayer writable() {
    if (layer == null) {
      throw new IllegalStateException("contract tried to write while its call was only being checked");
    }
    return layer;
  }

  List<Event> events() {
    return events;
  }

  byte[] output() {
    return output;
  }
}
