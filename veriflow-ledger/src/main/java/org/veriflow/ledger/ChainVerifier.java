package org.veriflow.ledger;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.veriflow.core.Hex;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.ledger.exec.ContractRegistry;
import org.veriflow.ledger.exec.SenderRegistry;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.InMemoryStore;
import org.veriflow.ledger.store.KeyValueStore;

/**
 * Re-verifies a whole stored chain from genesis: re-hashes every block, checks the hash chain and the
 * orderer signatures, re-verifies every transaction signature, re-executes every block on a fresh
 * in-memory replica and compares every header field, every stored result, and finally the whole
 * world state and transaction log. Reports the first block where anything differs, and what.
 */
public final class ChainVerifier {
  /** The outcome: {@code problem} is empty when the chain verified. */
  public record Report(long blocksChecked, long transactionsChecked, long failedAtHeight, Optional<String> problem) {
    public boolean ok() {
      return problem.isEmpty();
    }
  }

  private ChainVerifier() {}

  /**
   * @param progress called with each verified height
   */
  public static Report verify(KeyValueStore source, ContractRegistry contracts, SenderRegistry senders, GenesisState genesis, LongConsumer progress) {
    Optional<byte[]> headBytes = source.get(Column.META, Keys.META_HEAD);
    if (headBytes.isEmpty()) {
      return new Report(0, 0, 0, Optional.of("the store holds no chain"));
    }
    long head = Keys.readLong(headBytes.get());
    long txs = 0;
    try (InMemoryStore replicaStore = new InMemoryStore()) {
      Ledger replica = Ledger.open(replicaStore, contracts, senders, genesis);
      Optional<byte[]> storedGenesis = source.get(Column.BLOCKS, Keys.height(0));
      if (storedGenesis.isEmpty() || !BlockRecord.parse(storedGenesis.get()).hash().equals(replica.head().hash())) {
        return new Report(0, 0, 0, Optional.of("block 0: the stored genesis differs from the genesis file"));
      }
      for (long h = 1; h <= head; h++) {
        Optional<byte[]> raw = source.get(Column.BLOCKS, Keys.height(h));
        if (raw.isEmpty()) {
          return new Report(h - 1, txs, h, Optional.of("block " + h + " is missing"));
        }
        BlockRecord stored;
        ExecutedBlock again;
        try {
          stored = BlockRecord.parse(raw.get());
          if (stored.height() != h) {
            return new Report(h - 1, txs, h, Optional.of("block " + h + ": stored under height " + h + " but its header says " + stored.height()));
          }
          again = replica.reexecute(stored);
        } catch (IllegalStateException e) {
          return new Report(h - 1, txs, h, Optional.of(e.getMessage()));
        }
        for (int i = 0; i < again.results().size(); i++) {
          TxResult expected = again.results().get(i);
          Optional<byte[]> storedResult = source.get(Column.RESULTS, Keys.result(h, i));
          if (storedResult.isEmpty() || !Arrays.equals(storedResult.get(), expected.toByteArray())) {
            return new Report(h - 1, txs, h, Optional.of("block " + h + ": stored result of transaction " + i + " differs from re-execution"));
          }
          Optional<byte[]> loc = source.get(Column.TX_INDEX, expected.getTxId().toByteArray());
          if (loc.isEmpty()) {
            return new Report(h - 1, txs, h, Optional.of("block " + h + ": transaction " + i + " is missing from the index"));
          }
        }
        replica.commit(again, stored.block().getSignaturesList());
        txs += again.transactions().size();
        progress.accept(h);
      }
      for (Column c : new Column[] {Column.STATE, Column.LOG_NODES, Column.TX_INDEX}) {
        Optional<String> diff = compareColumn(source, replicaStore, c);
        if (diff.isPresent()) {
          return new Report(head, txs, head, Optional.of("after block " + head + ": " + diff.get()));
        }
      }
      return new Report(head, txs, -1, Optional.empty());
    }
  }

  private static Optional<String> compareColumn(KeyValueStore a, KeyValueStore b, Column column) {
    byte[] from = new byte[0];
    final int page = 4096;
    while (true) {
      Map<byte[], byte[]> pa = a.scan(column, from, null, page);
      Map<byte[], byte[]> pb = b.scan(column, from, null, page);
      Iterator<Map.Entry<byte[], byte[]>> ia = pa.entrySet().iterator();
      Iterator<Map.Entry<byte[], byte[]>> ib = pb.entrySet().iterator();
      byte[] last = null;
      while (ia.hasNext() || ib.hasNext()) {
        if (!ia.hasNext() || !ib.hasNext()) {
          Map.Entry<byte[], byte[]> extra = ia.hasNext() ? ia.next() : ib.next();
          return Optional.of(column.name().toLowerCase(java.util.Locale.ROOT) + " entry " + Hex.encode(extra.getKey())
              + (ia.hasNext() || pa.size() > pb.size() ? " is stored but not produced by re-execution" : " is produced by re-execution but not stored"));
        }
        Map.Entry<byte[], byte[]> ea = ia.next();
        Map.Entry<byte[], byte[]> eb = ib.next();
        if (!Arrays.equals(ea.getKey(), eb.getKey())) {
          byte[] first = Arrays.compareUnsigned(ea.getKey(), eb.getKey()) < 0 ? ea.getKey() : eb.getKey();
          return Optional.of(column.name().toLowerCase(java.util.Locale.ROOT) + " entry " + printable(first) + " differs between the store and re-execution");
        }
        if (!Arrays.equals(ea.getValue(), eb.getValue())) {
          return Optional.of(column.name().toLowerCase(java.util.Locale.ROOT) + " entry " + printable(ea.getKey()) + " has a different value than re-execution gives");
        }
        last = ea.getKey();
      }
      if (pa.size() < page || last == null) {
        return Optional.empty();
      }
      from = Arrays.copyOf(last, last.length + 1);
    }
  }

  private static String printable(byte[] key) {
    for (byte b : key) {
      if (b != 0 && (b < 0x20 || b > 0x7e)) {
        return Hex.encode(key);
      }
    }
    return "'" + new String(key, java.nio.charset.StandardCharsets.UTF_8).replace('\0', '/') + "'";
  }

  /** A no-op progress callback. */
  public static LongConsumer noProgress() {
    return h -> {};
  }

}
