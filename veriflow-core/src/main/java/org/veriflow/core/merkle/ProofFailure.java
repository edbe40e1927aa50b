package org.veriflow.core.merkle;

/**
 * Why a proof was refused: one constant per kind of failure. Stable names: they are reported by the
 * API, the SDK and the CLI. The first three are the Merkle verifier's; the others are the checks a
 * client runs around a Merkle proof (block headers, signed bytes, batches, exports).
 */
public enum ProofFailure {
  /** The leaf index is not inside the tree, or the older size exceeds the newer one. */
  INVALID_SIZES,
  /** The proof has more or fewer hashes than the sizes call for. */
  WRONG_PROOF_LENGTH,
  /** The recomputed root differs from the expected root. */
  ROOT_MISMATCH,
  /** A proof is for another log size than the block header records. */
  LOG_SIZE_MISMATCH,
  /** A block's header bytes do not hash to the block's hash. */
  BLOCK_HASH_MISMATCH,
  /** A block's header bytes do not decode. */
  MALFORMED_BLOCK_HEADER,
  /** A block's signed header records another height than the one asked for. */
  BLOCK_HEIGHT_MISMATCH,
  /** An orderer's signature over a block header does not verify. */
  BLOCK_SIGNATURE_INVALID,
  /** A block carries no signature by an orderer of the chain. */
  NO_ORDERER_SIGNATURE,
  /** Bytes the node returned (a transaction's payload, a decision, a reading) do not hash to the id they were asked by. */
  PAYLOAD_HASH_MISMATCH,
  /** Bytes the node returned (a transaction, a decision, a reading) do not decode. */
  MALFORMED_PAYLOAD,
  /** A transaction is not the contract call it should be (e.g. not a batch of decisions or readings). */
  UNEXPECTED_CALL,
  /** What the node shows differs from the bytes that were signed or logged. */
  CONTENT_MISMATCH,
  /** A transaction does not carry the item (decision, reading) at the index the node names. */
  TX_NOT_IN_BATCH,
  /** A batch's items give another root than the one recorded. */
  BATCH_ROOT_MISMATCH,
  /** A transaction is in a block but failed, so what it carried was not recorded. */
  TX_NOT_COMMITTED,
  /** A reading's device is not in its stream. */
  UNKNOWN_DEVICE,
  /** A device's signature over a reading does not verify. */
  SIGNATURE_INVALID,
  /** An export recomputed from the chain's readings differs from the snapshot the chain records. */
  SNAPSHOT_MISMATCH
}
