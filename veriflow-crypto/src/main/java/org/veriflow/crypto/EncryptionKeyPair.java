package org.veriflow.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * An identity's X25519 encryption key pair (RFC 7748), held next to its signing key: grants wrap
 * dataset keys to its public half ({@link KeyWrap}).
 *
 * <p>The private key file is PKCS#8 {@code PRIVATE KEY} PEM with algorithm id-X25519
 * (1.3.101.110, RFC 8410): what {@code openssl genpkey -algorithm X25519} writes, and what {@code
 * openssl pkey -in FILE -pubout} reads.
 *
 * <p>Thread-safe. {@link #destroy()} zeroes this object's copy of the private key.
 */
public final class EncryptionKeyPair implements Destroyable {
  private final byte[] privateKey;
  private final EncryptionPublicKey publicKey;
  private boolean destroyed;

  private EncryptionKeyPair(byte[] privateKey) {
    this.privateKey = privateKey;
    EncryptionPublicKey pub;
    try {
      pub = EncryptionPublicKey.of(Tink.x25519PublicFromPrivate(privateKey));
    } catch (IllegalArgumentException e) {
      // X25519(k, 9) is always a canonical point of large order; this cannot happen.
      throw new IllegalStateException("X25519 produced an invalid public key", e);
    }
    this.publicKey = pub;
  }

  /** A fresh key pair from a cryptographically secure random source. */
  public static EncryptionKeyPair generate() {
    return new EncryptionKeyPair(Tink.x25519GeneratePrivate());
  }

  /**
   * Reads a private key from PEM text; the public key is derived from it.
   *
   * @throws CryptoException {@link CryptoFailure#MALFORMED} if the text holds no {@code PRIVATE KEY}
   *     block, the block is not valid base64 or PKCS#8, or the key is not X25519 (for example an
   *     Ed25519 signing key or an encrypted key)
   */
  public static EncryptionKeyPair fromPem(String pem) throws CryptoException {
    return new EncryptionKeyPair(PrivateKeyPem.decode(pem));
  }

  /**
   * Reads a private key file written by {@link #writePem} or by OpenSSL.
   *
   * @throws IOException if the file cannot be read
   * @throws CryptoException as {@link #fromPem}, or {@link CryptoFailure#MALFORMED} if the file is
   *     not ASCII text
   */
  public static EncryptionKeyPair readPem(Path file) throws IOException, CryptoException {
    byte[] content = Files.readAllBytes(file);
    try {
      for (byte b : content) {
        if (b < 0) {
          throw new CryptoException(CryptoFailure.MALFORMED, file + " is not an ASCII PEM file");
        }
      }
      return fromPem(new String(content, StandardCharsets.US_ASCII));
    } finally {
      Arrays.fill(content, (byte) 0);
    }
  }

  /**
   * The private key as PKCS#8 PEM text; keep it secret.
   *
   * @throws IllegalStateException if the key pair was destroyed
   */
  public String toPem() {
    byte[] k = privateKey();
    try {
      return PrivateKeyPem.encode(k);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  /**
   * Writes {@link #toPem()} to a new file, readable and writable by its owner only where the file
   * system has POSIX permissions.
   *
   * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists: a key is never
   *     overwritten
   * @throws IOException if the file cannot be written
   */
  public void writePem(Path file) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(file);
    }
    Files.writeString(file, toPem(), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** The public half, as stored on chain. Available after {@link #destroy()}. */
  public EncryptionPublicKey publicKey() {
    return publicKey;
  }

  /**
   * A copy of the 32-byte private key; the caller zeroes it when done.
   *
   * @throws IllegalStateException if the key pair was destroyed
   */
  synchronized byte[] privateKey() {
    if (destroyed) {
      throw new IllegalStateException("encryption key pair " + publicKey.id() + " was destroyed");
    }
    return privateKey.clone();
  }

  /** Zeroes the private key; every later use of it throws {@link IllegalStateException}. */
  @Override
  public synchronized void destroy() {
    Arrays.fill(privateKey, (byte) 0);
    destroyed = true;
  }

  @Override
  public synchronized boolean isDestroyed() {
    return destroyed;
  }

  /** Names the key pair by its public key's id; never shows the private key. */
  @Override
  public String toString() {
    return "EncryptionKeyPair[" + publicKey.id() + "]";
  }
}
