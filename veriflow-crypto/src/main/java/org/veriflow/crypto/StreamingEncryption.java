package org.veriflow.crypto;

import com.google.crypto.tink.StreamingAead;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;

/**
 * Encrypts and decrypts dataset files as streams, in constant memory, with Tink's streaming AEAD
 * {@code AES256_GCM_HKDF_4KB} (the segmented "online authenticated encryption" of Hoang,
 * Reyhanitabar, Rogaway and Vizár, CRYPTO 2015, as Tink implements it), and computes the SHA-256 of
 * the plaintext and of the ciphertext on the way.
 *
 * <p>Dataset ciphertext, format version 1:
 *
 * <pre>
 * offset  length  field
 *      0       4  magic, ASCII "VFDE"
 *      4       1  version, 0x01: AES256_GCM_HKDF_4KB
 *      5      16  data key id ({@link DataKey#id()})
 *     21      40  Tink stream header: 0x28 (its length), 32-byte random HKDF salt, 7-byte nonce prefix
 *     61       …  segments: AES-256-GCM ciphertext, each with its 16-byte tag; every segment is
 *                 4,096 bytes but the last, which is 16 to 4,096 bytes; the first holds 4,040
 *                 plaintext bytes (it shares its 4,096 with Tink's header), the others 4,080
 * </pre>
 *
 * <p>The associated data given to Tink is the 21-byte Veriflow header followed by the caller's
 * associated data, so the header is authenticated too. Tink derives a fresh AES-256 key per stream
 * with HKDF-SHA256 from the data key, the salt and that associated data; each segment's 12-byte
 * nonce is the nonce prefix, the segment number (4 bytes, big-endian) and a last-segment flag.
 *
 * <p><b>What is released when.</b> Decryption hands out a segment's plaintext only after that
 * segment's tag has verified, so a modified byte is never returned. But a stream cut at a segment
 * boundary, or extended, is detected only at its end, after the earlier segments' plaintext has
 * been written: the plaintext written before a {@link CryptoException} is authentic but may be
 * incomplete. Callers write to a temporary file and use it only after success, as {@link
 * #decryptToFile} does.
 *
 * <p>Memory is constant: one segment and two {@value #READ_CHUNK_BYTES}-byte buffers per call,
 * whatever the length. Stateless and thread-safe; each call uses its own buffers.
 */
public final class StreamingEncryption {
  /**
   * The largest number of bytes {@link #encrypt} and {@link #decrypt} ask their input for in one
   * read, and the size of the blocks they write.
   */
  public static final int READ_CHUNK_BYTES = 64 * 1024;

  /**
   * The longest plaintext one ciphertext can hold, about 7.97 TiB: 2^31 segments, the most Tink's
   * decrypting stream can number (its segment counter is a Java {@code int}); the first segment holds
   * 4,040 bytes, the others 4,080.
   */
  public static final long MAX_PLAINTEXT_BYTES = 4040L + ((1L << 31) - 1) * 4080L;

  static final byte[] MAGIC = "VFDE".getBytes(StandardCharsets.US_ASCII);
  static final byte VERSION = 1;
  static final int HEADER_BYTES = MAGIC.length + 1 + DataKey.ID_BYTES;

  private StreamingEncryption() {}

  /**
   * Encrypts {@code plaintext} to the end into {@code ciphertext}. Neither stream is closed; {@code
   * ciphertext} is flushed. The input is read in chunks of at most {@link #READ_CHUNK_BYTES}.
   *
   * <p>If an exception is thrown, what was written is an incomplete ciphertext without its last
   * segment: it never decrypts, and should be discarded.
   *
   * @param associatedData authenticated but not encrypted, for example the dataset version id;
   *     decryption needs the same bytes
   * @return the digests and lengths of the plaintext read and of the ciphertext written
   * @throws IOException if reading the plaintext or writing the ciphertext fails, or the plaintext
   *     is longer than {@link #MAX_PLAINTEXT_BYTES}
   * @throws IllegalStateException if {@code key} was destroyed
   */
  public static Digests encrypt(DataKey key, InputStream plaintext, OutputStream ciphertext, byte[] associatedData)
      throws IOException {
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(ciphertext, "ciphertext");
    Objects.requireNonNull(associatedData, "associatedData");
    byte[] header = header(key.idBytes());
    StreamingAead aead = aead(key);
    // Tink writes each 4 KiB segment on its own; the buffer turns them into 64 KiB writes.
    MeteredOutputStream out = new MeteredOutputStream(new BufferedOutputStream(ciphertext, READ_CHUNK_BYTES));
    out.write(header);
    OutputStream encrypting;
    try {
      encrypting = aead.newEncryptingStream(out, KeyWrap.concat(header, associatedData));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink cannot start a streaming encryption", e);
    }
    MessageDigest plaintextDigest = Hash.digest();
    long plaintextBytes = 0;
    byte[] buffer = new byte[READ_CHUNK_BYTES];
    int n;
    while ((n = plaintext.read(buffer, 0, buffer.length)) != -1) {
      if (n == 0) {
        throw new IOException("the plaintext stream returned no bytes for a read of " + buffer.length);
      }
      if (plaintextBytes + n > MAX_PLAINTEXT_BYTES) {
        throw new IOException("the plaintext is longer than the " + MAX_PLAINTEXT_BYTES + " bytes one dataset ciphertext can hold");
      }
      plaintextDigest.update(buffer, 0, n);
      plaintextBytes += n;
      encrypting.write(buffer, 0, n);
    }
    // Only now: closing writes the last segment, which makes the ciphertext decryptable. It closes
    // `out`, which flushes and leaves the caller's stream open.
    encrypting.close();
    return new Digests(Hash.of(plaintextDigest.digest()), out.hash(), plaintextBytes, out.count());
  }

  /**
   * Decrypts {@code ciphertext} to the end into {@code plaintext}. Neither stream is closed; {@code
   * plaintext} is flushed. The input is read in chunks of at most {@link #READ_CHUNK_BYTES}.
   *
   * <p>On a {@link CryptoException}, what was written to {@code plaintext} is authentic but may be
   * incomplete (see the class comment): discard it.
   *
   * @param associatedData the associated data given to {@link #encrypt}
   * @return the digests and lengths of the plaintext written and of the ciphertext read
   * @throws CryptoException {@link CryptoFailure#MALFORMED} if the input is not a dataset
   *     ciphertext (shorter than its header, wrong magic); {@link
   *     CryptoFailure#UNSUPPORTED_VERSION} for another format version; {@link
   *     CryptoFailure#WRONG_KEY} if it was encrypted under another data key; {@link
   *     CryptoFailure#TAMPERED} if it does not authenticate: a byte modified, the stream truncated
   *     or extended, or other associated data
   * @throws IOException if reading the ciphertext or writing the plaintext fails
   * @throws IllegalStateException if {@code key} was destroyed
   */
  public static Digests decrypt(DataKey key, InputStream ciphertext, OutputStream plaintext, byte[] associatedData)
      throws IOException, CryptoException {
    Objects.requireNonNull(ciphertext, "ciphertext");
    Objects.requireNonNull(plaintext, "plaintext");
    Objects.requireNonNull(associatedData, "associatedData");
    MeteredInputStream in = new MeteredInputStream(ciphertext);
    byte[] header = new byte[HEADER_BYTES];
    int got = in.readFully(header);
    checkHeader(header, got, key);
    InputStream decrypting;
    try {
      // Tink reads one 4 KiB segment (and a byte) at a time; the buffer turns them into 64 KiB reads.
      decrypting =
          aead(key).newDecryptingStream(new BufferedInputStream(in, READ_CHUNK_BYTES), KeyWrap.concat(header, associatedData));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Tink cannot start a streaming decryption", e);
    }
    MessageDigest plaintextDigest = Hash.digest();
    long plaintextBytes = 0;
    byte[] buffer = new byte[READ_CHUNK_BYTES];
    while (true) {
      int n;
      try {
        n = decrypting.read(buffer, 0, buffer.length);
      } catch (IOException e) {
        if (in.failure() != null) {
          throw in.failure();
        }
        throw new CryptoException(
            CryptoFailure.TAMPERED,
            "the dataset ciphertext does not authenticate (found after reading "
                + in.count()
                + " bytes): it was modified, truncated or extended, or the associated data differs",
            e);
      }
      if (n == -1) {
        break;
      }
      plaintextDigest.update(buffer, 0, n);
      plaintextBytes += n;
      plaintext.write(buffer, 0, n);
    }
    plaintext.flush();
    return new Digests(Hash.of(plaintextDigest.digest()), in.hash(), plaintextBytes, in.count());
  }

  /**
   * Decrypts into {@code plaintextFile} so that it appears only once the whole ciphertext has
   * authenticated: the plaintext goes to a new temporary file in the same directory (owner-only
   * permissions where the file system has POSIX permissions), which is synced and then atomically
   * renamed over {@code plaintextFile}. On any failure the temporary file is deleted and {@code
   * plaintextFile} is left as it was.
   *
   * @throws CryptoException as {@link #decrypt}
   * @throws IOException if reading, writing, syncing or renaming fails, including when the file
   *     system cannot rename atomically
   */
  public static Digests decryptToFile(DataKey key, InputStream ciphertext, Path plaintextFile, byte[] associatedData)
      throws IOException, CryptoException {
    Path target = plaintextFile.toAbsolutePath();
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".partial");
    boolean moved = false;
    try {
      Digests digests;
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        OutputStream out = Channels.newOutputStream(channel);
        digests = decrypt(key, ciphertext, out, associatedData);
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      return digests;
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private static void checkHeader(byte[] header, int length, DataKey key) throws CryptoException {
    int magicSeen = Math.min(length, MAGIC.length);
    if (!Arrays.equals(header, 0, magicSeen, MAGIC, 0, magicSeen) || length == 0) {
      throw new CryptoException(CryptoFailure.MALFORMED, "not a Veriflow dataset ciphertext: it does not start with 'VFDE'");
    }
    if (length > MAGIC.length && header[MAGIC.length] != VERSION) {
      throw new CryptoException(
          CryptoFailure.UNSUPPORTED_VERSION,
          "dataset ciphertext format version " + (header[MAGIC.length] & 0xff) + " is not supported; this build reads version " + VERSION);
    }
    if (length < HEADER_BYTES) {
      throw new CryptoException(
          CryptoFailure.MALFORMED, "dataset ciphertext ends after " + length + " bytes, inside its " + HEADER_BYTES + "-byte header");
    }
    byte[] keyId = Arrays.copyOfRange(header, MAGIC.length + 1, HEADER_BYTES);
    if (!MessageDigest.isEqual(keyId, key.idBytes())) {
      throw new CryptoException(
          CryptoFailure.WRONG_KEY, "the dataset was encrypted under data key " + Hex.encode(keyId) + ", not " + key.id());
    }
  }

  private static byte[] header(byte[] keyId) {
    byte[] header = new byte[HEADER_BYTES];
    System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
    header[MAGIC.length] = VERSION;
    System.arraycopy(keyId, 0, header, MAGIC.length + 1, keyId.length);
    return header;
  }

  private static StreamingAead aead(DataKey key) {
    byte[] material = key.material();
    try {
      return Tink.streamingAead(material);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }
}
