package org.veriflow.ledger;

import java.util.List;
import java.util.Objects;
import org.veriflow.core.crypto.PublicKey;

/**
 * Consensus-critical parameters fixed at genesis.
 *
 * @param chainId the chain's name; every transaction must carry it
 * @param maxTxBytes the largest accepted serialised transaction
 * @param orderers the keys allowed to sign blocks
 */
public record ChainParams(String chainId, int maxTxBytes, List<PublicKey> orderers) {
  /** Default largest transaction: room for a batch of 1,000 signed sensor readings (about 160 KB). */
  public static final int DEFAULT_MAX_TX_BYTES = 1024 * 1024;

  public ChainParams {
    Objects.requireNonNull(chainId, "chainId");
    if (!chainId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException("chain id must be 1-64 letters, digits, '.', '_' or '-', not '" + chainId + "'");
    }
    if (maxTxBytes < 256) {
      throw new IllegalArgumentException("maxTxBytes must be at least 256, not " + maxTxBytes);
    }
    orderers = List.copyOf(orderers);
    if (orderers.isEmpty()) {
      throw new IllegalArgumentException("a chain needs at least one orderer key");
    }
  }
}
