package org.veriflow.core.merkle;

import java.util.ArrayList;
import java.util.List;
import org.veriflow.core.crypto.Hash;

/**
 * An in-memory append-only RFC 6962 tree (for a block's transactions, tests and clients). Not
 * thread-safe.
 */
public final class MerkleTree implements SubtreeSource {
  private final List<List<Hash>> levels = new ArrayList<>();
  private long size;

  /** A tree over the given leaf hashes (already {@link MerkleHashes#leafHash hashed}). */
  public static MerkleTree ofLeafHashes(List<Hash> leafHashes) {
    MerkleTree t = new MerkleTree();
    for (Hash h : leafHashes) {
      t.append(h);
    }
    return t;
  }

  /** Appends one leaf hash. */
  public void append(Hash leafHash) {
    MerkleLog.append(this, this::put, size, leafHash);
    size++;
  }

  private void put(int level, long index, Hash hash) {
    while (levels.size() <= level) {
      levels.add(new ArrayList<>());
    }
    List<Hash> row = levels.get(level);
    if (index != row.size()) {
      throw new IllegalStateException("subtree (" + level + ", " + index + ") written out of order");
    }
    row.add(hash);
  }

  @Override
  public Hash subtree(int level, long index) {
    if (level >= levels.size() || index >= levels.get(level).size()) {
      throw new IllegalStateException("subtree (" + level + ", " + index + ") is not complete");
    }
    return levels.get(level).get((int) index);
  }

  public long size() {
    return size;
  }

  public Hash root() {
    return MerkleLog.root(this, size);
  }

  /** Root of the tree over the first {@code treeSize} leaves. */
  public Hash root(long treeSize) {
    requireSize(treeSize);
    return MerkleLog.root(this, treeSize);
  }

  public List<Hash> inclusionProof(long leafIndex, long treeSize) {
    requireSize(treeSize);
    return MerkleLog.inclusionProof(this, leafIndex, treeSize);
  }

  public List<Hash> consistencyProof(long oldSize, long newSize) {
    requireSize(newSize);
    return MerkleLog.consistencyProof(this, oldSize, newSize);
  }

  private void requireSize(long treeSize) {
    if (treeSize < 0 || treeSize > size) {
      throw new IllegalArgumentException("tree size " + treeSize + " is outside 0.." + size);
    }
  }
}
