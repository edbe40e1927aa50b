package org.veriflow.core.merkle;

import org.veriflow.core.crypto.Hash;

/** Receives the perfect subtrees completed by an append; see {@link MerkleLog#append}. */
@FunctionalInterface
public interface SubtreeSink {
  void put(int level, long index, Hash hash);
}
