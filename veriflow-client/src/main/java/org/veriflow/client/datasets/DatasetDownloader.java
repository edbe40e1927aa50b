package org.veriflow.client.datasets;

import org.veriflow.protocol.datasets.DatasetCryptoLabels;

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
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.DataKey;
import org.veriflow.crypto.Digests;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.crypto.KeyWrap;
import org.veriflow.crypto.StreamingEncryption;

/**
 * Fetches a granted dataset version and checks it against the chain: a signed key release, the data
 * key unwrapped with the grantee's X25519 key ({@link DatasetCryptoLabels#grant}), a signed ciphertext download
 * to a temporary file whose SHA-256 must be the record's, decryption to another temporary file
 * whose SHA-256 must be the record's plaintext hash, then an atomic move to the destination. On any
 * refusal or failed check the destination is left as it was and the temporary files are deleted.
 * Stateless and thread-safe.
 */
public final class DatasetDownloader {
  private DatasetDownloader() {}

  /** What was downloaded. */
  public record Result(String grantId, String datasetId, long version, Path file, Hash plaintextSha256, long plaintextBytes,
      String accessTx, long accessHeight) {}


  /**
   * Downloads and decrypts a grant's dataset version to {@code out} (replaced if it exists).
   *
   * @param identity the grantee's signing key: it signs both requests
   * @param encryptionKey the grantee's X25519 key pair, whose public half is on chain
   * @throws DatasetException with the node's code when it refuses ({@code GRANT_NOT_ACTIVE}, {@code
   *     GRANT_EXPIRED}, {@code READS_EXHAUSTED}, {@code DATASET_ERASED}, {@code UNKNOWN_GRANT}, ...),
   *     the crypto code when the wrapped key or the ciphertext fails ({@code WRONG_RECIPIENT},
   *     {@code TAMPERED}, {@code WRONG_KEY}, ...), {@code CIPHERTEXT_MISMATCH} or {@code
   *     PLAINTEXT_MISMATCH} when bytes differ from the record
   * @throws ClientException {@code UNREACHABLE} if the node cannot be reached
   * @throws IOException if a local file cannot be written
   */
  public static Result download(VeriflowClient client, SigningKey identity, EncryptionKeyPair encryptionKey, String grantId, Path out)
      throws IOException, DatasetException {
    Responses.Grant grant = node(() -> client.datasets().grant(grantId));
    Responses.DatasetVersion record = node(() -> client.datasets().version(grant.datasetId(), grant.version()));
    Hash ciphertextHash = Hash.fromHex(record.ciphertextSha256());
    Responses.KeyRelease release = node(() -> client.datasets().releaseKey(grantId, identity, ciphertextHash));
    DataKey key;
    try {
      key = KeyWrap.unwrap(release.wrappedKey(), encryptionKey, DatasetCryptoLabels.grant(grantId));
    } catch (CryptoException e) {
      throw DatasetException.crypto("the released data key", e);
    }
    Path target = out.toAbsolutePath();
    Path ciphertext = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".ciphertext");
    try {
      Hash got = node(() -> {
        try {
          return client.datasets().downloadCiphertext(grantId, identity, ciphertextHash, ciphertext);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      if (!got.equals(ciphertextHash)) {
        throw new DatasetException(DatasetFailure.CIPHERTEXT_MISMATCH, "the node sent a ciphertext hashing to " + got.hex() + "; dataset "
            + record.datasetId() + " version " + record.version() + " records " + ciphertextHash.hex());
      }
      Digests d = decrypt(key, ciphertext, record, out);
      return new Result(grantId, record.datasetId(), record.version(), target, d.plaintextSha256(), d.plaintextBytes(),
          release.accessTx(), release.height());
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    } finally {
      key.destroy();
      Files.deleteIfExists(ciphertext);
    }
  }

  /**
   * Decrypts a version's ciphertext file to {@code out} (replaced if it exists) and checks the
   * plaintext against the record: the plaintext goes to a temporary file next to {@code out}, which
   * is synced and atomically moved into place only if the whole ciphertext authenticated and its
   * SHA-256 is the record's {@code plaintextSha256}.
   *
   * @throws DatasetException {@code TAMPERED}, {@code WRONG_KEY}, {@code MALFORMED} or {@code
   *     UNSUPPORTED_VERSION} if the ciphertext does not decrypt under {@code key} with the version's
   *     associated data; {@code PLAINTEXT_MISMATCH} if it decrypts to other bytes than the record's
   * @throws IOException if reading, writing or moving fails
   */
  public static Digests decrypt(DataKey key, Path ciphertext, Responses.DatasetVersion record, Path out)
      throws IOException, DatasetException {
    Path target = out.toAbsolutePath();
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".partial");
    boolean moved = false;
    try {
      Digests d;
      try (InputStream in = Files.newInputStream(ciphertext);
          FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        OutputStream w = Channels.newOutputStream(channel);
        d = StreamingEncryption.decrypt(key, in, w, DatasetCryptoLabels.ciphertext(record.datasetId(), record.version()));
        channel.force(true);
      } catch (CryptoException e) {
        throw DatasetException.crypto("the ciphertext of dataset " + record.datasetId() + " version " + record.version(), e);
      }
      if (!d.plaintextSha256().hex().equals(record.plaintextSha256())) {
        throw new DatasetException(DatasetFailure.PLAINTEXT_MISMATCH, "the ciphertext decrypts to bytes hashing to " + d.plaintextSha256().hex()
            + "; dataset " + record.datasetId() + " version " + record.version() + " records " + record.plaintextSha256());
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
      return d;
    } finally {
      if (!moved) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private interface NodeCall<T> {
    T call();
  }

  /** Runs a request; a refusal by the node becomes a DatasetException with its code. */
  private static <T> T node(NodeCall<T> call) throws DatasetException {
    try {
      return call.call();
    } catch (ClientException e) {
      if (e.status() == 0) {
        throw e;
      }
      throw DatasetException.refused(e);
    }
  }
}
