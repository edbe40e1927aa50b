package org.veriflow.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.Block;
import org.veriflow.protocol.proto.BlockHeader;
import org.veriflow.protocol.proto.SignedTx;

/**
 * A stored block with its header decoded and its hash computed from the header bytes as stored.
 * Immutable.
 */
public record BlockRecord(Block block, BlockHeader header, Hash hash) {
  /**
   * @throws IllegalStateException if the stored bytes do not decode (store corruption)
   */
  static BlockRecord parse(byte[] blockBytes) {
    try {
      Block block = Block.parseFrom(blockBytes);
      return of(block);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored block does not decode: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes a block received from elsewhere, keeping its header bytes as they are.
   *
   * @throws IllegalArgumentException if the bytes are not a block
   */
  public static BlockRecord decode(byte[] blockBytes) {
    try {
      return of(Block.parseFrom(blockBytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a block: " + e.getMessage(), e);
    }
  }

  static BlockRecord of(Block block) throws InvalidProtocolBufferException {
    byte[] headerBytes = block.getHeader().toByteArray();
    return new BlockRecord(block, BlockHeader.parseFrom(headerBytes), Hash.sha256(headerBytes));
  }

  public long height() {
    return header.getHeight();
  }

  public List<SignedTx> transactions() {
    return block.getTransactionsList();
  }
}
