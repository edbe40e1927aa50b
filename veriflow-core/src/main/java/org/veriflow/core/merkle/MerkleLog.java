package org.veriflow.core.merkle;

import java.util.ArrayList;
import java.util.List;
import org.veriflow.core.crypto.Hash;

/**
 * RFC 6962 (section 2.1) tree hashes and proofs computed from stored perfect subtrees. Every range
 * the RFC's recursion visits is either a stored perfect subtree (one read) or a right edge built from
 * at most log2(n) of them, so a root, an inclusion proof or a consistency proof costs O(log n) reads.
 * Stateless and thread-safe; the source decides consistency.
 */
public final class MerkleLog {
  private MerkleLog() {}

  /** MTH of the first {@code size} leaves. */
  public static Hash root(SubtreeSource source, long size) {
    requireNonNegative(size, "size");
    return size == 0 ? MerkleHashes.EMPTY_ROOT : range(source, 0, size);
  }

  /**
   * Records leaf number {@code index} (0-based; the tree held {@code index} leaves before) and every
   * perfect subtree it completes. {@code source} must already see what earlier appends wrote, but
   * need not see this append's own writes.
   */
  public static void append(SubtreeSource source, SubtreeSink sink, long index, Hash leafHash) {
    requireNonNegative(index, "index");
    sink.put(0, index, leafHash);
    Hash current = leafHash;
    long i = index;
    int level = 0;
    while ((i & 1) == 1) {
      Hash left = source.subtree(level, i - 1);
      current = MerkleHashes.nodeHash(left, current);
      i >>= 1;
      level++;
      sink.put(level, i, current);
    }
  }

  /** PATH(leafIndex, D[0:size]) of RFC 6962 section 2.1.1. */
  public static List<Hash> inclusionProof(SubtreeSource source, long leafIndex, long size) {
    if (leafIndex < 0 || leafIndex >= size) {
      throw new IllegalArgumentException("leaf index " + leafIndex + " is outside a tree of size " + size);
    }
    List<Hash> proof = new ArrayList<>();
    path(source, leafIndex, 0, size, proof);
    return proof;
  }

  /** PROOF(oldSize, D[0:newSize]) of RFC 6962 section 2.1.2; empty when the sizes are equal or oldSize is 0. */
  public static List<Hash> consistencyProof(SubtreeSource source, long oldSize, long newSize) {
    requireNonNegative(oldSize, "oldSize");
    if (oldSize > newSize) {
      throw new IllegalArgumentException("old size " + oldSize + " is larger than new size " + newSize);
    }
    List<Hash> proof = new ArrayList<>();
    if (oldSize > 0 && oldSize < newSize) {
      subproof(source, oldSize, 0, newSize, true, proof);
    }
    return proof;
  }

  /** MTH(D[start:end]); {@code start} is aligned as in the RFC's recursion. */
  static Hash range(SubtreeSource source, long start, long end) {
    long n = end - start;
    if (Long.bitCount(n) == 1 && start % n == 0) {
      return source.subtree(Long.numberOfTrailingZeros(n), start / n);
    }
    long k = largestPowerOfTwoBelow(n);
    return MerkleHashes.nodeHash(range(source, start, start + k), range(source, start + k, end));
  }

  private static void path(SubtreeSource source, long m, long start, long end, List<Hash> out) {
    long n = end - start;
    if (n == 1) {
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m < k) {
      path(source, m, start, start + k, out);
      out.add(range(source, start + k, end));
    } else {
      path(source, m - k, start + k, end, out);
      out.add(range(source, start, start + k));
    }
  }

  private static void subproof(SubtreeSource source, long m, long start, long end, boolean whole, List<Hash> out) {
    long n = end - start;
    if (m == n) {
      if (!whole) {
        out.add(range(source, start, end));
      }
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      subproof(source, m, start, start + k, whole, out);
      out.add(range(source, start + k, end));
    } else {
      subproof(source, m - k, start + k, end, false, out);
      out.add(range(source, start, start + k));
    }
  }

  /** The largest power of two strictly below {@code n}; {@code n >= 2}. */
  static long largestPowerOfTwoBelow(long n) {
    return Long.highestOneBit(n - 1);
  }

  private static void requireNonNegative(long v, String name) {
    if (v < 0) {
      throw new IllegalArgumentException(name + " must not be negative, not " + v);
    }
  }
}
