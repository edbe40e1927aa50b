package org.veriflow.client;

/** Why a signed checkpoint was refused. Stable names: the CLI reports them. */
public enum CheckpointFailure {
  /** The signer's algorithm or public key does not decode. */
  MALFORMED_SIGNER,
  /** The signer's id is not the identity id of its public key. */
  SIGNER_ID_MISMATCH,
  /** The signer is not one of the orderers the caller trusts. */
  UNKNOWN_SIGNER,
  /** The signature over the checkpoint bytes does not verify under the signer's key. */
  BAD_SIGNATURE,
  /** The signed bytes are not a {@code Checkpoint} message. */
  MALFORMED_CHECKPOINT,
  /** The signed chain id differs from the one shown. */
  CHAIN_ID_MISMATCH,
  /** The signed height differs from the one shown. */
  HEIGHT_MISMATCH,
  /** The signed block hash differs from the one shown. */
  BLOCK_HASH_MISMATCH,
  /** The signed state hash differs from the one shown. */
  STATE_HASH_MISMATCH
}
