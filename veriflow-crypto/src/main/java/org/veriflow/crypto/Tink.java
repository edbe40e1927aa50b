package org.veriflow.crypto;

import com.google.crypto.tink.ConfigurationV0;
import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.hybrid.HybridConfig;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.X25519;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;

/**
 * Every call into Google Tink. Nothing here is public: the module's API speaks byte arrays and
 * Veriflow types only. Thread-safe: Tink's primitives are, and each call builds its own.
 */
final class Tink {
  /**
   * Streaming AEAD of dataset ciphertexts, format version 1: Tink's {@code AES256_GCM_HKDF_4KB}
   * (32-byte input key, HKDF-SHA256, 32-byte AES-GCM segment keys, 4 KiB ciphertext segments).
   * Why 4 KiB and not 1 MiB: docs/crypto.md, "Segment size".
   */
  static final AesGcmHkdfStreamingParameters STREAMING = PredefinedStreamingAeadParameters.AES256_GCM_HKDF_4KB;

  /** Ciphertext segment length of {@link #STREAMING}. */
  static final int CIPHERTEXT_SEGMENT_BYTES = 4096;

  /** HPKE suite of wrapped keys, format version 1: RFC 9180 base mode, no Tink output prefix. */
  static final HpkeParameters HPKE;

  static {
    try {
      // Registers the proto serialisations that keyset parsing and KeysetHandle building need.
      StreamingAeadConfig.register();
      HybridConfig.register();
      HPKE =
          HpkeParameters.builder()
              .setVariant(HpkeParameters.Variant.NO_PREFIX)
              .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
              .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
              .setAeadId(HpkeParameters.AeadId.AES_256_GCM)
              .build();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
    if (STREAMING.getCiphertextSegmentSizeBytes() != CIPHERTEXT_SEGMENT_BYTES) {
      throw new ExceptionInInitializerError("AES256_GCM_HKDF_4KB segment size changed");
    }
  }

  private Tink() {}

  /** The streaming AEAD keyed by 32 bytes of key material. */
  static StreamingAead streamingAead(byte[] keyMaterial) {
    try {
      return AesGcmHkdfStreaming.create(streamingKey(keyMaterial));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink refused a 32-byte AES256_GCM_HKDF_4KB key", e);
    }
  }

  /** A Tink keyset (binary protobuf, {@code TinkProtoKeysetFormat}) holding one streaming key. */
  static byte[] serializeStreamingKeyset(byte[] keyMaterial, int keyId) {
    try {
      KeysetHandle handle =
          KeysetHandle.newBuilder()
              .addEntry(KeysetHandle.importKey(streamingKey(keyMaterial)).withFixedId(keyId).makePrimary())
              .build();
      return TinkProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot serialise a data key keyset", e);
    }
  }

  /**
   * The key material of a keyset written by {@link #serializeStreamingKeyset}.
   *
   * @throws CryptoException {@link CryptoFailure#MALFORMED} if the bytes are not a keyset of exactly
   *     one enabled AES256_GCM_HKDF_4KB key
   */
  static byte[] parseStreamingKeyset(byte[] serialized) throws CryptoException {
    KeysetHandle handle;
    try {
      handle = TinkProtoKeysetFormat.parseKeyset(serialized, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new CryptoException(CryptoFailure.MALFORMED, "data key bytes are not a Tink keyset: " + e.getMessage(), e);
    }
    if (handle.size() != 1) {
      throw new CryptoException(CryptoFailure.MALFORMED, "data key keyset must hold exactly one key, not " + handle.size());
    }
    KeysetHandle.Entry entry = handle.getAt(0);
    if (!entry.getStatus().equals(KeyStatus.ENABLED)) {
      throw new CryptoException(CryptoFailure.MALFORMED, "data key keyset holds a key that is " + entry.getStatus() + ", not ENABLED");
    }
    if (!(entry.getKey() instanceof AesGcmHkdfStreamingKey key)) {
      throw new CryptoException(
          CryptoFailure.MALFORMED,
          "data key keyset holds a " + entry.getKey().getParameters() + " key, not AES256_GCM_HKDF_4KB streaming AEAD");
    }
    if (!key.getParameters().equals(STREAMING)) {
      throw new CryptoException(
          CryptoFailure.MALFORMED, "data key parameters are " + key.getParameters() + ", only AES256_GCM_HKDF_4KB is supported");
    }
    return key.getInitialKeyMaterial().toByteArray(InsecureSecretKeyAccess.get());
  }

  /** HPKE single-shot seal (RFC 9180 section 6.1) to an X25519 public key; returns enc ‖ ct. */
  static byte[] hpkeSeal(byte[] recipientPublicKey, byte[] plaintext, byte[] info) {
    try {
      HpkePublicKey key = HpkePublicKey.create(HPKE, Bytes.copyFrom(recipientPublicKey), null);
      KeysetHandle handle =
          KeysetHandle.newBuilder().addEntry(KeysetHandle.importKey(key).withRandomId().makePrimary()).build();
      return handle.getPrimitive(ConfigurationV0.get(), HybridEncrypt.class).encrypt(plaintext, info);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HPKE encryption to a validated X25519 key failed", e);
    }
  }

  /**
   * HPKE single-shot open (RFC 9180 section 6.1) of enc ‖ ct.
   *
   * @throws GeneralSecurityException if the ciphertext does not authenticate under this key and info
   */
  static byte[] hpkeOpen(byte[] recipientPrivateKey, byte[] recipientPublicKey, byte[] ciphertext, byte[] info)
      throws GeneralSecurityException {
    HybridDecrypt decrypt;
    try {
      HpkePublicKey publicKey = HpkePublicKey.create(HPKE, Bytes.copyFrom(recipientPublicKey), null);
      HpkePrivateKey privateKey =
          HpkePrivateKey.create(publicKey, SecretBytes.copyFrom(recipientPrivateKey, InsecureSecretKeyAccess.get()));
      KeysetHandle handle =
          KeysetHandle.newBuilder().addEntry(KeysetHandle.importKey(privateKey).withRandomId().makePrimary()).build();
      decrypt = handle.getPrimitive(ConfigurationV0.get(), HybridDecrypt.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink refused an X25519 key pair", e);
    }
    return decrypt.decrypt(ciphertext, info);
  }

  /** 32 random bytes from a secure random source: an X25519 private key (RFC 7748 section 5). */
  static byte[] x25519GeneratePrivate() {
    return X25519.generatePrivateKey();
  }

  /** X25519(k, 9): the public key of a 32-byte private key (RFC 7748 section 6.1). */
  static byte[] x25519PublicFromPrivate(byte[] privateKey) {
    try {
      return X25519.publicFromPrivate(privateKey);
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("X25519 private key must be 32 bytes, not " + privateKey.length, e);
    }
  }

  /**
   * Whether {@code publicKey} is a point of small order, whose shared secret with any private key is
   * all zero (RFC 7748 section 6.1, RFC 9180 section 7.1.4). The scalar is clamped to a multiple of
   * the cofactor 8, so the product is zero exactly for those points; Tink also refuses them outright.
   */
  static boolean x25519IsSmallOrder(byte[] publicKey) {
    byte[] scalar = new byte[32];
    scalar[0] = 1;
    byte[] product;
    try {
      product = X25519.computeSharedSecret(scalar, publicKey);
    } catch (InvalidKeyException e) {
      return true;
    }
    int or = 0;
    for (byte b : product) {
      or |= b;
    }
    return or == 0;
  }

  private static AesGcmHkdfStreamingKey streamingKey(byte[] keyMaterial) throws GeneralSecurityException {
    return AesGcmHkdfStreamingKey.create(STREAMING, SecretBytes.copyFrom(keyMaterial, InsecureSecretKeyAccess.get()));
  }
}
