package org.veriflow.core.crypto;

import java.util.Arrays;
import org.veriflow.core.Hex;

/**
 * An identity id: {@code vf1} followed by the lower-case hex of the first 20 bytes of SHA-256 of the
 * key's DER SubjectPublicKeyInfo. The prefix makes ids recognisable in logs and on the command line.
 */
public record IdentityId(String value) implements Comparable<IdentityId> {
  public static final String PREFIX = "vf1";
  private static final int HEX_LENGTH = 40;

  /**
   * @throws IllegalArgumentException if {@code value} is not {@code vf1} followed by 40 lower-case hex
   *     characters
   */
  public IdentityId {
    if (!isWellFormed(value)) {
      throw new IllegalArgumentException(
          "identity id must be 'vf1' followed by 40 lower-case hex characters, not '" + value + "'");
    }
  }

  /** Whether {@code value} has the form of an identity id. */
  public static boolean isWellFormed(String value) {
    if (value == null || value.length() != PREFIX.length() + HEX_LENGTH || !value.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  public static IdentityId of(PublicKey key) {
    byte[] digest = Hash.sha256(key.spki()).bytes();
    return new IdentityId(PREFIX + Hex.encode(Arrays.copyOf(digest, 20)));
  }

  @Override
  public int compareTo(IdentityId o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
