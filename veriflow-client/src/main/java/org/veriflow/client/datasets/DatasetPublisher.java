package org.veriflow.client.datasets;

import org.veriflow.protocol.datasets.DatasetCryptoLabels;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.Session;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.TransactionStatus;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.protocol.proto.contracts.IdentityStatus;
import org.veriflow.protocol.proto.datasets.Policy;
import org.veriflow.protocol.proto.datasets.PublishDataset;
import org.veriflow.protocol.proto.streams.Verdict;
import org.veriflow.crypto.DataKey;
import org.veriflow.crypto.Digests;
import org.veriflow.crypto.EncryptionPublicKey;
import org.veriflow.crypto.KeyWrap;
import org.veriflow.crypto.StreamingEncryption;

/**
 * Publishes a CSV file as a dataset version: computes its {@link QualityReport} and uploads the
 * report as a blob; encrypts the file under a fresh {@link DataKey} with {@link StreamingEncryption}
 * (associated data {@link DatasetCryptoLabels#ciphertext}) into a temporary file, never whole in memory; uploads
 * the ciphertext as a blob; wraps the data key for the custodian's X25519 key ({@link
 * DatasetCryptoLabels#custody}); and submits {@code datasets.publish} with both hashes and sizes, the schema, the
 * quality summary and the policy, waiting for its block. The data key never leaves this process
 * unwrapped and is destroyed afterwards. Stateless and thread-safe.
 */
public final class DatasetPublisher {
  private DatasetPublisher() {}

  /**
   * What to publish besides the file.
   *
   * @param datasetId the dataset id, or null to derive one from the title
   * @param previousVersion the version this one follows, or 0 for a new dataset (version 1)
   * @param purposes at least one; what grantees may ask the data for
   * @param identities identities the policy admits
   * @param organisations organisations whose identities the policy admits
   * @param roles roles whose holders the policy admits (with no identities, organisations or roles
   *     listed, the policy admits every active identity)
   * @param expiryHeight last height for requests, approvals and releases; 0: none
   * @param expiryMillis block time (ms) from which they are refused; 0: none
   * @param maxReads key releases per grant; 0: no limit
   * @param autoGrant true: a request the policy admits is granted at once; false: the owner decides
   * @param labelColumn the label column for the label balance, or null
   * @param custodian the custodian validator's id, or null for the first of the chain's orderers
   *     with an encryption key
   */
  public record Options(String datasetId, long previousVersion, String title, String description, List<String> tags,
      String licence, long price, List<String> purposes, List<String> identities, List<String> organisations, List<String> roles,
      long expiryHeight, long expiryMillis, long maxReads, boolean autoGrant, String labelColumn, String custodian) {
    public Options {
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(licence, "licence");
      tags = sorted(tags);
      purposes = sorted(purposes);
      identities = sorted(identities);
      organisations = sorted(organisations);
      roles = sorted(roles);
      if (purposes.isEmpty()) {
        throw new IllegalArgumentException("a dataset needs at least one purpose it may be requested for");
      }
      if (previousVersion < 0 || price < 0 || expiryHeight < 0 || expiryMillis < 0 || maxReads < 0) {
        throw new IllegalArgumentException("versions, prices, expiries and reads cannot be negative");
      }
    }

    /** A new dataset, free, for research, granted at once to anyone, with no expiry or read limit. */
    public static Options of(String title) {
      return new Options(null, 0, title, "", List.of(), "unspecified", 0, List.of("research"), List.of(), List.of(), List.of(),
          0, 0, 0, true, null, null);
    }

    /** The version this publishes. */
    public long version() {
      return previousVersion + 1;
    }

    private static List<String> sorted(List<String> values) {
      return List.copyOf(new TreeSet<>(values));
    }
  }

  /** What was published. */
  public record Result(String datasetId, long version, String txId, long height, String custodian, Hash plaintextSha256,
      Hash ciphertextSha256, long plaintextBytes, long ciphertextBytes, Hash qualityReportSha256, QualityReport quality) {}

  /**
   * A dataset id from a title: lower-case letters and digits, other runs of characters as one
   * {@code -}, at most 63 characters.
   *
   * @throws IllegalArgumentException if the title holds no letter or digit
   */
  public static String idFromTitle(String title) {
    String id = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+", "");
    if (id.length() > 63) {
      id = id.substring(0, 63);
    }
    id = id.replaceAll("-+$", "");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("cannot make a dataset id from the title '" + title + "': give one with --id");
    }
    return id;
  }

  /**
   * Publishes {@code file} and waits for the transaction's block.
   *
   * @param sender the owner's session with the node
   * @throws DatasetException with the chain's code if {@code datasets.publish} was refused or
   *     failed ({@code DATASET_EXISTS}, {@code INVALID_VERSION}, {@code UNKNOWN_CUSTODIAN}, ...),
   *     {@code NO_CUSTODIAN} if no custodian with an encryption key was found, {@code
   *     NO_ENCRYPTION_KEY} if the named custodian shows none, {@code PENDING} if the block did not
   *     come within the node's wait
   * @throws ClientException if the node refused an upload or a query
   * @throws IOException if the file cannot be read or a temporary file written
   * @throws IllegalArgumentException if the file is not a CSV file as {@link QualityReport} reads them
   */
  public static Result publish(Session sender, Path file, Options options) throws IOException, DatasetException {
    return publish(sender, file, options, null, Double.NaN);
  }

  /**
   * Publishes a stream snapshot as a dataset: its canonical CSV, exported from the chain's readings
   * and checked against the snapshot's on-chain hashes (the contract checks the plaintext hash
   * against them again), with the share of illegal readings in the source stream in its quality
   * summary. Otherwise as {@link #publish(Session, Path, Options)}.
   *
   * @throws ProofException if the export does not reproduce the snapshot's on-chain hashes
   */
  public static Result publishSnapshot(Session sender, String snapshotId, Options options)
      throws IOException, DatasetException, ProofException {
    VeriflowClient client = sender.client();
    Responses.Snapshot snapshot = client.streams().snapshot(snapshotId);
    Path csv = tempFile(".snapshot.csv");
    try {
      client.streams().exportSnapshot(snapshotId, csv);
      long total = 0;
      long illegal = 0;
      for (java.util.Map.Entry<String, Long> e : client.streams().streamStats(snapshot.streamId()).totals().entrySet()) {
        total += e.getValue();
        illegal += e.getKey().equals(Verdict.LEGAL.name()) ? 0 : e.getValue();
      }
      return publish(sender, csv, options, snapshotId, total == 0 ? 0 : (double) illegal / total);
    } finally {
      Files.deleteIfExists(csv);
    }
  }

  private static Result publish(Session sender, Path file, Options options, String snapshotId,
      double illegalReadingRate) throws IOException, DatasetException {
    VeriflowClient client = sender.client();
    String id = options.datasetId() != null ? options.datasetId() : idFromTitle(options.title());
    long version = options.version();
    Custodian custodian = custodian(client, options.custodian());
    QualityReport quality = QualityReport.of(file, options.labelColumn());

    Path report = tempFile(".quality.json");
    Path ciphertext = tempFile(".ciphertext");
    DataKey key = DataKey.generate();
    try {
      Files.write(report, quality.toJson());
      Hash reportHash = client.putBlob(report, sender.key());

      Digests digests;
      try (InputStream in = Files.newInputStream(file); OutputStream out = Files.newOutputStream(ciphertext)) {
        digests = StreamingEncryption.encrypt(key, in, out, DatasetCryptoLabels.ciphertext(id, version));
      }
      if (!digests.plaintextSha256().equals(quality.plaintextSha256())) {
        throw new IOException(file + " changed while it was published: its quality report and its ciphertext are of different contents");
      }
      Hash stored = client.putBlob(ciphertext, sender.key());
      if (!stored.equals(digests.ciphertextSha256())) {
        throw new IOException("the ciphertext changed on disk before it was uploaded");
      }
      byte[] custodyKey = KeyWrap.wrap(key, custodian.key(), DatasetCryptoLabels.custody(id, version));

      PublishDataset publish = PublishDataset.newBuilder()
          .setDatasetId(id)
          .setVersion(version)
          .setTitle(options.title())
          .setDescription(options.description())
          .addAllTags(options.tags())
          .addAllSchema(quality.schema())
          .setLicence(options.licence())
          .setPolicy(Policy.newBuilder()
              .addAllIdentities(options.identities())
              .addAllOrganisations(options.organisations())
              .addAllRoles(options.roles())
              .addAllPurposes(options.purposes())
              .setExpiryHeight(options.expiryHeight())
              .setExpiryMillis(options.expiryMillis())
              .setPrice(options.price())
              .setMaxReads(options.maxReads())
              .setAutoGrant(options.autoGrant()))
          .setPlaintextSha256(ByteString.copyFrom(digests.plaintextSha256().bytes()))
          .setCiphertextSha256(ByteString.copyFrom(digests.ciphertextSha256().bytes()))
          .setPlaintextBytes(digests.plaintextBytes())
          .setCiphertextBytes(digests.ciphertextBytes())
          .setCustodian(custodian.id())
          .setCustodyKey(ByteString.copyFrom(custodyKey))
          .setQuality(snapshotId == null ? quality.summary() : quality.summary().toBuilder().setIllegalReadingRate(illegalReadingRate).build())
          .setQualityReportSha256(ByteString.copyFrom(reportHash.bytes()))
          .setSnapshotId(snapshotId == null ? "" : snapshotId)
          .build();
      Responses.TxInfo tx = submit(sender, b -> b.publishDataset(publish));
      return new Result(id, version, tx.id(), tx.height().orElse(-1L), custodian.id(), digests.plaintextSha256(),
          digests.ciphertextSha256(), digests.plaintextBytes(), digests.ciphertextBytes(), reportHash, quality);
    } finally {
      key.destroy();
      Files.deleteIfExists(report);
      Files.deleteIfExists(ciphertext);
    }
  }

  /** The custodian's id and encryption key. */
  private record Custodian(String id, EncryptionPublicKey key) {}

  private static Custodian custodian(VeriflowClient client, String named) throws DatasetException {
    if (named != null) {
      Responses.Identity i = client.identity(named);
      return new Custodian(i.id(), encryptionKey(i).orElseThrow(() -> new DatasetException(DatasetFailure.NO_ENCRYPTION_KEY,
          "custodian " + named + " shows no encryption key to wrap the data key for")));
    }
    for (Responses.Orderer o : client.chain().orderers()) {
      Responses.Identity i;
      try {
        i = client.identity(o.id());
      } catch (ClientException e) {
        if (e.code().equals("UNKNOWN_IDENTITY")) {
          continue;
        }
        throw e;
      }
      Optional<EncryptionPublicKey> key = encryptionKey(i);
      if (key.isPresent() && i.status().equals(IdentityStatus.ACTIVE.name())) {
        return new Custodian(i.id(), key.get());
      }
    }
    throw new DatasetException(DatasetFailure.NO_CUSTODIAN, "none of the chain's orderers shows an encryption key; name a custodian validator");
  }

  private static Optional<EncryptionPublicKey> encryptionKey(Responses.Identity i) throws DatasetException {
    if (i.encryptionKey().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(EncryptionPublicKey.fromHex(i.encryptionKey().get()));
    } catch (IllegalArgumentException e) {
      throw new DatasetException(DatasetFailure.BAD_RESPONSE, "identity " + i.id() + " shows an invalid encryption key: " + e.getMessage());
    }
  }

  /**
   * Signs one transaction with the session's next nonce, submits it and waits for its block.
   *
   * @param sender the sender's session
   * @param call builds the transaction, e.g. {@code b -> b.requestDataset(id, 1, "research")}
   * @return the committed transaction
   * @throws DatasetException {@link DatasetFailure#REFUSED} with the rejection code, {@link
   *     DatasetFailure#TRANSACTION_FAILED} with the contract's failure code, or {@link DatasetFailure#PENDING}
   * @throws ClientException {@code UNREACHABLE} if the node cannot be reached
   */
  public static Responses.TxInfo submit(Session sender, Function<TransactionBuilder, SignedTransaction> call) throws DatasetException {
    Responses.TxInfo info;
    try {
      info = sender.submit(call, true);
    } catch (ClientException e) {
      if (e.status() == 0) {
        throw e;
      }
      throw DatasetException.refused(e);
    }
    if (TransactionStatus.failed(info)) {
      throw DatasetException.transactionFailed(info.code().orElse(TransactionStatus.FAILED.name()), "transaction " + info.id() + " failed at height "
          + info.height().orElse(-1L) + ": " + info.message().orElse(""));
    }
    if (!info.committed()) {
      throw new DatasetException(DatasetFailure.PENDING, "transaction " + info.id() + " is still " + info.status()
          + "; check it later with 'veriflow tx get " + info.id() + "'");
    }
    return info;
  }

  /** A new empty file in the temporary directory, readable by its owner only where the file system allows. */
  static Path tempFile(String suffix) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return Files.createTempFile("veriflow-", suffix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return Files.createTempFile("veriflow-", suffix);
  }
}
