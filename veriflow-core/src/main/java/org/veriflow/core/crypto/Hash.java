package org.veriflow.core.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.veriflow.core.Hex;

/**
 * A SHA-256 digest: exactly 32 bytes, immutable. Bytes are copied in and out. Equality compares the
 * bytes in constant time.
 */
public final class Hash implements Comparable<Hash> {
  /** Length of a SHA-256 digest in bytes. */
  public static final int LENGTH = 32;

  /** 32 zero bytes: the previous-block hash of genesis. */
  public static final Hash ZERO = new Hash(new byte[LENGTH], false);

  private final byte[] bytes;

  private Hash(byte[] bytes, boolean copy) {
    this.bytes = copy ? bytes.clone() : bytes;
  }

  /**
   * Wraps a 32-byte digest.
   *
   * @throws IllegalArgumentException if {@code bytes} is not 32 bytes long
   */
  public static Hash of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("SHA-256 hash must be 32 bytes, not " + bytes.length);
    }
    return new Hash(bytes, true);
  }

  /**
   * Parses 64 hex characters.
   *
   * @throws IllegalArgumentException if {@code hex} is not 64 hex characters
   */
  public static Hash fromHex(String hex) {
    if (hex.length() != 2 * LENGTH) {
      throw new IllegalArgumentException("SHA-256 hash must be 64 hex characters, not " + hex.length());
    }
    return new Hash(Hex.decode(hex), false);
  }

  /** SHA-256 of {@code data}. */
  public static Hash sha256(byte[] data) {
    return new Hash(digest().digest(data), false);
  }

  /** SHA-256 of the concatenation of {@code parts}, in order. */
  public static Hash sha256(byte[]... parts) {
    MessageDigest md = digest();
    for (byte[] part : parts) {
      md.update(part);
    }
    return new Hash(md.digest(), false);
  }

  /** A fresh SHA-256 {@link MessageDigest}; not thread-safe. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  /** A copy of the 32 bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Feeds the bytes into {@code md} without copying them. */
  public void updateDigest(MessageDigest md) {
    md.update(bytes);
  }

  public String hex() {
    return Hex.encode(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hash h && MessageDigest.isEqual(bytes, h.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Unsigned lexicographic order of the bytes. */
  @Override
  public int compareTo(Hash o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
