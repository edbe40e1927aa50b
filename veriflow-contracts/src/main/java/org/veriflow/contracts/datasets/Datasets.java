package org.veriflow.contracts.datasets;

import static org.veriflow.protocol.datasets.DatasetsFailure.ALREADY_RELEASED;
import static org.veriflow.protocol.datasets.DatasetsFailure.BAD_ARGUMENTS;
import static org.veriflow.protocol.datasets.DatasetsFailure.COMPUTE_ONLY;
import static org.veriflow.protocol.datasets.DatasetsFailure.DATASET_ERASED;
import static org.veriflow.protocol.datasets.DatasetsFailure.DATASET_EXISTS;
import static org.veriflow.protocol.datasets.DatasetsFailure.DATASET_MISMATCH;
import static org.veriflow.protocol.datasets.DatasetsFailure.DATASET_NOT_ACTIVE;
import static org.veriflow.protocol.datasets.DatasetsFailure.GRANTEE_REVOKED;
import static org.veriflow.protocol.datasets.DatasetsFailure.GRANT_EXPIRED;
import static org.veriflow.protocol.datasets.DatasetsFailure.GRANT_NOT_ACTIVE;
import static org.veriflow.protocol.datasets.DatasetsFailure.GRANT_NOT_PENDING;
import static org.veriflow.protocol.datasets.DatasetsFailure.INVALID_VERSION;
import static org.veriflow.protocol.datasets.DatasetsFailure.NOT_AUTHORISED;
import static org.veriflow.protocol.datasets.DatasetsFailure.NOT_COMPUTE_GRANT;
import static org.veriflow.protocol.datasets.DatasetsFailure.NOT_CUSTODIAN;
import static org.veriflow.protocol.datasets.DatasetsFailure.NOT_GRANTEE;
import static org.veriflow.protocol.datasets.DatasetsFailure.NOT_OWNER;
import static org.veriflow.protocol.datasets.DatasetsFailure.NO_ENCRYPTION_KEY;
import static org.veriflow.protocol.datasets.DatasetsFailure.PURPOSE_MISMATCH;
import static org.veriflow.protocol.datasets.DatasetsFailure.READS_EXHAUSTED;
import static org.veriflow.protocol.datasets.DatasetsFailure.UNKNOWN_CUSTODIAN;
import static org.veriflow.protocol.datasets.DatasetsFailure.UNKNOWN_DATASET;
import static org.veriflow.protocol.datasets.DatasetsFailure.UNKNOWN_GRANT;
import static org.veriflow.protocol.datasets.DatasetsFailure.UNKNOWN_SNAPSHOT;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.veriflow.contracts.SystemContract;
import org.veriflow.contracts.credits.Credits;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.contracts.streams.Streams;
import org.veriflow.contracts.streams.StreamsState;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.contracts.IdentityStatus;
import org.veriflow.protocol.proto.datasets.AccessKind;
import org.veriflow.protocol.proto.datasets.AccessRecord;
import org.veriflow.protocol.proto.datasets.ChangeDatasetStatus;
import org.veriflow.protocol.proto.datasets.ColumnSpec;
import org.veriflow.protocol.proto.datasets.DatasetChange;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.datasets.DatasetStatus;
import org.veriflow.protocol.proto.datasets.DecideGrant;
import org.veriflow.protocol.proto.datasets.GrantChange;
import org.veriflow.protocol.proto.datasets.GrantRecord;
import org.veriflow.protocol.proto.datasets.GrantStatus;
import org.veriflow.protocol.proto.datasets.LabelCount;
import org.veriflow.protocol.proto.datasets.Policy;
import org.veriflow.protocol.proto.datasets.PublishDataset;
import org.veriflow.protocol.proto.datasets.QualitySummary;
import org.veriflow.protocol.proto.datasets.RecordAccess;
import org.veriflow.protocol.proto.datasets.RequestAccess;
import org.veriflow.protocol.proto.streams.SnapshotRecord;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.protocol.datasets.DatasetsFailure;

/**
 * The datasets contract: what was shared, on what terms, with whom, and every read (DESIGN.md,
 * "Datasets"). The bytes live encrypted off chain, each version under its own data key; the record
 * holds their hashes, schema, quality summary and the data key wrapped for a custodian validator,
 * which re-wraps it for each grantee a grant allows and records every release here. No plaintext
 * and no unwrapped key ever reaches the chain. docs/datasets.md describes the methods, codes and
 * policy semantics in full.
 *
 * <ul>
 *   <li>{@code publish}: a version of a dataset, owned by the sender. Version 1 starts a dataset;
 *       version n + 1 follows the dataset's latest version n, which must be ACTIVE and the sender's,
 *       and which then links to it. A version that is a streams snapshot's export must carry the
 *       snapshot's CSV hash and row count ({@code DATASET_MISMATCH}). The custodian must be an active
 *       validator with an encryption key ({@code UNKNOWN_CUSTODIAN}).
 *   <li>{@code request}: a grant for a version and a purpose. A purpose outside the policy's
 *       purposes is DENIED at once (the refusal is recorded); a requester the policy names, with
 *       {@code auto_grant}, is GRANTED at once; otherwise the request is PENDING for the owner.
 *   <li>{@code grant}, {@code deny}: the owner decides a PENDING request. {@code revoke}: the owner
 *       withdraws a GRANTED grant. {@code cancel}: the grantee withdraws a PENDING request, or a
 *       grant whose key was never released.
 *   <li>{@code record_access}: the version's custodian records a key release or a ciphertext
 *       download under a grant, after checking that the grant still allows it; under a grant for
 *       {@link #COMPUTE_ONLY_PURPOSE} only a {@code COMPUTE} access (the custodian trained on the
 *       data itself), which a grant for any other purpose can never record.
 *   <li>{@code deprecate}, {@code erase}: the owner retires a version; erasing removes the wrapped
 *       data key from the record (crypto-shredding) and keeps the hashes, grants and accesses.
 * </ul>
 *
 * <p>Payment: a grant's price is taken from the grantee into escrow (held by the credits contract)
 * when it is granted, paid to the owner at the first key release (or compute), and refunded to the grantee if the
 * grant is revoked or cancelled before that. So credits are conserved, and an owner is paid only for
 * a key that was released.
 *
 * <p>State: see {@link DatasetsState}; escrows are {@code esc/datasets/<grant id>} in the credits
 * namespace.
 */
public final class Datasets extends SystemContract {
  public static final String NAME = "datasets";
  private static final int MAX_TITLE_CHARS = 256;
  private static final int MAX_DESCRIPTION_CHARS = 4096;
  private static final int MAX_LICENCE_CHARS = 256;
  private static final int MAX_REASON_CHARS = 256;
  private static final int MAX_TAGS = 16;
  private static final int MAX_COLUMNS = 1024;
  private static final int MAX_COLUMN_NAME_CHARS = 128;
  private static final int MAX_POLICY_IDENTITIES = 256;
  private static final int MAX_POLICY_ORGANISATIONS = 64;
  private static final int MAX_POLICY_ROLES = 16;
  private static final int MAX_PURPOSES = 16;
  private static final int MAX_LABELS = 1024;
  private static final int MAX_LABEL_CHARS = 128;
  /** Most bytes of a wrapped data key. */
  public static final int MAX_CUSTODY_KEY_BYTES = 1024;
  /**
   * The purpose of a grant under which the data never leaves its custodian: no key release, no
   * ciphertext download, only {@code COMPUTE} accesses (compute-to-data, docs/datasets.md).
   */
  public static final String COMPUTE_ONLY_PURPOSE = "compute-only";
  private static final String NAME_PATTERN = "[a-z0-9][a-z0-9-]{0,31}";
  private static final String ROLE_PATTERN = "[a-z][a-z0-9-]{0,31}";

  /** This contract's codes when a grant's price cannot be moved. */
  private static final Credits.MoveFailures CREDIT_FAILURES =
      new Credits.MoveFailures(DatasetsFailure.INSUFFICIENT_FUNDS, DatasetsFailure.BALANCE_OVERFLOW);

  /** Writes the credits namespace too: grants' prices are held in escrow there. */
  public Datasets() {
    super(NAME, Map.of(
        "publish", new Publish(),
        "request", new Request(),
        "grant", new Decide(GrantStatus.GRANTED),
        "deny", new Decide(GrantStatus.DENIED),
        "revoke", new Decide(GrantStatus.REVOKED),
        "cancel", new Decide(GrantStatus.CANCELLED),
        "record_access", new Access(),
        "deprecate", new ChangeStatus(DatasetStatus.DEPRECATED),
        "erase", new ChangeStatus(DatasetStatus.ERASED)),
        Set.of(Credits.NAME));
  }

  /** The escrow id, in the credits contract, of a grant's price. */
  public static String escrowId(String grantId) {
    return NAME + "/" + grantId;
  }

  // ------------------------------------------------------------------ argument checks

  private static ContractException bad(String message) {
    return new ContractException(BAD_ARGUMENTS, message);
  }

  static void requireDatasetId(String id) throws ContractException {
    requireId(id, "dataset", BAD_ARGUMENTS);
  }

  private static void requireVersion(long version) throws ContractException {
    if (version < 1) { // a uint64 above Long.MAX_VALUE reads as negative
      throw bad("version must be between 1 and " + Long.MAX_VALUE);
    }
  }

  private static void requireGrantId(String id) throws ContractException {
    if (!id.matches("[0-9a-f]{64}")) {
      throw bad("grant id '" + id + "' must be a transaction id: 64 lower-case hex characters");
    }
  }

  private static void requireText(String s, int min, int max, String what) throws ContractException {
    if (s.length() < min || s.length() > max) {
      throw bad(what + " must be " + min + " to " + max + " characters, not " + s.length());
    }
  }

  private static void requireCount(long n, String what) throws ContractException {
    if (n < 0) {
      throw bad(what + " must be at most " + Long.MAX_VALUE);
    }
  }


  private static void requirePolicy(Policy p) throws ContractException {
    requireSortedNames(p.getIdentitiesList(), MAX_POLICY_IDENTITIES, null, "policy identities", BAD_ARGUMENTS);
    requireSortedNames(p.getOrganisationsList(), MAX_POLICY_ORGANISATIONS, null, "policy organisations", BAD_ARGUMENTS);
    requireSortedNames(p.getRolesList(), MAX_POLICY_ROLES, ROLE_PATTERN, "policy roles", BAD_ARGUMENTS);
    if (p.getPurposesCount() == 0) {
      throw bad("the policy names no purpose");
    }
    requireSortedNames(p.getPurposesList(), MAX_PURPOSES, ROLE_PATTERN, "policy purposes", BAD_ARGUMENTS);
    requireCount(p.getExpiryHeight(), "the expiry height");
    if (p.getExpiryMillis() < 0) {
      throw bad("the expiry time must not be negative");
    }
    requireCount(p.getPrice(), "the price");
    requireCount(p.getMaxReads(), "max reads");
  }

  private static void requireQuality(QualitySummary q, int columns) throws ContractException {
    requireCount(q.getRows(), "rows");
    if (q.getColumns() != columns) {
      throw bad("the quality summary counts " + q.getColumns() + " columns, the schema has " + columns);
    }
    if (q.getMissingCount() != 0 && q.getMissingCount() != columns) {
      throw bad("missing values must be given for each of the " + columns + " columns or not at all");
    }
    for (long m : q.getMissingList()) {
      requireCount(m, "missing values");
    }
    requireCount(q.getDuplicates(), "duplicates");
    requireCount(q.getOutliers(), "outliers");
    if (q.getLabelBalanceCount() > MAX_LABELS) {
      throw bad("at most " + MAX_LABELS + " labels");
    }
    String previous = null;
    for (LabelCount l : q.getLabelBalanceList()) {
      requireText(l.getLabel(), 1, MAX_LABEL_CHARS, "a label");
      if (previous != null && l.getLabel().compareTo(previous) <= 0) {
        throw bad("label balance must be sorted by label and distinct");
      }
      requireCount(l.getCount(), "a label count");
      previous = l.getLabel();
    }
    double rate = q.getIllegalReadingRate();
    if (!(rate >= 0 && rate <= 1)) { // also refuses NaN
      throw bad("the illegal-reading rate must be between 0 and 1");
    }
  }

  private static boolean hasControlCharacter(String s) {
    return s.chars().anyMatch(Character::isISOControl);
  }

  // ------------------------------------------------------------------ state checks

  private static DatasetRecord existing(ContractContext ctx, String id, long version) throws ContractException {
    return DatasetsState.dataset(ctx.state(), id, version)
        .orElseThrow(() -> new ContractException(UNKNOWN_DATASET, "no dataset " + id + " version " + version));
  }

  private static GrantRecord existingGrant(ContractContext ctx, String grantId) throws ContractException {
    return DatasetsState.grant(ctx.state(), grantId).orElseThrow(() -> new ContractException(UNKNOWN_GRANT, "no grant " + grantId));
  }

  private static DatasetRecord grantedDataset(ContractContext ctx, GrantRecord g) {
    return DatasetsState.dataset(ctx.state(), g.getDatasetId(), g.getVersion())
        .orElseThrow(() -> new IllegalStateException("grant " + g.getGrantId() + " names missing dataset " + g.getDatasetId()));
  }

  private static void requireOwner(ContractContext ctx, DatasetRecord d) throws ContractException {
    if (!d.getOwner().equals(ctx.sender().value())) {
      throw new ContractException(NOT_OWNER, "dataset " + d.getDatasetId() + " version " + d.getVersion()
          + " is owned by " + d.getOwner() + ", not " + ctx.sender());
    }
  }

  /** New grants need an ACTIVE version. */
  private static void requireOpen(DatasetRecord d) throws ContractException {
    if (d.getStatus() == DatasetStatus.ERASED) {
      throw new ContractException(DATASET_ERASED, "dataset " + d.getDatasetId() + " version " + d.getVersion() + " is erased");
    }
    if (d.getStatus() != DatasetStatus.ACTIVE) {
      throw new ContractException(DATASET_NOT_ACTIVE, "dataset " + d.getDatasetId() + " version " + d.getVersion()
          + " is " + d.getStatus() + "; only an ACTIVE version takes new grants");
    }
  }

  /**
   * Whether terms with these limits have expired in the block being executed: past the last height
   * allowed, or at or past the expiry time.
   */
  static boolean expired(long expiryHeight, long expiryMillis, long height, long timestampMillis) {
    return (expiryHeight != 0 && height > expiryHeight) || (expiryMillis != 0 && timestampMillis >= expiryMillis);
  }

  private static void requireNotExpired(ContractContext ctx, long expiryHeight, long expiryMillis, String what) throws ContractException {
    if (expired(expiryHeight, expiryMillis, ctx.height(), ctx.timestampMillis())) {
      throw new ContractException(GRANT_EXPIRED, what + " expired (last height " + expiryHeight + ", expiry time " + expiryMillis
          + " ms; this block is height " + ctx.height() + " at " + ctx.timestampMillis() + " ms)");
    }
  }

  /**
   * Whether the policy names the identity: it lists no identities, organisations or roles (open to
   * every active identity), or it lists the identity, its owner, or one of its roles.
   */
  static boolean admits(Policy p, IdentityRecord requester) {
    if (p.getIdentitiesCount() == 0 && p.getOrganisationsCount() == 0 && p.getRolesCount() == 0) {
      return true;
    }
    return p.getIdentitiesList().contains(requester.getId())
        || (!requester.getOwner().isEmpty() && p.getOrganisationsList().contains(requester.getOwner()))
        || requester.getRolesList().stream().anyMatch(p.getRolesList()::contains);
  }

  private static Optional<IdentityRecord> activeIdentity(ContractContext ctx, String id) {
    return Identities.find(ctx.state(Identities.NAME), id).filter(r -> r.getStatus() == IdentityStatus.ACTIVE);
  }

  private static GrantChange grantChange(ExecutionContext ctx, GrantStatus from, GrantStatus to, String reason) {
    return GrantChange.newBuilder().setFrom(from).setTo(to).setBy(ctx.sender().value()).setHeight(ctx.height())
        .setReason(reason).setTxId(ByteString.copyFrom(ctx.txId().bytes())).build();
  }

  private static DatasetChange datasetChange(ExecutionContext ctx, DatasetStatus from, DatasetStatus to, String reason) {
    return DatasetChange.newBuilder().setFrom(from).setTo(to).setBy(ctx.sender().value()).setHeight(ctx.height())
        .setReason(reason).setTxId(ByteString.copyFrom(ctx.txId().bytes())).build();
  }

  private static byte[] versionRef(String id, long version) {
    return (id + "/" + version).getBytes(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ publish

  static final class Publish implements ContractMethod<PublishDataset> {
    @Override
    public PublishDataset decode(byte[] arguments) throws ContractException {
      PublishDataset m = parse(PublishDataset.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireDatasetId(m.getDatasetId());
      requireVersion(m.getVersion());
      requireText(m.getTitle(), 1, MAX_TITLE_CHARS, "the title");
      requireText(m.getDescription(), 0, MAX_DESCRIPTION_CHARS, "the description");
      requireText(m.getLicence(), 1, MAX_LICENCE_CHARS, "the licence");
      requireSortedNames(m.getTagsList(), MAX_TAGS, NAME_PATTERN, "tags", BAD_ARGUMENTS);
      if (m.getSchemaCount() == 0 || m.getSchemaCount() > MAX_COLUMNS) {
        throw bad("the schema holds 1 to " + MAX_COLUMNS + " columns, not " + m.getSchemaCount());
      }
      TreeSet<String> names = new TreeSet<>();
      for (ColumnSpec c : m.getSchemaList()) {
        requireText(c.getName(), 1, MAX_COLUMN_NAME_CHARS, "a column name");
        if (hasControlCharacter(c.getName())) {
          throw bad("column name '" + c.getName() + "' holds a control character");
        }
        if (!names.add(c.getName())) {
          throw bad("column '" + c.getName() + "' appears twice in the schema");
        }
        if (!c.getType().matches("[a-z][a-z0-9_]{0,31}")) {
          throw bad("column " + c.getName() + ": type '" + c.getType() + "' must be 1-32 lower-case letters, digits or '_'");
        }
      }
      if (!m.hasPolicy()) {
        throw bad("the dataset has no policy");
      }
      requirePolicy(m.getPolicy());
      requireHash(m.getPlaintextSha256(), "plaintext hash", BAD_ARGUMENTS);
      requireHash(m.getCiphertextSha256(), "ciphertext hash", BAD_ARGUMENTS);
      requireHash(m.getQualityReportSha256(), "quality report hash", BAD_ARGUMENTS);
      requireCount(m.getPlaintextBytes(), "the plaintext size");
      if (m.getCiphertextBytes() < 1) {
        throw bad("the ciphertext size must be between 1 and " + Long.MAX_VALUE);
      }
      if (!m.getSnapshotId().isEmpty() && !m.getSnapshotId().matches("[0-9a-f]{64}")) {
        throw bad("snapshot id '" + m.getSnapshotId() + "' must be 64 lower-case hex characters");
      }
      if (!IdentityId.isWellFormed(m.getCustodian())) {
        throw bad("custodian '" + m.getCustodian() + "' is not an identity id");
      }
      if (m.getCustodyKey().isEmpty() || m.getCustodyKey().size() > MAX_CUSTODY_KEY_BYTES) {
        throw bad("the custody key must hold 1 to " + MAX_CUSTODY_KEY_BYTES + " bytes, not " + m.getCustodyKey().size());
      }
      if (!m.hasQuality()) {
        throw bad("the dataset has no quality summary");
      }
      requireQuality(m.getQuality(), m.getSchemaCount());
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, PublishDataset args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
    }

    @Override
    public void execute(ExecutionContext ctx, PublishDataset args) throws ContractException {
      String id = args.getDatasetId();
      long version = args.getVersion();
      long latest = DatasetsState.count(ctx.state(), DatasetsState.latest(id));
      DatasetRecord previous = null;
      if (version == 1) {
        if (latest != 0) {
          throw new ContractException(DATASET_EXISTS, "dataset " + id + " exists (latest version " + latest
              + "); publish version " + (latest + 1) + " to follow it");
        }
      } else {
        if (latest == 0) {
          throw new ContractException(UNKNOWN_DATASET, "no dataset " + id + " to publish version " + version + " of");
        }
        previous = existing(ctx, id, latest);
        requireOwner(ctx, previous);
        if (version != latest + 1) {
          throw new ContractException(INVALID_VERSION, "dataset " + id + " is at version " + latest + "; the next version is " + (latest + 1) + ", not " + version);
        }
        if (previous.getStatus() != DatasetStatus.ACTIVE) {
          throw new ContractException(INVALID_VERSION, "dataset " + id + " version " + latest + " is " + previous.getStatus()
              + "; only an ACTIVE version can be followed by a new one");
        }
      }
      IdentityRecord custodian = Identities.find(ctx.state(Identities.NAME), args.getCustodian())
          .filter(r -> r.getStatus() == IdentityStatus.ACTIVE && r.getKind() == IdentityKind.VALIDATOR)
          .orElseThrow(() -> new ContractException(UNKNOWN_CUSTODIAN, "custodian " + args.getCustodian() + " is not an active validator"));
      if (custodian.getEncryptionKey().isEmpty()) {
        throw new ContractException(UNKNOWN_CUSTODIAN, "custodian " + args.getCustodian() + " has no encryption key to wrap the data key for");
      }
      ByteString readingsRoot = ByteString.EMPTY;
      if (!args.getSnapshotId().isEmpty()) {
        SnapshotRecord snap = StreamsState.snapshot(ctx.state(Streams.NAME), args.getSnapshotId())
            .orElseThrow(() -> new ContractException(UNKNOWN_SNAPSHOT, "no dataset snapshot " + args.getSnapshotId()));
        if (!snap.getCsvSha256().equals(args.getPlaintextSha256())) {
          throw new ContractException(DATASET_MISMATCH, "the plaintext hash " + Hash.of(args.getPlaintextSha256().toByteArray())
              + " is not snapshot " + args.getSnapshotId() + "'s CSV hash " + Hash.of(snap.getCsvSha256().toByteArray()));
        }
        if (snap.getRowCount() != args.getQuality().getRows()) {
          throw new ContractException(DATASET_MISMATCH, "the quality summary counts " + args.getQuality().getRows()
              + " rows; snapshot " + args.getSnapshotId() + " holds " + snap.getRowCount());
        }
        readingsRoot = snap.getReadingsRoot();
      }
      DatasetRecord record = DatasetRecord.newBuilder()
          .setDatasetId(id)
          .setVersion(version)
          .setOwner(ctx.sender().value())
          .setStatus(DatasetStatus.ACTIVE)
          .setTitle(args.getTitle())
          .setDescription(args.getDescription())
          .addAllTags(args.getTagsList())
          .addAllSchema(args.getSchemaList())
          .setLicence(args.getLicence())
          .setPolicy(args.getPolicy())
          .setPlaintextSha256(args.getPlaintextSha256())
          .setCiphertextSha256(args.getCiphertextSha256())
          .setPlaintextBytes(args.getPlaintextBytes())
          .setCiphertextBytes(args.getCiphertextBytes())
          .setSnapshotId(args.getSnapshotId())
          .setReadingsRoot(readingsRoot)
          .setCustodian(args.getCustodian())
          .setCustodyKey(args.getCustodyKey())
          .setQuality(args.getQuality())
          .setQualityReportSha256(args.getQualityReportSha256())
          .setPreviousVersion(previous == null ? 0 : previous.getVersion())
          .setPublishedHeight(ctx.height())
          .setPublishedMillis(ctx.timestampMillis())
          .addHistory(datasetChange(ctx, DatasetStatus.DATASET_STATUS_UNSPECIFIED, DatasetStatus.ACTIVE, "published"))
          .build();
      ctx.put(DatasetsState.dataset(id, version), record.toByteArray());
      ctx.put(DatasetsState.latest(id), DatasetsState.count(version));
      for (String tag : args.getTagsList()) {
        ctx.put(DatasetsState.tag(tag, id, version), new byte[0]);
      }
      ctx.put(DatasetsState.owner(ctx.sender().value(), id, version), new byte[0]);
      if (previous != null) {
        ctx.put(DatasetsState.dataset(id, previous.getVersion()), previous.toBuilder().setNextVersion(version).build().toByteArray());
      }
      ctx.emit("dataset_published", versionRef(id, version));
    }
  }

  // ------------------------------------------------------------------ request

  static final class Request implements ContractMethod<RequestAccess> {
    @Override
    public RequestAccess decode(byte[] arguments) throws ContractException {
      RequestAccess m = parse(RequestAccess.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireDatasetId(m.getDatasetId());
      requireVersion(m.getVersion());
      if (!m.getPurpose().matches(ROLE_PATTERN)) {
        throw bad("purpose '" + m.getPurpose() + "' must be 1-32 lower-case letters, digits or '-', starting with a letter");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, RequestAccess args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
    }

    @Override
    public void execute(ExecutionContext ctx, RequestAccess args) throws ContractException {
      IdentityRecord requester = Identities.activeSender(ctx, NOT_AUTHORISED);
      DatasetRecord d = existing(ctx, args.getDatasetId(), args.getVersion());
      requireOpen(d);
      Policy p = d.getPolicy();
      requireNotExpired(ctx, p.getExpiryHeight(), p.getExpiryMillis(), "the policy of dataset " + d.getDatasetId() + " version " + d.getVersion());
      String grantId = ctx.txId().hex();
      long sequence = DatasetsState.count(ctx.state(), DatasetsState.GRANT_COUNT);
      GrantRecord.Builder g = GrantRecord.newBuilder()
          .setGrantId(grantId)
          .setDatasetId(d.getDatasetId())
          .setVersion(d.getVersion())
          .setGrantee(requester.getId())
          .setPurpose(args.getPurpose())
          .setSequence(sequence)
          .setRequestedHeight(ctx.height())
          .setRequestedMillis(ctx.timestampMillis())
          .setPrice(p.getPrice())
          .setMaxReads(p.getMaxReads())
          .setExpiryHeight(p.getExpiryHeight())
          .setExpiryMillis(p.getExpiryMillis());
      String event;
      if (!p.getPurposesList().contains(args.getPurpose())) {
        g.setStatus(GrantStatus.DENIED).addHistory(grantChange(ctx, GrantStatus.GRANT_STATUS_UNSPECIFIED, GrantStatus.DENIED,
            "purpose " + args.getPurpose() + " is not among the policy's purposes " + p.getPurposesList()));
        event = "access_denied";
      } else if (p.getAutoGrant() && admits(p, requester)) {
        if (p.getPrice() > 0) {
          Credits.escrow(ctx, requester.getId(), escrowId(grantId), p.getPrice(), CREDIT_FAILURES);
        }
        g.setStatus(GrantStatus.GRANTED).addHistory(grantChange(ctx, GrantStatus.GRANT_STATUS_UNSPECIFIED, GrantStatus.GRANTED, "granted by the policy"));
        event = "access_granted";
      } else {
        g.setStatus(GrantStatus.PENDING).addHistory(grantChange(ctx, GrantStatus.GRANT_STATUS_UNSPECIFIED, GrantStatus.PENDING, "requested"));
        event = "access_requested";
      }
      GrantRecord record = g.build();
      ctx.put(DatasetsState.grant(grantId), record.toByteArray());
      ctx.put(DatasetsState.GRANT_COUNT, DatasetsState.count(sequence + 1));
      byte[] idBytes = grantId.getBytes(StandardCharsets.UTF_8);
      ctx.put(DatasetsState.datasetGrant(d.getDatasetId(), d.getVersion(), sequence), idBytes);
      ctx.put(DatasetsState.granteeGrant(requester.getId(), sequence), idBytes);
      ctx.emit(event, idBytes);
      ctx.output(record.toByteArray());
    }
  }

  // ------------------------------------------------------------------ grant, deny, revoke, cancel

  /** Moves a grant to {@code to}: the owner's grant, deny and revoke; the grantee's cancel. */
  static final class Decide implements ContractMethod<DecideGrant> {
    private final GrantStatus to;

    Decide(GrantStatus to) {
      this.to = to;
    }

    @Override
    public DecideGrant decode(byte[] arguments) throws ContractException {
      DecideGrant m = parse(DecideGrant.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireGrantId(m.getGrantId());
      requireText(m.getReason(), 0, MAX_REASON_CHARS, "the reason");
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, DecideGrant args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
    }

    @Override
    public void execute(ExecutionContext ctx, DecideGrant args) throws ContractException {
      GrantRecord g = existingGrant(ctx, args.getGrantId());
      DatasetRecord d = grantedDataset(ctx, g);
      GrantStatus from = g.getStatus();
      if (to == GrantStatus.CANCELLED) {
        if (!g.getGrantee().equals(ctx.sender().value())) {
          throw new ContractException(NOT_GRANTEE, "grant " + g.getGrantId() + " was requested by " + g.getGrantee() + ", not " + ctx.sender());
        }
        if (from == GrantStatus.GRANTED && g.getReads() > 0) {
          throw new ContractException(ALREADY_RELEASED, "the data key of grant " + g.getGrantId() + " was released " + g.getReads()
              + " time(s); only the owner can revoke it now");
        }
        if (from != GrantStatus.PENDING && from != GrantStatus.GRANTED) {
          throw new ContractException(GRANT_NOT_ACTIVE, "grant " + g.getGrantId() + " is " + from + "; only a PENDING or GRANTED one can be cancelled");
        }
      } else {
        requireOwner(ctx, d);
        GrantStatus required = to == GrantStatus.REVOKED ? GrantStatus.GRANTED : GrantStatus.PENDING;
        if (from != required) {
          throw new ContractException(required == GrantStatus.PENDING ? GRANT_NOT_PENDING : GRANT_NOT_ACTIVE,
              "grant " + g.getGrantId() + " is " + from + "; only a " + required + " one can be " + to);
        }
      }
      String event;
      switch (to) {
        case GRANTED -> {
          requireOpen(d);
          requireNotExpired(ctx, g.getExpiryHeight(), g.getExpiryMillis(), "grant " + g.getGrantId());
          if (activeIdentity(ctx, g.getGrantee()).isEmpty()) {
            throw new ContractException(GRANTEE_REVOKED, "grantee " + g.getGrantee() + " is no longer an active identity");
          }
          if (g.getPrice() > 0) {
            Credits.escrow(ctx, g.getGrantee(), escrowId(g.getGrantId()), g.getPrice(), CREDIT_FAILURES);
          }
          event = "access_granted";
        }
        case DENIED -> event = "access_denied";
        case REVOKED -> {
          Credits.releaseEscrow(ctx, escrowId(g.getGrantId()), g.getGrantee(), CREDIT_FAILURES);
          event = "access_revoked";
        }
        case CANCELLED -> {
          Credits.releaseEscrow(ctx, escrowId(g.getGrantId()), g.getGrantee(), CREDIT_FAILURES);
          event = "access_cancelled";
        }
        default -> throw new IllegalStateException("no decision leads to " + to);
      }
      GrantRecord decided = g.toBuilder().setStatus(to).addHistory(grantChange(ctx, from, to, args.getReason())).build();
      ctx.put(DatasetsState.grant(g.getGrantId()), decided.toByteArray());
      ctx.emit(event, g.getGrantId().getBytes(StandardCharsets.UTF_8));
    }
  }

  // ------------------------------------------------------------------ record_access

  static final class Access implements ContractMethod<RecordAccess> {
    @Override
    public RecordAccess decode(byte[] arguments) throws ContractException {
      RecordAccess m = parse(RecordAccess.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireGrantId(m.getGrantId());
      if (m.getKind() == AccessKind.KEY_RELEASE) {
        requireHash(m.getWrappedKeySha256(), "wrapped key hash", BAD_ARGUMENTS);
      } else if (m.getKind() == AccessKind.BLOB_DOWNLOAD || m.getKind() == AccessKind.COMPUTE) {
        if (!m.getWrappedKeySha256().isEmpty()) {
          throw bad("a " + m.getKind() + " access releases no key: the wrapped key hash must be empty");
        }
      } else {
        throw bad("the access kind is missing or unknown");
      }
      if (!m.getPurpose().matches(ROLE_PATTERN)) {
        throw bad("purpose '" + m.getPurpose() + "' must be 1-32 lower-case letters, digits or '-', starting with a letter");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, RecordAccess args) throws ContractException {
      if (Identities.activeSender(ctx, NOT_AUTHORISED).getKind() != IdentityKind.VALIDATOR) {
        throw new ContractException(NOT_AUTHORISED, "only a validator, as a dataset's custodian, records accesses");
      }
    }

    @Override
    public void execute(ExecutionContext ctx, RecordAccess args) throws ContractException {
      GrantRecord g = existingGrant(ctx, args.getGrantId());
      DatasetRecord d = grantedDataset(ctx, g);
      if (!d.getCustodian().equals(ctx.sender().value())) {
        throw new ContractException(NOT_CUSTODIAN, "the custodian of dataset " + d.getDatasetId() + " version " + d.getVersion()
            + " is " + d.getCustodian() + ", not " + ctx.sender());
      }
      if (g.getStatus() != GrantStatus.GRANTED) {
        throw new ContractException(GRANT_NOT_ACTIVE, "grant " + g.getGrantId() + " is " + g.getStatus() + ", not GRANTED");
      }
      if (!args.getPurpose().equals(g.getPurpose())) {
        throw new ContractException(PURPOSE_MISMATCH, "grant " + g.getGrantId() + " is for purpose " + g.getPurpose() + ", not " + args.getPurpose());
      }
      boolean computeOnly = g.getPurpose().equals(COMPUTE_ONLY_PURPOSE);
      if (computeOnly && args.getKind() != AccessKind.COMPUTE) {
        throw new ContractException(COMPUTE_ONLY, "grant " + g.getGrantId() + " is for purpose " + COMPUTE_ONLY_PURPOSE
            + ": the custodian computes on the data, and neither the key nor the ciphertext is ever released (" + args.getKind() + " refused)");
      }
      if (!computeOnly && args.getKind() == AccessKind.COMPUTE) {
        throw new ContractException(NOT_COMPUTE_GRANT, "grant " + g.getGrantId() + " is for purpose " + g.getPurpose()
            + ", not " + COMPUTE_ONLY_PURPOSE + ": a compute access is recorded only for compute-only grants");
      }
      if (d.getStatus() == DatasetStatus.ERASED) {
        throw new ContractException(DATASET_ERASED, "dataset " + d.getDatasetId() + " version " + d.getVersion() + " is erased");
      }
      requireNotExpired(ctx, g.getExpiryHeight(), g.getExpiryMillis(), "grant " + g.getGrantId());
      IdentityRecord grantee = activeIdentity(ctx, g.getGrantee())
          .orElseThrow(() -> new ContractException(GRANTEE_REVOKED, "grantee " + g.getGrantee() + " is no longer an active identity"));
      GrantRecord.Builder updated = g.toBuilder();
      long paid = 0;
      if (args.getKind() == AccessKind.KEY_RELEASE || args.getKind() == AccessKind.COMPUTE) {
        if (g.getMaxReads() != 0 && g.getReads() >= g.getMaxReads()) {
          throw new ContractException(READS_EXHAUSTED, "grant " + g.getGrantId() + " allowed " + g.getMaxReads()
              + (args.getKind() == AccessKind.KEY_RELEASE ? " key release(s)" : " read(s)") + ", all used");
        }
        if (args.getKind() == AccessKind.KEY_RELEASE && grantee.getEncryptionKey().isEmpty()) {
          throw new ContractException(NO_ENCRYPTION_KEY, "grantee " + g.getGrantee() + " has set no encryption key to wrap the data key for");
        }
        if (g.getReads() == 0) {
          paid = Credits.releaseEscrow(ctx, escrowId(g.getGrantId()), d.getOwner(), CREDIT_FAILURES);
          updated.setPaid(paid);
        }
        updated.setReads(g.getReads() + 1);
      }
      byte[] countKey = DatasetsState.accessCount(d.getDatasetId(), d.getVersion());
      long sequence = DatasetsState.count(ctx.state(), countKey);
      AccessRecord access = AccessRecord.newBuilder()
          .setGrantId(g.getGrantId())
          .setGrantee(g.getGrantee())
          .setDatasetId(d.getDatasetId())
          .setVersion(d.getVersion())
          .setKind(args.getKind())
          .setPurpose(g.getPurpose())
          .setHeight(ctx.height())
          .setTimestampMillis(ctx.timestampMillis())
          .setTxId(ByteString.copyFrom(ctx.txId().bytes()))
          .setCustodian(d.getCustodian())
          .setSequence(sequence)
          .setGranteeEncryptionKey(args.getKind() == AccessKind.KEY_RELEASE ? grantee.getEncryptionKey() : ByteString.EMPTY)
          .setWrappedKeySha256(args.getWrappedKeySha256())
          .setPaid(paid)
          .build();
      byte[] accessKey = DatasetsState.access(d.getDatasetId(), d.getVersion(), sequence);
      ctx.put(accessKey, access.toByteArray());
      ctx.put(countKey, DatasetsState.count(sequence + 1));
      byte[] granteeCountKey = DatasetsState.granteeAccessCount(g.getGrantee());
      long granteeSequence = DatasetsState.count(ctx.state(), granteeCountKey);
      ctx.put(DatasetsState.granteeAccess(g.getGrantee(), granteeSequence), accessKey);
      ctx.put(granteeCountKey, DatasetsState.count(granteeSequence + 1));
      ctx.put(DatasetsState.grant(g.getGrantId()), updated.build().toByteArray());
      String event = switch (args.getKind()) {
        case KEY_RELEASE -> "key_released";
        case COMPUTE -> "computed";
        default -> "blob_downloaded";
      };
      ctx.emit(event, g.getGrantId().getBytes(StandardCharsets.UTF_8));
      ctx.output(access.toByteArray());
    }
  }

  // ------------------------------------------------------------------ deprecate, erase

  static final class ChangeStatus implements ContractMethod<ChangeDatasetStatus> {
    private final DatasetStatus to;

    ChangeStatus(DatasetStatus to) {
      this.to = to;
    }

    @Override
    public ChangeDatasetStatus decode(byte[] arguments) throws ContractException {
      ChangeDatasetStatus m = parse(ChangeDatasetStatus.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      requireDatasetId(m.getDatasetId());
      requireVersion(m.getVersion());
      requireText(m.getReason(), 0, MAX_REASON_CHARS, "the reason");
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, ChangeDatasetStatus args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
    }

    @Override
    public void execute(ExecutionContext ctx, ChangeDatasetStatus args) throws ContractException {
      DatasetRecord d = existing(ctx, args.getDatasetId(), args.getVersion());
      requireOwner(ctx, d);
      DatasetStatus from = d.getStatus();
      if (from == DatasetStatus.ERASED) {
        throw new ContractException(DATASET_ERASED, "dataset " + d.getDatasetId() + " version " + d.getVersion() + " is already erased");
      }
      if (to == DatasetStatus.DEPRECATED && from != DatasetStatus.ACTIVE) {
        throw new ContractException(DATASET_NOT_ACTIVE, "dataset " + d.getDatasetId() + " version " + d.getVersion() + " is " + from
            + "; only an ACTIVE version can be deprecated");
      }
      DatasetRecord.Builder b = d.toBuilder().setStatus(to).addHistory(datasetChange(ctx, from, to, args.getReason()));
      if (to == DatasetStatus.ERASED) {
        b.clearCustodyKey();
      }
      ctx.put(DatasetsState.dataset(d.getDatasetId(), d.getVersion()), b.build().toByteArray());
      ctx.emit(to == DatasetStatus.ERASED ? "dataset_erased" : "dataset_deprecated", versionRef(d.getDatasetId(), d.getVersion()));
    }
  }
}
