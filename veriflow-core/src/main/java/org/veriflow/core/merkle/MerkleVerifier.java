package org.veriflow.core.merkle;

import java.util.List;
import org.veriflow.core.crypto.Hash;

/**
 * Offline verification of RFC 6962 proofs, following the algorithms of RFC 9162 sections 2.1.3.2
 * (inclusion) and 2.1.4.2 (consistency). Each method returns normally only if the proof checks, and
 * otherwise throws a {@link ProofException} with the reason. Thread-safe.
 *
 * <p>Strictness, beyond the RFC (which defines consistency proofs only for {@code 0 < old < new}):
 *
 * <ul>
 *   <li>Between equal sizes the proof must be empty and the two roots equal.
 *   <li>From the empty tree (old size 0) the proof must be empty and the old root must be the
 *       empty-tree root {@link MerkleHashes#EMPTY_ROOT}; every tree extends the empty tree, so the
 *       new root is not constrained unless the new size is 0 too.
 *   <li>Two empty trees are consistent, not an error, when both roots are {@link
 *       MerkleHashes#EMPTY_ROOT} and the proof is empty; any other root for size 0 is a {@link
 *       ProofFailure#ROOT_MISMATCH}.
 *   <li>Hash values are {@link Hash} instances, so an empty or short hash can never reach these
 *       methods: it is refused when the proof is parsed.
 * </ul>
 */
public final class MerkleVerifier {
  private MerkleVerifier() {}

  /**
   * Checks that {@code leafHash} is leaf number {@code leafIndex} (0-based) of the tree of {@code
   * treeSize} leaves whose root is {@code root} (RFC 9162 section 2.1.3.2).
   *
   * @throws ProofException with {@link ProofFailure#INVALID_SIZES} if {@code leafIndex} is not in
   *     {@code [0, treeSize)}, {@link ProofFailure#WRONG_PROOF_LENGTH} if the proof has more or fewer
   *     hashes than the position calls for, {@link ProofFailure#ROOT_MISMATCH} if the recomputed root
   *     differs from {@code root}
   */
  public static void verifyInclusion(long leafIndex, long treeSize, Hash leafHash, List<Hash> proof, Hash root)
      throws ProofException {
    Hash computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
    if (!computed.equals(root)) {
      throw new ProofException(ProofFailure.ROOT_MISMATCH,
          "inclusion proof for leaf " + leafIndex + " of " + treeSize + " gives root " + computed + ", expected " + root);
    }
  }

  /** The root that {@code proof} implies for the leaf; throws if the proof's length is impossible. */
  public static Hash rootFromInclusionProof(long leafIndex, long treeSize, Hash leafHash, List<Hash> proof)
      throws ProofException {
    if (leafIndex < 0 || treeSize <= 0 || leafIndex >= treeSize) {
      throw new ProofException(ProofFailure.INVALID_SIZES,
          "leaf index " + leafIndex + " is outside a tree of size " + treeSize);
    }
    long fn = leafIndex;
    long sn = treeSize - 1;
    Hash r = leafHash;
    for (Hash p : proof) {
      if (sn == 0) {
        throw new ProofException(ProofFailure.WRONG_PROOF_LENGTH,
            "inclusion proof has more than the hashes needed for leaf " + leafIndex + " of " + treeSize);
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = MerkleHashes.nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = MerkleHashes.nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new ProofException(ProofFailure.WRONG_PROOF_LENGTH,
          "inclusion proof has fewer than the hashes needed for leaf " + leafIndex + " of " + treeSize);
    }
    return r;
  }

  /**
   * Checks that the tree of {@code newSize} leaves with root {@code newRoot} extends the tree of
   * {@code oldSize} leaves with root {@code oldRoot} (RFC 9162 section 2.1.4.2, with the rules for
   * equal and empty sizes given in the class comment).
   *
   * @throws ProofException with {@link ProofFailure#INVALID_SIZES} if {@code oldSize} is negative or
   *     above {@code newSize}, {@link ProofFailure#WRONG_PROOF_LENGTH} if the proof has more or fewer
   *     hashes than the sizes call for, {@link ProofFailure#ROOT_MISMATCH} if a recomputed root differs
   */
  public static void verifyConsistency(long oldSize, long newSize, Hash oldRoot, Hash newRoot, List<Hash> proof)
      throws ProofException {
    if (oldSize < 0 || oldSize > newSize) {
      throw new ProofException(ProofFailure.INVALID_SIZES,
          "old size " + oldSize + " must be between 0 and new size " + newSize);
    }
    if (oldSize == newSize) {
      if (!proof.isEmpty()) {
        throw new ProofException(ProofFailure.WRONG_PROOF_LENGTH, "consistency proof between equal sizes must be empty");
      }
      if (!oldRoot.equals(newRoot)) {
        throw new ProofException(ProofFailure.ROOT_MISMATCH, "trees of equal size " + oldSize + " have different roots");
      }
      if (oldSize == 0 && !oldRoot.equals(MerkleHashes.EMPTY_ROOT)) {
        throw new ProofException(ProofFailure.ROOT_MISMATCH, "the root of the empty tree must be SHA-256 of the empty string");
      }
      return;
    }
    if (oldSize == 0) {
      if (!proof.isEmpty()) {
        throw new ProofException(ProofFailure.WRONG_PROOF_LENGTH, "consistency proof from the empty tree must be empty");
      }
      if (!oldRoot.equals(MerkleHashes.EMPTY_ROOT)) {
        throw new ProofException(ProofFailure.ROOT_MISMATCH, "the root of the empty tree must be SHA-256 of the empty string");
      }
      return;
    }
    if (proof.isEmpty()) {
      throw new ProofException(ProofFailure.WRONG_PROOF_LENGTH, "consistency proof from " + oldSize + " to " + newSize + " is empty");
    }
    int start = 0;
    Hash fr;
    Hash sr;
    if (Long.bitCount(oldSize) == 1) {
      fr = oldRoot;
      sr = oldRoot;
    } else {
      fr = proof.get(0);
      sr = proof.get(0);
      start = 1;
    }
    long fn = oldSize - 1;
    long sn = newSize - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    for (int i = start; i < proof.size(); i++) {
      Hash c = proof.get(i);
      if (sn == 0) {
        throw new ProofException(ProofFailure.WRONG_PROOF_LENGTH,
            "consistency proof from " + oldSize + " to " + newSize + " has too many hashes");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = MerkleHashes.nodeHash(c, fr);
        sr = MerkleHashes.nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = MerkleHashes.nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new ProofException(ProofFailure.WRONG_PROOF_LENGTH,
          "consistency proof from " + oldSize + " to " + newSize + " has too few hashes");
    }
    if (!fr.equals(oldRoot)) {
      throw new ProofException(ProofFailure.ROOT_MISMATCH, "consistency proof does not lead to the old root");
    }
    if (!sr.equals(newRoot)) {
      throw new ProofException(ProofFailure.ROOT_MISMATCH, "consistency proof does not lead to the new root");
    }
  }
}
