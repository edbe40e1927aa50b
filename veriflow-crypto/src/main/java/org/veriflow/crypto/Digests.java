package org.veriflow.crypto;

import java.util.Objects;
import org.veriflow.core.crypto.Hash;

/**
 * What went through one encryption or decryption: SHA-256 and length of the plaintext and of the
 * ciphertext, computed on the fly over exactly the bytes read and written.
 *
 * @param plaintextSha256 SHA-256 of the plaintext
 * @param ciphertextSha256 SHA-256 of the whole ciphertext, header included
 * @param plaintextBytes length of the plaintext
 * @param ciphertextBytes length of the ciphertext
 */
public record Digests(Hash plaintextSha256, Hash ciphertextSha256, long plaintextBytes, long ciphertextBytes) {
  public Digests {
    Objects.requireNonNull(plaintextSha256, "plaintextSha256");
    Objects.requireNonNull(ciphertextSha256, "ciphertextSha256");
    if (plaintextBytes < 0 || ciphertextBytes < 0) {
      throw new IllegalArgumentException(
          "lengths must not be negative: plaintext " + plaintextBytes + ", ciphertext " + ciphertextBytes);
    }
  }
}
