package org.veriflow.node.service;

import org.veriflow.protocol.datasets.DatasetCryptoLabels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.datasets.DatasetStatus;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.DataKey;
import org.veriflow.crypto.Digests;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.crypto.KeyWrap;
import org.veriflow.crypto.StreamingEncryption;

/**
 * The plaintext of a dataset version, as only its custodian can produce it: the custody key is
 * unwrapped with this node's encryption key, the ciphertext is decrypted from the node's blob store
 * into a temporary file (in a fresh owner-only directory), its SHA-256 is checked against the
 * version's recorded plaintext hash, and the bytes are read back. The temporary file and its
 * directory are deleted before {@link #plaintext} returns or throws. Used by compute-to-data
 * (the HTTP API's dataset routes) and by the {@link Verifier}'s replay of models trained that way. Thread-safe.
 *
 * <p>The ciphertext's associated data must be {@link DatasetCryptoLabels#ciphertext} ({@code
 * veriflow-dataset/<id>/<version>}), as the {@code veriflow} CLI's publisher uses.
 */
public final class CustodianData {
  /** The prefix of a recipe's {@code data.reference} naming a datasets-contract version. */
  static final String REFERENCE_PREFIX = "dataset:";
  /** Largest plaintext held in memory for training: the engine takes the data as one array. */
  static final long MAX_PLAINTEXT_BYTES = 1L << 30;
  private static final Pattern REFERENCE = Pattern.compile("dataset:([a-z0-9][a-z0-9-]{0,62})/([1-9][0-9]{0,17})");

  /** A dataset version named by a recipe's {@code data.reference}. */
  record VersionRef(String datasetId, long version) {
    @Override
    public String toString() {
      return reference(datasetId, version);
    }
  }

  /** Why the plaintext could not be produced, with a stable code. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;
    final String code;

    Unavailable(String code, String message) {
      super(message);
      this.code = code;
    }
  }

  private final BlobStore blobs;
  private final EncryptionKeyPair custodyKey;
  private final String identity;

  /**
   * @param custodyKey this node's encryption key pair
   * @param identity this node's identity id
   */
  public CustodianData(BlobStore blobs, EncryptionKeyPair custodyKey, String identity) {
    this.blobs = blobs;
    this.custodyKey = custodyKey;
    this.identity = identity;
  }

  /** A recipe's data reference for a version: {@code dataset:<id>/<version>}. */
  public static String reference(String datasetId, long version) {
    return REFERENCE_PREFIX + datasetId + "/" + version;
  }

  /** The version a data reference names, if it is of the form {@code dataset:<id>/<version>}. */
  static Optional<VersionRef> parseReference(String reference) {
    Matcher m = REFERENCE.matcher(reference);
    return m.matches() ? Optional.of(new VersionRef(m.group(1), Long.parseLong(m.group(2)))) : Optional.empty();
  }


  /** Whether this node is the version's custodian. */
  boolean isCustodian(DatasetRecord d) {
    return d.getCustodian().equals(identity);
  }

  /**
   * Decrypts the version's ciphertext and returns its plaintext, checked against the record.
   *
   * @throws Unavailable {@code NOT_CUSTODIAN}, {@code DATASET_ERASED}, {@code DATASET_TOO_LARGE},
   *     {@code UNKNOWN_BLOB} (this node lacks the ciphertext), {@code CUSTODY_KEY_INVALID} (the
   *     custody key does not unwrap with this node's key), {@code CIPHERTEXT_INVALID} (it does not
   *     decrypt: tampered, another key, other associated data), {@code PLAINTEXT_MISMATCH} (it
   *     decrypts to bytes whose SHA-256 is not the recorded one)
   * @throws UncheckedIOException if the blob store or the temporary file fails
   */
  byte[] plaintext(DatasetRecord d) throws Unavailable {
    String what = "dataset " + d.getDatasetId() + " version " + d.getVersion();
    if (!isCustodian(d)) {
      throw new Unavailable("NOT_CUSTODIAN", "this node (" + identity + ") is not the custodian of " + what + "; " + d.getCustodian() + " is");
    }
    if (d.getStatus() == DatasetStatus.ERASED) {
      throw new Unavailable("DATASET_ERASED", what + " is erased");
    }
    if (d.getPlaintextBytes() > MAX_PLAINTEXT_BYTES) {
      throw new Unavailable("DATASET_TOO_LARGE", what + " has " + d.getPlaintextBytes() + " bytes; at most " + MAX_PLAINTEXT_BYTES
          + " can be trained on in one node");
    }
    Hash ciphertext = Hash.of(d.getCiphertextSha256().toByteArray());
    DataKey key;
    try {
      key = KeyWrap.unwrap(d.getCustodyKey().toByteArray(), custodyKey, DatasetCryptoLabels.custody(d.getDatasetId(), d.getVersion()));
    } catch (CryptoException e) {
      throw new Unavailable("CUSTODY_KEY_INVALID", "this node cannot unwrap the custody key of " + what + " (" + e.code() + "): " + e.getMessage());
    }
    Path dir = null;
    Path file = null;
    try {
      Optional<InputStream> in = blobs.open(ciphertext);
      if (in.isEmpty()) {
        throw new Unavailable("UNKNOWN_BLOB", "this node does not hold the ciphertext " + ciphertext.hex() + " of " + what);
      }
      dir = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
          ? Files.createTempDirectory("veriflow-compute-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
          : Files.createTempDirectory("veriflow-compute-");
      file = dir.resolve("plaintext");
      Digests digests;
      try (InputStream s = in.get()) {
        digests = StreamingEncryption.decryptToFile(key, s, file, DatasetCryptoLabels.ciphertext(d.getDatasetId(), d.getVersion()));
      } catch (CryptoException e) {
        throw new Unavailable("CIPHERTEXT_INVALID", "the ciphertext of " + what + " does not decrypt (" + e.code() + "): " + e.getMessage());
      }
      Hash recorded = Hash.of(d.getPlaintextSha256().toByteArray());
      if (!digests.plaintextSha256().equals(recorded)) {
        throw new Unavailable("PLAINTEXT_MISMATCH", "the ciphertext of " + what + " decrypts to SHA-256 " + digests.plaintextSha256()
            + ", the record says " + recorded);
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decrypt " + what + " on this node", e);
    } finally {
      key.destroy();
      deleteQuietly(file);
      deleteQuietly(dir);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the temporary plaintext " + p, e);
    }
  }
}
