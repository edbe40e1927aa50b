package org.veriflow.core.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.Hash;

/** {@link MerkleLog} over stores other than {@link MerkleTree}, as a persistent log uses it. */
class MerkleLogTest {
  /**
   * A key-value store whose writes become visible only when a batch commits, as with a database
   * write batch: the contract says an append need not see its own writes.
   */
  private static final class BatchedStore implements SubtreeSource {
    final Map<String, Hash> committed = new HashMap<>();
    final Map<String, Hash> batch = new LinkedHashMap<>();

    @Override
    public Hash subtree(int level, long index) {
      Hash h = committed.get(level + "/" + index);
      if (h == null) {
        throw new IllegalStateException("subtree (" + level + ", " + index + ") is not complete");
      }
      return h;
    }

    void put(int level, long index, Hash hash) {
      batch.put(level + "/" + index, hash);
    }

    void commit() {
      committed.putAll(batch);
      batch.clear();
    }
  }

  @Test
  void append_batchedStore_sameRootsAndProofsAsMerkleTree() throws ProofException {
    List<Hash> leaves = MerkleTreeTest.leaves(130);
    BatchedStore store = new BatchedStore();
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < leaves.size(); i++) {
      MerkleLog.append(store, store::put, i, leaves.get(i));
      store.commit();
      tree.append(leaves.get(i));
      assertThat(MerkleLog.root(store, i + 1)).as("root at size %d", i + 1).isEqualTo(tree.root());
    }
    assertThat(store.committed).hasSize(2 * 130 - Long.bitCount(130));
    for (long n : new long[] {1, 2, 3, 64, 65, 127, 128, 129, 130}) {
      for (long i = 0; i < n; i += 7) {
        List<Hash> proof = MerkleLog.inclusionProof(store, i, n);
        assertThat(proof).isEqualTo(tree.inclusionProof(i, n));
        MerkleVerifier.verifyInclusion(i, n, leaves.get((int) i), proof, MerkleLog.root(store, n));
      }
      assertThat(MerkleLog.consistencyProof(store, n / 3, n)).isEqualTo(tree.consistencyProof(n / 3, n));
    }
  }

  @Test
  void append_negativeIndex_rejected() {
    BatchedStore store = new BatchedStore();
    assertThatThrownBy(() -> MerkleLog.append(store, store::put, -1, MerkleHashes.EMPTY_ROOT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("index must not be negative, not -1");
    assertThatThrownBy(() -> MerkleLog.root(store, -1)).isInstanceOf(IllegalArgumentException.class).hasMessage("size must not be negative, not -1");
  }

  @Test
  void append_previousSubtreeMissing_illegalState() {
    BatchedStore store = new BatchedStore();
    MerkleLog.append(store, store::put, 0, MerkleHashes.EMPTY_ROOT);
    // not committed: leaf 1 completes (1, 0) and needs leaf 0, which the store cannot see
    assertThatThrownBy(() -> MerkleLog.append(store, store::put, 1, MerkleHashes.EMPTY_ROOT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("subtree (0, 0) is not complete");
  }

  /**
   * A log whose leaves are all equal has one hash per level, so a source can serve trees of 2^40
   * leaves and more: roots, proofs and verification must use 64-bit sizes throughout.
   */
  @Test
  void proofs_sizesBeyondIntRange_verify() throws ProofException {
    Hash[] level = new Hash[64];
    level[0] = MerkleHashes.leafHash(new byte[] {7});
    for (int l = 1; l < level.length; l++) {
      level[l] = MerkleHashes.nodeHash(level[l - 1], level[l - 1]);
    }
    SubtreeSource uniform = (l, index) -> level[l];

    long big = 1L << 40;
    assertThat(MerkleLog.root(uniform, big)).isEqualTo(level[40]);
    assertThat(MerkleLog.root(uniform, big + (1L << 20))).isEqualTo(MerkleHashes.nodeHash(level[40], level[20]));
    assertThat(MerkleLog.root(uniform, big + 3))
        .isEqualTo(MerkleHashes.nodeHash(level[40], MerkleHashes.nodeHash(level[1], level[0])));

    long size = big + (1L << 20) + 5;
    Hash root = MerkleLog.root(uniform, size);
    for (long leaf : new long[] {0, 1, (1L << 31) + 1, big - 1, big, size - 2, size - 1}) {
      List<Hash> proof = MerkleLog.inclusionProof(uniform, leaf, size);
      MerkleVerifier.verifyInclusion(leaf, size, level[0], proof, root);
      assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(leaf, size, level[1], proof, root))
          .isInstanceOfSatisfying(ProofException.class, e -> assertThat(e.failure()).isEqualTo(ProofFailure.ROOT_MISMATCH));
    }
    long[][] pairs = {{1, size}, {(1L << 33) + 1, size}, {big, size}, {big + 1, size}, {size - 1, size}};
    for (long[] p : pairs) {
      List<Hash> proof = MerkleLog.consistencyProof(uniform, p[0], p[1]);
      MerkleVerifier.verifyConsistency(p[0], p[1], MerkleLog.root(uniform, p[0]), root, proof);
    }
    List<Hash> dropped = new ArrayList<>(MerkleLog.consistencyProof(uniform, big + 1, size));
    dropped.remove(dropped.size() - 1);
    assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(big + 1, size, MerkleLog.root(uniform, big + 1), root, dropped))
        .isInstanceOfSatisfying(ProofException.class, e -> assertThat(e.failure()).isEqualTo(ProofFailure.WRONG_PROOF_LENGTH));
  }
}
