package org.veriflow.core.merkle;

import java.security.MessageDigest;
import org.veriflow.core.crypto.Hash;

/** RFC 6962 section 2.1 hashing: SHA-256, 0x00 before a leaf, 0x01 before two child hashes. */
public final class MerkleHashes {
  /** The root of the empty tree: SHA-256 of the empty string. */
  public static final Hash EMPTY_ROOT = Hash.sha256(new byte[0]);

  private MerkleHashes() {}

  /** {@code SHA-256(0x00 || data)}. */
  public static Hash leafHash(byte[] data) {
    MessageDigest md = Hash.digest();
    md.update((byte) 0x00);
    md.update(data);
    return Hash.of(md.digest());
  }

  /** {@code SHA-256(0x01 || left || right)}. */
  public static Hash nodeHash(Hash left, Hash right) {
    MessageDigest md = Hash.digest();
    md.update((byte) 0x01);
    left.updateDigest(md);
    right.updateDigest(md);
    return Hash.of(md.digest());
  }
}
