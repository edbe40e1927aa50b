package org.veriflow.crypto;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;

/**
 * An identity's X25519 encryption public key (RFC 7748) in its on-chain form: the raw 32-byte
 * little-endian u-coordinate. Immutable and thread-safe; bytes are copied in and out.
 *
 * <p>Only canonical encodings of points that are not of small order are accepted, so that one key
 * has exactly one encoding (RFC 7748 lets a receiver mask the top bit, which would give a second
 * one) and no key makes the HPKE shared secret independent of the recipient's private key.
 */
public final class EncryptionPublicKey {
  /** Length of an X25519 public key in bytes. */
  public static final int LENGTH = 32;

  /** Length of the id in bytes. */
  static final int ID_BYTES = 16;

  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

  private final byte[] bytes;
  private final byte[] id;

  private EncryptionPublicKey(byte[] bytes) {
    this.bytes = bytes;
    this.id = Arrays.copyOf(Hash.sha256(bytes).bytes(), ID_BYTES);
  }

  /**
   * Decodes a raw X25519 public key.
   *
   * @throws IllegalArgumentException if it is not 32 bytes, not a canonical encoding (top bit set,
   *     or u-coordinate not below 2^255 - 19), or a point of small order
   */
  public static EncryptionPublicKey of(byte[] raw) {
    if (raw.length != LENGTH) {
      throw new IllegalArgumentException("X25519 public key must be " + LENGTH + " bytes, not " + raw.length);
    }
    byte[] copy = raw.clone();
    if ((copy[LENGTH - 1] & 0x80) != 0) {
      throw new IllegalArgumentException("X25519 public key is not canonical: its top bit is set");
    }
    byte[] bigEndian = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      bigEndian[i] = copy[LENGTH - 1 - i];
    }
    if (new BigInteger(1, bigEndian).compareTo(P) >= 0) {
      throw new IllegalArgumentException("X25519 public key is not canonical: its u-coordinate is not below 2^255 - 19");
    }
    if (Tink.x25519IsSmallOrder(copy)) {
      throw new IllegalArgumentException("X25519 public key is a point of small order");
    }
    return new EncryptionPublicKey(copy);
  }

  /**
   * Decodes 64 hex characters.
   *
   * @throws IllegalArgumentException if {@code hex} is not 64 hex characters or not a valid key (see
   *     {@link #of})
   */
  public static EncryptionPublicKey fromHex(String hex) {
    if (hex.length() != 2 * LENGTH) {
      throw new IllegalArgumentException("X25519 public key must be " + 2 * LENGTH + " hex characters, not " + hex.length());
    }
    return of(Hex.decode(hex));
  }

  /** A copy of the 32 raw bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The 32 raw bytes as 64 lower-case hex characters. */
  public String hex() {
    return Hex.encode(bytes);
  }

  /**
   * The key's id, 32 lower-case hex characters: the first 16 bytes of SHA-256 of the raw key. Wrapped
   * keys name their recipient by these bytes.
   */
  public String id() {
    return Hex.encode(id);
  }

  byte[] idBytes() {
    return id.clone();
  }

  /** The raw bytes without a copy; never hand them out. */
  byte[] raw() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptionPublicKey k && MessageDigest.isEqual(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The hex of the raw key. */
  @Override
  public String toString() {
    return hex();
  }
}
