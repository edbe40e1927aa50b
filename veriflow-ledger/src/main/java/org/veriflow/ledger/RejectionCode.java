package org.veriflow.ledger;

import org.veriflow.protocol.FailureCode;

/**
 * Why a transaction was refused. The names are stable error codes: the HTTP API reports them as
 * {@code code} in problem+json and the CLI prints them. Never rename one.
 *
 * <p>A {@link FailureCode} too, so that a contract's argument decoding can raise {@link
 * #NON_CANONICAL}, the one rule every contract shares.
 */
public enum RejectionCode implements FailureCode {
  MALFORMED("the transaction could not be decoded"),
  TOO_LARGE("the transaction exceeds the chain's maximum size"),
  WRONG_CHAIN_ID("the transaction names another chain"),
  BAD_SIGNATURE("the signature does not verify against the sender key"),
  HIGH_S_SIGNATURE("the P-256 signature is not in low-S form"),
  UNKNOWN_SENDER("the sender is not a registered identity"),
  REVOKED_SENDER("the sender's identity is revoked"),
  NONCE_TOO_LOW("the nonce was already used"),
  NONCE_TOO_HIGH("the nonce is beyond the accepted window"),
  DUPLICATE_TX("the transaction is already pending or committed"),
  EXPIRED("the transaction's valid-until height has passed"),
  UNKNOWN_CONTRACT("no such contract"),
  UNKNOWN_METHOD("the contract has no such method"),
  BAD_ARGUMENTS("the arguments do not decode or are invalid for the method"),
  NOT_AUTHORISED("the sender may not call this method with these arguments"),
  MEMPOOL_FULL("the node's pending-transaction pool is full; retry later"),
  NO_QUORUM("the cluster has no leader: no majority of its members (counting only those whose Raft log holds entries) could elect one; retry later"),
  LEADER_UNREACHABLE("the node could not hand the transaction to the cluster's leader; retry later"),
  NON_CANONICAL("the transaction or its arguments hold unknown protobuf fields or are not in canonical encoding"),
  SENDER_POOL_FULL("the sender's pending transactions already take their share of the node's pool; wait for some to commit"),
  VALID_UNTIL_TOO_FAR("the transaction's valid-until height is further above the current height than this node accepts");

  private final String description;

  RejectionCode(String description) {
    this.description = description;
  }

  /** One sentence, for documentation and error titles. */
  public String description() {
    return description;
  }
}
