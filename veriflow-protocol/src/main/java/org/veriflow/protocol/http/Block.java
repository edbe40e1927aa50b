package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/blocks/{height}} and {@code /v1/blocks/latest}. Hashes and roots are 64 hex.
 *
 * @param height the block's height
 * @param hash the header's hash
 * @param chainId the chain's id
 * @param previousHash the previous block's hash
 * @param timestamp the orderer's time, milliseconds since the epoch
 * @param txRoot the root of the block's transactions
 * @param logSize the global log's size after the block
 * @param logRoot the global log's root after the block
 * @param stateHash the state's hash after the block
 * @param resultRoot the root of the transactions' results
 * @param txCount how many transactions the block holds
 * @param header the header exactly as hashed and signed, base64
 * @param signatures the orderers' signatures over the header
 * @param transactions the transactions' ids, in block order
 */
public record Block(long height, String hash, String chainId, String previousHash, long timestamp, String txRoot, long logSize,
    String logRoot, String stateHash, String resultRoot, int txCount, String header, List<BlockSignature> signatures,
    List<String> transactions) {
  /** Copies the lists. */
  public Block {
    signatures = List.copyOf(signatures);
    transactions = List.copyOf(transactions);
  }
}
