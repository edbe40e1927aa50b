package org.veriflow.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Destroyable;
import org.veriflow.core.Hex;

/**
 * The secret key of one dataset version: 32 random bytes, the input key of Tink's streaming AEAD
 * {@code AES256_GCM_HKDF_4KB} (see {@link StreamingEncryption}).
 *
 * <p>Its {@link #id()} is public: a commitment to the key that dataset ciphertexts carry in their
 * header, so that decrypting with the wrong key is reported as such.
 *
 * <p>Thread-safe. {@link #destroy()} zeroes this object's copy of the key; copies that Tink and the
 * JCE make for the duration of an operation are left to the garbage collector, and so is the
 * array returned by {@link #toBytes()}, which the caller should clear when done.
 */
public final class DataKey implements Destroyable {
  /** Length of the key material. */
  static final int KEY_BYTES = 32;

  /** Length of the key id. */
  static final int ID_BYTES = 16;

  private static final byte[] ID_LABEL = "veriflow/data-key-id/v1".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] material;
  private final byte[] id;
  private boolean destroyed;

  private DataKey(byte[] material) {
    this.material = material;
    this.id = deriveId(material);
  }

  /** A fresh key from a cryptographically secure random source. */
  public static DataKey generate() {
    byte[] material = new byte[KEY_BYTES];
    RANDOM.nextBytes(material);
    return new DataKey(material);
  }

  /**
   * Reads a key written by {@link #toBytes()}.
   *
   * @throws CryptoException {@link CryptoFailure#MALFORMED} if the bytes are not a Tink keyset
   *     holding exactly one enabled AES256_GCM_HKDF_4KB key
   */
  public static DataKey fromBytes(byte[] serialized) throws CryptoException {
    return new DataKey(Tink.parseStreamingKeyset(serialized));
  }

  /** Wraps raw key material; takes ownership of {@code material}. */
  static DataKey fromMaterial(byte[] material) {
    if (material.length != KEY_BYTES) {
      throw new IllegalArgumentException("data key must be " + KEY_BYTES + " bytes, not " + material.length);
    }
    return new DataKey(material);
  }

  /**
   * The key as a Tink keyset in binary protobuf form ({@code TinkProtoKeysetFormat}), unencrypted:
   * it is the secret itself. Deterministic: the keyset's key id is the first four bytes of {@link
   * #id()}.
   *
   * @throws IllegalStateException if the key was destroyed
   */
  public byte[] toBytes() {
    byte[] m = material();
    try {
      return Tink.serializeStreamingKeyset(m, keysetKeyId());
    } finally {
      Arrays.fill(m, (byte) 0);
    }
  }

  /**
   * The key id, 32 lower-case hex characters: the first 16 bytes of HMAC-SHA256 keyed with the key,
   * of the ASCII string {@code veriflow/data-key-id/v1}. Not secret; still available after {@link
   * #destroy()}.
   */
  public String id() {
    return Hex.encode(id);
  }

  /** The 16 id bytes, as dataset ciphertext headers carry them. */
  byte[] idBytes() {
    return id.clone();
  }

  /**
   * A copy of the 32 key bytes; the caller zeroes it when done.
   *
   * @throws IllegalStateException if the key was destroyed
   */
  synchronized byte[] material() {
    if (destroyed) {
      throw new IllegalStateException("data key " + id() + " was destroyed");
    }
    return material.clone();
  }

  /** Zeroes the key bytes; every later use but {@link #id()} throws {@link IllegalStateException}. */
  @Override
  public synchronized void destroy() {
    Arrays.fill(material, (byte) 0);
    destroyed = true;
  }

  @Override
  public synchronized boolean isDestroyed() {
    return destroyed;
  }

  /** Names the key by its id; never shows the key. */
  @Override
  public String toString() {
    return "DataKey[" + id() + "]";
  }

  private int keysetKeyId() {
    return ((id[0] & 0xff) << 24) | ((id[1] & 0xff) << 16) | ((id[2] & 0xff) << 8) | (id[3] & 0xff);
  }

  private static byte[] deriveId(byte[] material) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(material, "HmacSHA256"));
      return Arrays.copyOf(mac.doFinal(ID_LABEL), ID_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform must provide HmacSHA256", e);
    }
  }
}
