package org.veriflow.core.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.Hash;

class MerkleTreeTest {
  @Test
  void root_emptyTree_emptyRoot() {
    MerkleTree tree = new MerkleTree();
    assertThat(tree.size()).isZero();
    assertThat(tree.root()).isEqualTo(MerkleHashes.EMPTY_ROOT);
    assertThat(tree.consistencyProof(0, 0)).isEmpty();
  }

  @Test
  void root_singleLeaf_isTheLeafHash() {
    Hash leaf = MerkleHashes.leafHash(new byte[] {42});
    MerkleTree tree = MerkleTree.ofLeafHashes(List.of(leaf));
    assertThat(tree.root()).isEqualTo(leaf);
    assertThat(tree.inclusionProof(0, 1)).isEmpty();
  }

  @Test
  void ofLeafHashes_sameLeaves_sameAsAppendingOneByOne() {
    List<Hash> leaves = leaves(37);
    MerkleTree appended = new MerkleTree();
    leaves.forEach(appended::append);
    MerkleTree built = MerkleTree.ofLeafHashes(leaves);
    assertThat(built.size()).isEqualTo(37);
    assertThat(built.root()).isEqualTo(appended.root());
    assertThat(built.root(37)).isEqualTo(built.root());
  }

  @Test
  void root_sizeOutsideTree_rejected() {
    MerkleTree tree = MerkleTree.ofLeafHashes(leaves(5));
    assertThatThrownBy(() -> tree.root(6)).isInstanceOf(IllegalArgumentException.class).hasMessage("tree size 6 is outside 0..5");
    assertThatThrownBy(() -> tree.root(-1)).isInstanceOf(IllegalArgumentException.class).hasMessage("tree size -1 is outside 0..5");
  }

  @Test
  void inclusionProof_indexOrSizeOutsideTree_rejected() {
    MerkleTree tree = MerkleTree.ofLeafHashes(leaves(5));
    assertThatThrownBy(() -> tree.inclusionProof(5, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leaf index 5 is outside a tree of size 5");
    assertThatThrownBy(() -> tree.inclusionProof(-1, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leaf index -1 is outside a tree of size 5");
    assertThatThrownBy(() -> tree.inclusionProof(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tree.inclusionProof(0, 6)).isInstanceOf(IllegalArgumentException.class).hasMessage("tree size 6 is outside 0..5");
  }

  @Test
  void consistencyProof_sizesOutOfOrderOrOutsideTree_rejected() {
    MerkleTree tree = MerkleTree.ofLeafHashes(leaves(5));
    assertThatThrownBy(() -> tree.consistencyProof(4, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("old size 4 is larger than new size 3");
    assertThatThrownBy(() -> tree.consistencyProof(-1, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("oldSize must not be negative, not -1");
    assertThatThrownBy(() -> tree.consistencyProof(1, 6)).isInstanceOf(IllegalArgumentException.class).hasMessage("tree size 6 is outside 0..5");
  }

  @Test
  void subtree_incompleteSubtree_illegalState() {
    MerkleTree tree = MerkleTree.ofLeafHashes(leaves(5));
    assertThat(tree.subtree(2, 0)).isEqualTo(tree.root(4));
    assertThatThrownBy(() -> tree.subtree(0, 5)).isInstanceOf(IllegalStateException.class).hasMessage("subtree (0, 5) is not complete");
    assertThatThrownBy(() -> tree.subtree(2, 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> tree.subtree(3, 0)).isInstanceOf(IllegalStateException.class);
  }

  static List<Hash> leaves(int n) {
    List<Hash> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(MerkleHashes.leafHash(new byte[] {(byte) i, (byte) (i >> 8)}));
    }
    return out;
  }
}
