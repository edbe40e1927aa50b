package org.veriflow.ledger;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.ArrayList;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.merkle.MerkleHashes;
import org.veriflow.core.merkle.MerkleLog;
import org.veriflow.core.merkle.MerkleTree;
import org.veriflow.core.merkle.SubtreeSource;
import org.veriflow.protocol.proto.BlockHeader;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.proto.TxLocation;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.KeyValueStore;
import org.veriflow.ledger.store.WriteBatch;

/**
 * Executes a block's transactions in order against the committed state and derives every header
 * field. Deterministic: it reads only the store, the transactions and the proposal's height and
 * timestamp. Does not write the store.
 */
final class BlockExecutor {
  private static final byte[] STATE_TAG = "veriflow/state/v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final TxRules rules;

  BlockExecutor(TxRules rules) {
    this.rules = rules;
  }

  ExecutedBlock execute(KeyValueStore store, BlockRecord previousBlock, long timestampMillis, List<VerifiedTx> txs) {
    BlockHeader previous = previousBlock.header();
    long height = previous.getHeight() + 1;
    if (timestampMillis < previous.getTimestampMillis()) {
      throw new IllegalArgumentException("block " + height + " timestamp " + timestampMillis
          + " is before its predecessor's " + previous.getTimestampMillis());
    }
    String chainId = previous.getChainId();
    StateLayer blockState = new StateLayer(new StoreState(store));
    WriteBatch batch = new WriteBatch();
    // Log nodes written by this block; lookups only, never iterated.
    Map<Long, Hash> newNodes = new HashMap<>();
    SubtreeSource log = (level, index) -> {
      Hash pending = newNodes.get(nodeId(level, index));
      if (pending != null) {
        return pending;
      }
      return store.get(Column.LOG_NODES, Keys.logNode(level, index)).map(Hash::of)
          .orElseThrow(() -> new IllegalStateException("transaction log node (" + level + ", " + index + ") is missing"));
    };
    long logSize = previous.getLogSize();
    MerkleTree txTree = new MerkleTree();
    MerkleTree resultTree = new MerkleTree();
    Set<Hash> seen = new HashSet<>();
    List<TxResult> results = new ArrayList<>(txs.size());

    for (int i = 0; i < txs.size(); i++) {
      VerifiedTx tx = txs.get(i);
      TxResult result;
      boolean duplicate = !seen.add(tx.id()) || store.get(Column.TX_INDEX, tx.id().bytes()).isPresent();
      if (duplicate) {
        result = failed(tx, RejectionCode.DUPLICATE_TX.name(), "transaction " + tx.id() + " was already included");
      } else {
        TxRules.Outcome checked = rules.check(tx, blockState, chainId, height, timestampMillis, 0);
        if (checked.rejection() != null) {
          result = failed(tx, checked.rejection().code().name(), checked.rejection().message());
          // A known sender's transaction carrying the right nonce consumes it even when a check fails
          // here (expired meanwhile, authorisation lost): it was ordered, so its nonce is spent.
          if (consumesNonce(checked.rejection().code()) && TxRules.nextNonce(blockState, tx.sender()) == tx.nonce()) {
            blockState.put(TxRules.nonceKey(tx.sender()), Keys.height(tx.nonce() + 1));
          }
        } else {
          // The nonce is consumed whether or not the call succeeds.
          blockState.put(TxRules.nonceKey(tx.sender()), Keys.height(tx.nonce() + 1));
          result = call(checked.prepared(), blockState, chainId, height, timestampMillis);
        }
        long leaf = logSize + i;
        batch.put(Column.TX_INDEX, tx.id().bytes(),
            TxLocation.newBuilder().setHeight(height).setIndex(i).setLeafIndex(leaf).build().toByteArray());
      }
      byte[] resultBytes = result.toByteArray();
      batch.put(Column.RESULTS, Keys.result(height, i), resultBytes);
      results.add(result);
      Hash leafHash = MerkleHashes.leafHash(tx.id().bytes());
      MerkleLog.append(log, (level, index, hash) -> {
        newNodes.put(nodeId(level, index), hash);
        batch.put(Column.LOG_NODES, Keys.logNode(level, index), hash.bytes());
      }, logSize + i, leafHash);
      txTree.append(leafHash);
      resultTree.append(MerkleHashes.leafHash(Hash.sha256(resultBytes).bytes()));
    }
    long newLogSize = logSize + txs.size();
    NavigableMap<byte[], byte[]> writes = blockState.writes();
    for (Map.Entry<byte[], byte[]> w : writes.entrySet()) {
      if (w.getValue() == null) {
        batch.delete(Column.STATE, w.getKey());
      } else {
        batch.put(Column.STATE, w.getKey(), w.getValue());
      }
    }
    BlockHeader header = BlockHeader.newBuilder()
        .setChainId(chainId)
        .setHeight(height)
        .setPreviousHash(ByteString.copyFrom(previousBlock.hash().bytes()))
        .setTimestampMillis(timestampMillis)
        .setTxRoot(ByteString.copyFrom(txTree.root().bytes()))
        .setLogSize(newLogSize)
        .setLogRoot(ByteString.copyFrom(MerkleLog.root(log, newLogSize).bytes()))
        .setStateHash(ByteString.copyFrom(stateHash(Hash.of(previous.getStateHash().toByteArray()), writes).bytes()))
        .setResultRoot(ByteString.copyFrom(resultTree.root().bytes()))
        .setTxCount(txs.size())
        .build();
    return new ExecutedBlock(header, txs, results, batch);
  }

  private TxResult call(TxRules.Prepared p, StateLayer blockState, String chainId, long height, long timestampMillis) {
    StateLayer txState = new StateLayer(blockState);
    TxContext ctx = TxContext.writable(txState, p.contract().name(), p.contract().writesTo(), p.tx(), chainId, height, timestampMillis);
    try {
      p.method().execute(ctx, p.arguments());
    } catch (ContractException e) {
      return failed(p.tx(), e.code(), e.getMessage());
    }
    txState.mergeInto(blockState);
    return TxResult.newBuilder()
        .setTxId(ByteString.copyFrom(p.tx().id().bytes()))
        .setStatus(TxStatus.COMMITTED)
        .addAllEvents(ctx.events())
        .setOutput(ByteString.copyFrom(ctx.output()))
        .build();
  }

  private static boolean consumesNonce(RejectionCode code) {
    return code != RejectionCode.UNKNOWN_SENDER && code != RejectionCode.NONCE_TOO_LOW && code != RejectionCode.NONCE_TOO_HIGH;
  }

  private static TxResult failed(VerifiedTx tx, String code, String message) {
    return TxResult.newBuilder()
        .setTxId(ByteString.copyFrom(tx.id().bytes()))
        .setStatus(TxStatus.FAILED)
        .setCode(code)
        .setMessage(message)
        .build();
  }

  private static long nodeId(int level, long index) {
    return ((long) level << 56) | index;
  }

  /** SHA-256(tag || previous || each write in key order as len(key) key present len(value) value). */
  static Hash stateHash(Hash previous, NavigableMap<byte[], byte[]> sortedWrites) {
    MessageDigest md = Hash.digest();
    md.update(STATE_TAG);
    previous.updateDigest(md);
    ByteBuffer len = ByteBuffer.allocate(4);
    for (Map.Entry<byte[], byte[]> w : sortedWrites.entrySet()) {
      md.update(len.clear().putInt(w.getKey().length).array());
      md.update(w.getKey());
      if (w.getValue() == null) {
        md.update((byte) 0);
      } else {
        md.update((byte) 1);
        md.update(len.clear().putInt(w.getValue().length).array());
        md.update(w.getValue());
      }
    }
    return Hash.of(md.digest());
  }
}
