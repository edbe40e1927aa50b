package org.veriflow.ledger;

import com.google.protobuf.ByteString;
import java.util.List;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.Block;
import org.veriflow.protocol.proto.OrdererSignature;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.BlockHeader;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.ledger.store.WriteBatch;

/**
 * A block executed but not yet committed: its header (serialised once; the block hash is SHA-256
 * of exactly these bytes), its transactions, their results, and every store write it implies
 * except the block row itself. Immutable once built.
 */
public final class ExecutedBlock {
  private final BlockHeader header;
  private final byte[] headerBytes;
  private final Hash hash;
  private final List<VerifiedTx> transactions;
  private final List<TxResult> results;
  private final WriteBatch writes;

  ExecutedBlock(BlockHeader header, List<VerifiedTx> transactions, List<TxResult> results, WriteBatch writes) {
    this.header = header;
    this.headerBytes = header.toByteArray();
    this.hash = Hash.sha256(headerBytes);
    this.transactions = List.copyOf(transactions);
    this.results = List.copyOf(results);
    this.writes = writes;
  }

  public BlockHeader header() {
    return header;
  }

  /** The header bytes that orderers sign and whose SHA-256 is the block hash. */
  public byte[] headerBytes() {
    return headerBytes.clone();
  }

  byte[] headerBytesUnsafe() {
    return headerBytes;
  }

  public Hash hash() {
    return hash;
  }

  public long height() {
    return header.getHeight();
  }

  public List<VerifiedTx> transactions() {
    return transactions;
  }

  public List<TxResult> results() {
    return results;
  }

  /** An orderer's signature over these header bytes with {@code key}. */
  public OrdererSignature signWith(SigningKey key) {
    return OrdererSignature.newBuilder()
        .setPublicKey(ByteString.copyFrom(key.publicKey().encoded()))
        .setAlgorithm(Ledger.toProto(key.algorithm()))
        .setSignature(ByteString.copyFrom(key.sign(headerBytes)))
        .build();
  }

  /** The full block: these header bytes as they are, the given orderer signatures and the transactions. */
  public Block toBlock(List<OrdererSignature> signatures) {
    return Block.newBuilder()
        .setHeader(ByteString.copyFrom(headerBytes))
        .addAllSignatures(signatures)
        .addAllTransactions(transactions.stream().map(VerifiedTx::signed).toList())
        .build();
  }

  WriteBatch writes() {
    return writes;
  }
}
