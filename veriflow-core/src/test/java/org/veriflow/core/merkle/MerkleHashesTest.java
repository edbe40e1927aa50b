package org.veriflow.core.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.Hash;

class MerkleHashesTest {
  @Test
  void emptyRoot_constant_isSha256OfEmptyString() {
    assertThat(MerkleHashes.EMPTY_ROOT.hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void leafHash_data_sha256WithZeroPrefix() {
    byte[] data = "leaf".getBytes(StandardCharsets.UTF_8);
    assertThat(MerkleHashes.leafHash(data)).isEqualTo(Hash.sha256(new byte[] {0x00}, data));
    // RFC 6962 leaf hash of the empty string (first leaf of roots.json, the root for N = 1)
    assertThat(MerkleHashes.leafHash(new byte[0]).hex()).isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  }

  @Test
  void nodeHash_children_sha256WithOnePrefixInOrder() {
    Hash left = Hash.sha256(new byte[] {1});
    Hash right = Hash.sha256(new byte[] {2});
    assertThat(MerkleHashes.nodeHash(left, right)).isEqualTo(Hash.sha256(new byte[] {0x01}, left.bytes(), right.bytes()));
    assertThat(MerkleHashes.nodeHash(left, right)).isNotEqualTo(MerkleHashes.nodeHash(right, left));
  }

  /** The prefixes keep a leaf whose data is two hashes apart from the node over those hashes. */
  @Test
  void leafHash_dataLookingLikeTwoChildren_differsFromNodeHash() {
    Hash left = Hash.sha256(new byte[] {1});
    Hash right = Hash.sha256(new byte[] {2});
    byte[] concatenated = new byte[64];
    System.arraycopy(left.bytes(), 0, concatenated, 0, 32);
    System.arraycopy(right.bytes(), 0, concatenated, 32, 32);
    assertThat(MerkleHashes.leafHash(concatenated)).isNotEqualTo(MerkleHashes.nodeHash(left, right));
  }
}
