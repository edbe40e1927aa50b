package org.veriflow.ledger;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.merkle.MerkleHashes;
import org.veriflow.core.merkle.MerkleLog;
import org.veriflow.core.merkle.SubtreeSource;
import org.veriflow.protocol.proto.Block;
import org.veriflow.protocol.proto.BlockHeader;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.OrdererSignature;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.ledger.exec.ContractRegistry;
import org.veriflow.ledger.exec.SenderRegistry;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.ledger.proto.ChainParameters;
import org.veriflow.ledger.proto.OrdererKey;
import org.veriflow.ledger.proto.TxLocation;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.KeyValueStore;
import org.veriflow.ledger.store.WriteBatch;

/**
 * One chain's ledger over a {@link KeyValueStore}: admission checks, block execution, durable
 * commit, recovery, queries and proofs.
 *
 * <p>One block at a time: {@link #execute} and {@link #commit} are serialised internally; reads are
 * thread-safe and see the last committed head. A block is committed by a single synced write batch
 * holding the block, its results, its index entries, its log nodes, its state writes and the new
 * head, so a crash leaves either the whole block or none of it.
 */
public final class Ledger implements AutoCloseable {
  /** How far above a sender's next nonce an admitted transaction's nonce may be. */
  public static final long DEFAULT_NONCE_WINDOW = 1024;

  private static final byte[] PARAMS_KEY = Keys.state(ContractRegistry.SYSTEM_NAMESPACE, "params".getBytes(java.nio.charset.StandardCharsets.UTF_8));

  private final KeyValueStore store;
  private final ChainParams params;
  private final TxRules rules;
  private final BlockExecutor executor;
  private final long nonceWindow;
  private final Object writeLock = new Object();
  private final List<Consumer<ExecutedBlock>> listeners = new CopyOnWriteArrayList<>();
  private volatile BlockRecord head;

  private Ledger(KeyValueStore store, ChainParams params, ContractRegistry contracts, SenderRegistry senders, long nonceWindow) {
    this.store = store;
    this.params = params;
    this.rules = new TxRules(contracts, senders);
    this.executor = new BlockExecutor(rules);
    this.nonceWindow = nonceWindow;
  }

  /**
   * Opens the ledger in {@code store}: writes the genesis block into an empty store, or checks that
   * the stored genesis matches {@code genesis}; then re-executes any stored block whose state is
   * missing (a block stored but not applied before a crash).
   *
   * @throws IllegalStateException if the store belongs to another genesis or a re-executed block
   *     differs from the stored one
   */
  public static Ledger open(KeyValueStore store, ContractRegistry contracts, SenderRegistry senders, GenesisState genesis) {
    return open(store, contracts, senders, genesis, DEFAULT_NONCE_WINDOW);
  }

  public static Ledger open(KeyValueStore store, ContractRegistry contracts, SenderRegistry senders, GenesisState genesis, long nonceWindow) {
    Ledger ledger = new Ledger(store, genesis.params(), contracts, senders, nonceWindow);
    GenesisBlock g = genesisBlock(genesis);
    Optional<byte[]> stored = store.get(Column.BLOCKS, Keys.height(0));
    if (stored.isEmpty()) {
      WriteBatch batch = new WriteBatch();
      for (var w : g.writes().entrySet()) {
        batch.put(Column.STATE, w.getKey(), w.getValue());
      }
      batch.put(Column.BLOCKS, Keys.height(0), g.block().toByteArray());
      batch.put(Column.META, Keys.META_HEAD, Keys.height(0));
      batch.put(Column.META, Keys.META_APPLIED, Keys.height(0));
      store.write(batch, true);
    } else {
      BlockRecord storedGenesis = BlockRecord.parse(stored.get());
      Hash expected = Hash.sha256(g.block().getHeader().toByteArray());
      if (!storedGenesis.hash().equals(expected)) {
        throw new IllegalStateException("the ledger store holds chain '" + storedGenesis.header().getChainId()
            + "' with genesis " + storedGenesis.hash() + ", but the genesis file gives " + expected);
      }
    }
    ledger.recover();
    return ledger;
  }

  private record GenesisBlock(Block block, TreeMap<byte[], byte[]> writes) {}

  private static GenesisBlock genesisBlock(GenesisState genesis) {
    TreeMap<byte[], byte[]> writes = new TreeMap<>(Arrays::compareUnsigned);
    writes.put(PARAMS_KEY, toProto(genesis.params()).toByteArray());
    for (GenesisState.Write w : genesis.writes()) {
      if (writes.put(Keys.state(w.namespace(), w.key()), w.value()) != null) {
        throw new IllegalArgumentException("genesis writes the key " + new String(w.key(), java.nio.charset.StandardCharsets.UTF_8) + " of " + w.namespace() + " twice");
      }
    }
    ByteString empty = ByteString.copyFrom(MerkleHashes.EMPTY_ROOT.bytes());
    BlockHeader header = BlockHeader.newBuilder()
        .setChainId(genesis.params().chainId())
        .setHeight(0)
        .setPreviousHash(ByteString.copyFrom(Hash.ZERO.bytes()))
        .setTimestampMillis(genesis.timestampMillis())
        .setTxRoot(empty)
        .setLogSize(0)
        .setLogRoot(empty)
        .setStateHash(ByteString.copyFrom(BlockExecutor.stateHash(Hash.ZERO, writes).bytes()))
        .setResultRoot(empty)
        .setTxCount(0)
        .build();
    return new GenesisBlock(Block.newBuilder().setHeader(header.toByteString()).build(), writes);
  }

  private static ChainParameters toProto(ChainParams p) {
    ChainParameters.Builder b = ChainParameters.newBuilder().setChainId(p.chainId()).setMaxTxBytes(p.maxTxBytes());
    for (PublicKey k : p.orderers()) {
      b.addOrderers(OrdererKey.newBuilder().setPublicKey(ByteString.copyFrom(k.encoded())).setAlgorithm(toProto(k.algorithm())));
    }
    return b.build();
  }

  static KeyAlgorithm toProto(SignatureAlgorithm a) {
    return a == SignatureAlgorithm.ED25519 ? KeyAlgorithm.ED25519 : KeyAlgorithm.P256;
  }

  private void recover() {
    long headHeight = Keys.readLong(store.get(Column.META, Keys.META_HEAD).orElseThrow(() -> new IllegalStateException("ledger store has no head")));
    long applied = Keys.readLong(store.get(Column.META, Keys.META_APPLIED).orElseThrow(() -> new IllegalStateException("ledger store has no applied height")));
    this.head = block(applied).orElseThrow(() -> new IllegalStateException("applied block " + applied + " is missing"));
    for (long h = applied + 1; h <= headHeight; h++) {
      final long missing = h;
      BlockRecord stored = block(h).orElseThrow(() -> new IllegalStateException(
          "block " + missing + " is missing although the store's head is " + headHeight + "; the store is damaged"));
      ExecutedBlock again = reexecute(stored);
      commitInternal(again, stored.block(), false);
    }
  }

  /**
   * Re-executes a stored or received block: checks its orderer signatures, verifies its
   * transactions' signatures (in parallel), executes them on the current head and checks that every
   * header field matches.
   *
   * @throws IllegalStateException naming the block and the first field that differs
   */
  ExecutedBlock reexecute(BlockRecord stored) {
    return reexecute(stored, NOTHING_CHECKED);
  }

  private ExecutedBlock reexecute(BlockRecord stored, CheckedHere checkedHere) {
    requireOrdererSignatures(stored);
    long previousMillis = head.header().getTimestampMillis();
    if (stored.header().getTimestampMillis() < previousMillis) {
      throw new IllegalStateException("block " + stored.height() + ": timestamp_millis " + stored.header().getTimestampMillis()
          + " is before its predecessor's " + previousMillis);
    }
    List<VerifiedTx> txs = verifyAll(stored, checkedHere);
    ExecutedBlock again = executor.execute(store, head, stored.header().getTimestampMillis(), txs);
    if (!Arrays.equals(again.headerBytesUnsafe(), stored.block().getHeader().toByteArray())) {
      throw new IllegalStateException("block " + stored.height() + ": " + describeDifference(stored.header(), again.header()));
    }
    return again;
  }

  List<VerifiedTx> verifyAll(BlockRecord stored) {
    return verifyAll(stored, NOTHING_CHECKED);
  }

  private List<VerifiedTx> verifyAll(BlockRecord stored, CheckedHere checkedHere) {
    List<SignedTx> signed = stored.transactions();
    List<TxDecoder.Outcome> outcomes = signed.parallelStream().map(tx -> {
      if (checkedHere == NOTHING_CHECKED) {
        return TxDecoder.decode(tx, tx.getSerializedSize(), params);
      }
      Hash id = Hash.sha256(tx.getPayload().toByteArray());
      VerifiedTx known = checkedHere.find(id);
      // Only the very bytes this node checked: the same payload under another signature is checked afresh.
      return known != null && known.signed().equals(tx) ? new TxDecoder.Outcome(known, null) : TxDecoder.decode(tx, tx.getSerializedSize(), params, id);
    }).toList();
    List<VerifiedTx> txs = new ArrayList<>(outcomes.size());
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i).rejection() != null) {
        throw new IllegalStateException("block " + stored.height() + ": transaction " + i + " is invalid: " + outcomes.get(i).rejection());
      }
      txs.add(outcomes.get(i).tx());
    }
    return txs;
  }

  void requireOrdererSignatures(BlockRecord stored) {
    byte[] headerBytes = stored.block().getHeader().toByteArray();
    if (stored.block().getSignaturesCount() == 0) {
      throw new IllegalStateException("block " + stored.height() + " carries no orderer signature");
    }
    for (OrdererSignature s : stored.block().getSignaturesList()) {
      PublicKey key;
      try {
        SignatureAlgorithm alg = s.getAlgorithm() == KeyAlgorithm.P256 ? SignatureAlgorithm.P256 : SignatureAlgorithm.ED25519;
        key = PublicKey.decode(alg, s.getPublicKey().toByteArray());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("block " + stored.height() + " has a malformed orderer key: " + e.getMessage(), e);
      }
      if (!params.orderers().contains(key)) {
        throw new IllegalStateException("block " + stored.height() + " is signed by " + key.id() + ", which is not an orderer of this chain");
      }
      var check = key.verify(headerBytes, s.getSignature().toByteArray());
      if (!check.isValid()) {
        throw new IllegalStateException("block " + stored.height() + ": orderer signature by " + key.id() + " fails (" + check + ")");
      }
    }
  }

  static String describeDifference(BlockHeader stored, BlockHeader recomputed) {
    for (FieldDescriptor f : BlockHeader.getDescriptor().getFields()) {
      Object a = stored.getField(f);
      Object b = recomputed.getField(f);
      if (!a.equals(b)) {
        return f.getName() + " differs: stored " + show(a) + ", recomputed " + show(b);
      }
    }
    return "header bytes differ in encoding although every field is equal";
  }

  private static String show(Object v) {
    return v instanceof ByteString bs ? org.veriflow.core.Hex.encode(bs.toByteArray()) : String.valueOf(v);
  }

  // ---------------------------------------------------------------- admission

  /**
   * Checks a submitted transaction against the committed state: decoding, size, chain id,
   * signature, expiry, duplicate, sender, nonce window, contract, method, arguments, authorisation.
   * Changes nothing. Thread-safe.
   */
  public Admission admit(byte[] signedTxBytes) {
    TxDecoder.Outcome decoded = TxDecoder.decode(signedTxBytes, params);
    if (decoded.rejection() != null) {
      return new Admission(null, decoded.rejection());
    }
    VerifiedTx tx = decoded.tx();
    if (store.get(Column.TX_INDEX, tx.id().bytes()).isPresent()) {
      return new Admission(null, new Rejection(RejectionCode.DUPLICATE_TX, "transaction " + tx.id() + " is already committed"));
    }
    BlockRecord h = head;
    TxRules.Outcome checked = rules.check(tx, new StoreState(store), params.chainId(), h.height() + 1, h.header().getTimestampMillis(), nonceWindow);
    return checked.rejection() != null ? new Admission(null, checked.rejection()) : new Admission(tx, null);
  }

  /** The outcome of {@link #admit}: a verified transaction or a rejection. */
  public record Admission(VerifiedTx tx, Rejection rejection) {
    public boolean accepted() {
      return tx != null;
    }
  }

  // ---------------------------------------------------------------- blocks

  /**
   * Executes {@code txs} as the next block on the current head, without committing. Transactions
   * that fail a check are recorded as failed in the block; none is dropped.
   */
  public ExecutedBlock execute(long timestampMillis, List<VerifiedTx> txs) {
    synchronized (writeLock) {
      return executor.execute(store, head, Math.max(timestampMillis, head.header().getTimestampMillis()), txs);
    }
  }

  /**
   * Makes {@code block} durable (write-ahead log synced) with the given orderer signatures, then
   * tells the listeners. Returns only once the block survives a crash.
   *
   * @throws IllegalStateException if the head moved since {@code block} was executed, or if the
   *     signatures are missing, by a key that is not an orderer, or do not verify over the header
   */
  public BlockRecord commit(ExecutedBlock block, List<OrdererSignature> signatures) {
    return commit(block, signatures, null);
  }

  /**
   * As {@link #commit(ExecutedBlock, List)}, and stores {@code ordererPosition} (opaque to the
   * ledger: a replicated orderer's log position of this block) in the same write batch as the
   * block, so that the block and the orderer's record of having applied it never disagree after a
   * crash.
   */
  public BlockRecord commit(ExecutedBlock block, List<OrdererSignature> signatures, byte[] ordererPosition) {
    Block full = block.toBlock(signatures);
    // A block stored without valid orderer signatures could never be re-verified or recovered.
    requireOrdererSignatures(new BlockRecord(full, block.header(), block.hash()));
    BlockRecord record = commitInternal(block, full, true, ordererPosition);
    for (Consumer<ExecutedBlock> l : listeners) {
      l.accept(block);
    }
    return record;
  }

  /**
   * Commits a block ordered elsewhere (received from a replicated log or fetched from another
   * node), exactly as received: checks its orderer signatures, verifies its transactions, executes
   * them on the head and requires every header field to match what this node computes, then stores
   * it with {@code ordererPosition} in one write batch and tells the listeners.
   *
   * @throws IllegalArgumentException if {@code block} does not extend the head (its height or
   *     previous hash), so that the caller can tell a stale block from a divergent one
   * @throws IllegalStateException naming the block and the first header field (such as
   *     {@code state_hash}) whose received and recomputed values differ, or the signature or
   *     transaction that fails: this node disagrees with the block's orderer
   */
  public BlockRecord commitReceived(BlockRecord block, byte[] ordererPosition) {
    return commitReceived(block, ordererPosition, NOTHING_CHECKED);
  }

  /**
   * Transactions this node has itself checked (decoded and signature-verified, at admission) and
   * still holds, by id. A received block's transaction whose signed bytes are identical to one of
   * them is not verified a second time; any other is. Called from several threads at once.
   */
  @FunctionalInterface
  public interface CheckedHere {
    /** The transaction with this id that this node checked, or null. */
    VerifiedTx find(Hash id);
  }

  private static final CheckedHere NOTHING_CHECKED = id -> null;

  /**
   * {@link #commitReceived(BlockRecord, byte[])}, taking from {@code checkedHere} the transactions
   * this node checked already (a cluster member that relayed them to the leader), so that each
   * signature is verified once per node.
   */
  public BlockRecord commitReceived(BlockRecord block, byte[] ordererPosition, CheckedHere checkedHere) {
    ExecutedBlock again;
    BlockRecord record;
    synchronized (writeLock) {
      if (!extendsHead(block)) {
        throw new IllegalArgumentException("block " + block.height() + " with previous hash "
            + org.veriflow.core.Hex.encode(block.header().getPreviousHash().toByteArray()) + " does not extend the head " + head.height() + " (" + head.hash() + ")");
      }
      again = reexecute(block, checkedHere);
      record = commitInternal(again, block.block(), true, ordererPosition);
    }
    for (Consumer<ExecutedBlock> l : listeners) {
      l.accept(again);
    }
    return record;
  }

  /** Whether {@code block} is the next block on the current head (its height and previous hash). */
  public boolean extendsHead(BlockRecord block) {
    BlockRecord h = head;
    return block.height() == h.height() + 1 && block.header().getPreviousHash().equals(ByteString.copyFrom(h.hash().bytes()));
  }

  /** The orderer position stored with the last block committed with one, if any. */
  public Optional<byte[]> ordererPosition() {
    return store.get(Column.META, Keys.META_ORDERER_POSITION);
  }

  /** The orderer position stored with the block at {@code height}, if it was committed with one. */
  public Optional<byte[]> ordererPosition(long height) {
    return store.get(Column.META, Keys.ordererPosition(height));
  }

  private BlockRecord commitInternal(ExecutedBlock block, Block full, boolean writeBlock) {
    return commitInternal(block, full, writeBlock, null);
  }

  private BlockRecord commitInternal(ExecutedBlock block, Block full, boolean writeBlock, byte[] ordererPosition) {
    synchronized (writeLock) {
      if (!block.header().getPreviousHash().equals(ByteString.copyFrom(head.hash().bytes()))) {
        throw new IllegalStateException("block " + block.height() + " does not extend the head " + head.height());
      }
      WriteBatch batch = block.writes();
      if (writeBlock) {
        batch.put(Column.BLOCKS, Keys.height(block.height()), full.toByteArray());
        batch.put(Column.META, Keys.META_HEAD, Keys.height(block.height()));
      }
      if (ordererPosition != null) {
        batch.put(Column.META, Keys.META_ORDERER_POSITION, ordererPosition.clone());
        batch.put(Column.META, Keys.ordererPosition(block.height()), ordererPosition.clone());
      }
      batch.put(Column.META, Keys.META_APPLIED, Keys.height(block.height()));
      store.write(batch, true);
      BlockRecord record = new BlockRecord(full, block.header(), block.hash());
      head = record;
      return record;
    }
  }

  /** Registers a listener called, on the committing thread, after each block is durable. */
  public void onCommit(Consumer<ExecutedBlock> listener) {
    listeners.add(listener);
  }

  // ---------------------------------------------------------------- queries

  public ChainParams params() {
    return params;
  }

  public String chainId() {
    return params.chainId();
  }

  /** The last committed block. */
  public BlockRecord head() {
    return head;
  }

  public Optional<BlockRecord> block(long height) {
    if (height < 0) {
      return Optional.empty();
    }
    return store.get(Column.BLOCKS, Keys.height(height)).map(BlockRecord::parse);
  }

  /** A committed (or failed) transaction: where it is and its result. */
  public record TxRecord(Hash id, long height, int index, long leafIndex, TxResult result, SignedTx tx) {}

  public Optional<TxRecord> transaction(Hash id) {
    Optional<byte[]> loc = store.get(Column.TX_INDEX, id.bytes());
    if (loc.isEmpty()) {
      return Optional.empty();
    }
    try {
      TxLocation l = TxLocation.parseFrom(loc.get());
      TxResult result = TxResult.parseFrom(store.get(Column.RESULTS, Keys.result(l.getHeight(), l.getIndex())).orElseThrow());
      SignedTx tx = block(l.getHeight()).orElseThrow().transactions().get(l.getIndex());
      return Optional.of(new TxRecord(id, l.getHeight(), l.getIndex(), l.getLeafIndex(), result, tx));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored record of transaction " + id + " does not decode", e);
    }
  }

  /** The results of a block's transactions, in block order. */
  public List<TxResult> results(long height) {
    List<TxResult> out = new ArrayList<>();
    for (byte[] v : store.scan(Column.RESULTS, Keys.result(height, 0), Keys.result(height + 1, 0), Integer.MAX_VALUE).values()) {
      try {
        out.add(TxResult.parseFrom(v));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("stored result in block " + height + " does not decode", e);
      }
    }
    return out;
  }

  private SubtreeSource logNodes() {
    return (level, index) -> store.get(Column.LOG_NODES, Keys.logNode(level, index)).map(Hash::of)
        .orElseThrow(() -> new IllegalStateException("transaction log node (" + level + ", " + index + ") is missing"));
  }

  /**
   * RFC 6962 inclusion proof of log leaf {@code leafIndex} in the log of size {@code logSize}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= leafIndex < logSize <= head log size}
   */
  public List<Hash> inclusionProof(long leafIndex, long logSize) {
    requireLogSize(logSize);
    return MerkleLog.inclusionProof(logNodes(), leafIndex, logSize);
  }

  /**
   * RFC 6962 consistency proof between log sizes {@code from} and {@code to}.
   *
   * @throws IllegalArgumentException unless {@code 0 <= from <= to <= head log size}
   */
  public List<Hash> consistencyProof(long from, long to) {
    requireLogSize(to);
    return MerkleLog.consistencyProof(logNodes(), from, to);
  }

  /** Root of the transaction log at {@code logSize}. */
  public Hash logRoot(long logSize) {
    requireLogSize(logSize);
    return MerkleLog.root(logNodes(), logSize);
  }

  private void requireLogSize(long logSize) {
    long max = head.header().getLogSize();
    if (logSize < 0 || logSize > max) {
      throw new IllegalArgumentException("log size " + logSize + " is outside 0.." + max);
    }
  }

  /** The next nonce {@code id} must use, as of the head. */
  public long nextNonce(IdentityId id) {
    return TxRules.nextNonce(new StoreState(store), id);
  }

  /** Read-only view of a contract's committed state. */
  public StateView state(String namespace) {
    return TxContext.view(new StoreState(store), namespace);
  }

  @Override
  public void close() {
    store.close();
  }
}
