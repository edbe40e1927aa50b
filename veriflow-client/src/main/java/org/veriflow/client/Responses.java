package org.veriflow.client;

import java.util.List;
import java.util.Optional;

/** The node's answers, as plain values. */
public final class Responses {
  private Responses() {}

  /** {@code GET /v1/chain}. */
  public record ChainInfo(String chainId, String genesisHash, long height, int maxTxBytes, List<Orderer> orderers) {}

  /** An orderer key as the chain lists it. */
  public record Orderer(String id, String algorithm, String publicKeyHex) {}

  /**
   * The state of a transaction: {@code PENDING}, {@code COMMITTED}, {@code FAILED} or {@code UNKNOWN}.
   * {@code height}, {@code code} and {@code proof} are present once it is in a block.
   */
  public record TxInfo(String id, String status, Optional<Long> height, Optional<String> code, Optional<String> message,
      Optional<InclusionProof> proof) {
    public boolean committed() {
      return status.equals("COMMITTED");
    }

    public boolean inBlock() {
      return status.equals("COMMITTED") || status.equals("FAILED");
    }
  }

  /** An inclusion proof of a transaction in the global log of {@code logSize} leaves. */
  public record InclusionProof(long leafIndex, long logSize, long blockHeight, List<String> hashes) {}

  /** {@code GET /v1/blocks/...}; {@code headerBase64} is the header exactly as hashed and signed. */
  public record BlockInfo(long height, String hash, String previousHash, long timestamp, long logSize, String logRoot,
      String stateHash, int txCount, String headerBase64, List<String> transactions, List<BlockSignature> signatures) {}

  /** An orderer's signature over a block header. */
  public record BlockSignature(String publicKeyHex, String algorithm, String signatureHex) {}

  /** {@code GET /v1/log/consistency}. */
  public record ConsistencyProof(long from, long to, List<String> hashes) {}

  /** {@code GET /v1/accounts/{id}}. */
  public record Account(String id, long nonce, long balance) {}

  /** {@code GET /v1/identities/{id}}. */
  public record Identity(String id, String kind, String name, String owner, String algorithm, List<String> roles, String status,
      long registeredHeight, Optional<Long> revokedHeight, Optional<String> revocationReason) {}
}
