package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/chain}.
 *
 * @param chainId the chain's id
 * @param genesisHash the genesis block's hash (64 hex)
 * @param height the head's height
 * @param maxTxBytes the largest transaction the chain accepts
 * @param orderers the keys whose signatures make a block valid
 */
public record Chain(String chainId, String genesisHash, long height, int maxTxBytes, List<Orderer> orderers) {
  /** Copies the list. */
  public Chain {
    orderers = List.copyOf(orderers);
  }
}
