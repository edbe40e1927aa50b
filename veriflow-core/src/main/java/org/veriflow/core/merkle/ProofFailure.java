package org.veriflow.core.merkle;

/** Why a Merkle proof was refused. Stable names: they are reported by the API and the CLI. */
public enum ProofFailure {
  /** The leaf index is not inside the tree, or the older size exceeds the newer one. */
  INVALID_SIZES,
  /** The proof has more or fewer hashes than the sizes call for. */
  WRONG_PROOF_LENGTH,
  /** The recomputed root differs from the expected root. */
  ROOT_MISMATCH
}
