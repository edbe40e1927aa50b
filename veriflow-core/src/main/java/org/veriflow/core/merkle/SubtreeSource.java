package org.veriflow.core.merkle;

import org.veriflow.core.crypto.Hash;

/**
 * Read access to the perfect subtrees of an append-only RFC 6962 tree: the hash at {@code (level,
 * index)} covers leaves {@code [index << level, (index + 1) << level)}. Level 0 holds leaf hashes.
 * Once written, a perfect subtree never changes, so proofs for any earlier tree size can be built
 * from the same nodes.
 */
@FunctionalInterface
public interface SubtreeSource {
  /**
   * @throws IllegalStateException if that subtree is not complete in the backing store
   */
  Hash subtree(int level, long index);
}
