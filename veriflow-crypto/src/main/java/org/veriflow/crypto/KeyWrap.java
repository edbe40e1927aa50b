package org.veriflow.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import org.veriflow.core.Hex;

/**
 * Wraps a {@link DataKey} for one recipient's X25519 key with HPKE (RFC 9180), as a dataset grant
 * does.
 *
 * <p>Suite: base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM; single-shot
 * encryption of the 32 key bytes with empty AEAD associated data. Wrapped key, format version 1,
 * {@value #WRAPPED_KEY_BYTES} bytes:
 *
 * <pre>
 * offset  length  field
 *      0       4  magic, ASCII "VFWK"
 *      4       1  version, 0x01
 *      5      16  recipient key id: the first 16 bytes of SHA-256 of the raw X25519 public key
 *     21      32  enc, the HPKE encapsulated key (the sender's ephemeral X25519 public key)
 *     53      48  HPKE ciphertext of the 32 data key bytes, with its 16-byte tag
 * </pre>
 *
 * <p>The HPKE {@code info} is the 21-byte header (magic, version, recipient id) followed by the
 * caller's context, so the context, the version and the recipient are all authenticated. The
 * context should encode unambiguously what the grant is for, for example the dataset version id
 * and the grantee id, each length-prefixed.
 *
 * <p>Stateless and thread-safe.
 */
public final class KeyWrap {
  /** Length of a wrapped key, format version 1. */
  public static final int WRAPPED_KEY_BYTES = 101;

  static final byte[] MAGIC = "VFWK".getBytes(StandardCharsets.US_ASCII);
  static final byte VERSION = 1;
  static final int HEADER_BYTES = MAGIC.length + 1 + EncryptionPublicKey.ID_BYTES;
  static final int ENC_BYTES = 32;

  private KeyWrap() {}

  /**
   * Wraps {@code key} for {@code recipient}, bound to {@code context}. Each call draws a fresh
   * ephemeral key, so two wraps of the same key differ.
   *
   * @throws IllegalStateException if {@code key} was destroyed
   */
  public static byte[] wrap(DataKey key, EncryptionPublicKey recipient, byte[] context) {
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(context, "context");
    byte[] header = header(recipient.idBytes());
    byte[] material = key.material();
    byte[] sealed;
    try {
      sealed = Tink.hpkeSeal(recipient.raw(), material, concat(header, context));
    } finally {
      Arrays.fill(material, (byte) 0);
    }
    if (sealed.length != WRAPPED_KEY_BYTES - HEADER_BYTES) {
      throw new IllegalStateException("HPKE output is " + sealed.length + " bytes, expected " + (WRAPPED_KEY_BYTES - HEADER_BYTES));
    }
    return concat(header, sealed);
  }

  /**
   * Recovers the data key from a wrapped key addressed to {@code recipient} under {@code context}.
   *
   * @throws CryptoException {@link CryptoFailure#MALFORMED} if the bytes are not a wrapped key
   *     (length, magic); {@link CryptoFailure#UNSUPPORTED_VERSION} for another format version;
   *     {@link CryptoFailure#WRONG_RECIPIENT} if it is addressed to another key; {@link
   *     CryptoFailure#TAMPERED} if it does not authenticate: modified, or wrapped under another
   *     context
   * @throws IllegalStateException if {@code recipient} was destroyed
   */
  public static DataKey unwrap(byte[] wrapped, EncryptionKeyPair recipient, byte[] context) throws CryptoException {
    Objects.requireNonNull(context, "context");
    if (wrapped.length < MAGIC.length + 1 || !Arrays.equals(wrapped, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new CryptoException(CryptoFailure.MALFORMED, "not a Veriflow wrapped key: it does not start with 'VFWK'");
    }
    if (wrapped[MAGIC.length] != VERSION) {
      throw new CryptoException(
          CryptoFailure.UNSUPPORTED_VERSION, "wrapped key format version " + (wrapped[MAGIC.length] & 0xff) + " is not supported; this build reads version " + VERSION);
    }
    if (wrapped.length != WRAPPED_KEY_BYTES) {
      throw new CryptoException(
          CryptoFailure.MALFORMED, "a version 1 wrapped key is " + WRAPPED_KEY_BYTES + " bytes, not " + wrapped.length);
    }
    EncryptionPublicKey me = recipient.publicKey();
    byte[] recipientId = Arrays.copyOfRange(wrapped, MAGIC.length + 1, HEADER_BYTES);
    if (!MessageDigest.isEqual(recipientId, me.idBytes())) {
      throw new CryptoException(
          CryptoFailure.WRONG_RECIPIENT, "the key is wrapped for X25519 key " + Hex.encode(recipientId) + ", not for " + me.id());
    }
    byte[] header = Arrays.copyOf(wrapped, HEADER_BYTES);
    byte[] sealed = Arrays.copyOfRange(wrapped, HEADER_BYTES, WRAPPED_KEY_BYTES);
    byte[] privateKey = recipient.privateKey();
    byte[] material;
    try {
      material = Tink.hpkeOpen(privateKey, me.raw(), sealed, concat(header, context));
    } catch (GeneralSecurityException e) {
      throw new CryptoException(
          CryptoFailure.TAMPERED, "the wrapped key does not authenticate: it was modified, or wrapped under another context", e);
    } finally {
      Arrays.fill(privateKey, (byte) 0);
    }
    if (material.length != DataKey.KEY_BYTES) {
      // Authenticated, so written by a sender that does not follow this format.
      Arrays.fill(material, (byte) 0);
      throw new CryptoException(
          CryptoFailure.MALFORMED, "the wrapped key holds " + material.length + " bytes, not a " + DataKey.KEY_BYTES + "-byte data key");
    }
    return DataKey.fromMaterial(material);
  }

  private static byte[] header(byte[] recipientId) {
    byte[] header = new byte[HEADER_BYTES];
    System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
    header[MAGIC.length] = VERSION;
    System.arraycopy(recipientId, 0, header, MAGIC.length + 1, recipientId.length);
    return header;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
