package org.veriflow.client;

import java.util.List;
import java.util.Optional;

/** The node's answers, as plain values. */
public final class Responses {
  private Responses() {}

  /** {@code GET /v1/chain}. */
  public record ChainInfo(String chainId, String genesisHash, long height, int maxTxBytes, List<Orderer> orderers) {}

  /** An orderer key as the chain lists it. */
  public record Orderer(String id, String algorithm, String publicKeyHex) {}

  /**
   * The state of a transaction: {@code PENDING}, {@code COMMITTED}, {@code FAILED} or {@code UNKNOWN}.
   * {@code height}, {@code code} and {@code proof} are present once it is in a block.
   */
  public record TxInfo(String id, String status, Optional<Long> height, Optional<String> code, Optional<String> message,
      Optional<InclusionProof> proof) {
    /** @return whether the transaction is in a durable block and executed successfully */
    public boolean committed() {
      return status.equals(TransactionStatus.COMMITTED.name());
    }

    /** @return whether the transaction is in a durable block, committed or failed */
    public boolean inBlock() {
      return committed() || status.equals(TransactionStatus.FAILED.name());
    }
  }

  /** An inclusion proof of a transaction in the global log of {@code logSize} leaves. */
  public record InclusionProof(long leafIndex, long logSize, long blockHeight, List<String> hashes) {}

  /** {@code GET /v1/blocks/...}; {@code headerBase64} is the header exactly as hashed and signed. */
  public record BlockInfo(long height, String hash, String previousHash, long timestamp, long logSize, String logRoot,
      String stateHash, int txCount, String headerBase64, List<String> transactions, List<BlockSignature> signatures) {}

  /** An orderer's signature over a block header. */
  public record BlockSignature(String publicKeyHex, String algorithm, String signatureHex) {}

  /** {@code GET /v1/log/consistency}. */
  public record ConsistencyProof(long from, long to, List<String> hashes) {}

  /** {@code GET /v1/accounts/{id}}. */
  public record Account(String id, long nonce, long balance) {}

  /**
   * {@code GET /v1/identities/{id}}; {@code encryptionKey} is the identity's X25519 public key (64
   * hex), absent when it has none or the node does not show it.
   */
  public record Identity(String id, String kind, String name, String owner, String algorithm, List<String> roles, String status,
      long registeredHeight, Optional<Long> revokedHeight, Optional<String> revocationReason, Optional<String> encryptionKey) {}

  /** A field of a stream's schema. */
  public record Field(String name, String unit, double min, double max, int decimals) {}

  /** A device of a stream. */
  public record Device(String deviceId, String name, String algorithm, String publicKeyHex, String status, long lastSequence) {}

  /** {@code GET /v1/streams/{id}}. */
  public record Stream(String streamId, String owner, String description, List<Field> fields, long samplingIntervalMillis,
      long timeWindowMillis, List<Device> devices) {}

  /** A legal reading as the chain keeps it. */
  public record StoredReading(String digest, String deviceId, long sequence, long timestamp, List<Double> values, String txId, int index, long height) {}

  /** A page of readings; {@code next} continues it. */
  public record ReadingPage(List<StoredReading> readings, Optional<String> next) {}

  /** {@code GET /v1/streams/{id}/stats}: per device and in total, readings by verdict. */
  public record StreamStats(java.util.Map<String, java.util.Map<String, Long>> devices, java.util.Map<String, Long> totals) {}

  /**
   * {@code GET /v1/snapshots/{id}}: {@code from} is {@link Long#MIN_VALUE} when the range is open at
   * the start, {@code to} is {@link Long#MAX_VALUE} when it is open at the end (the values the chain
   * records; the node leaves such bounds out of its answer).
   */
  public record Snapshot(String snapshotId, String streamId, long from, long to, String title, long rowCount, String csvSha256,
      String readingsRoot, String creator, long height) {}

  /** What an export wrote and recomputed; it matched the chain's record or the export threw. */
  public record SnapshotExport(Snapshot snapshot, long rows, String csvSha256, String readingsRoot) {}

  /** One stage change of a model. */
  public record StageChange(String from, String to, String by, long height, String reason, String txId) {}

  /** A validator's replay attestation. */
  public record Attestation(String validator, String artifactSha256, boolean match, long height) {}

  /** {@code GET /v1/models/{id}}. */
  public record Model(String modelId, String stage, String trainer, String recipeSha256, String artifactSha256,
      List<String> snapshotIds, java.util.Map<String, Double> metrics, List<StageChange> history, List<Attestation> attestations) {}

  /** One feature's share in a decision (input x gradient, in the output's units). */
  public record FeatureAttribution(String feature, double value, double attribution) {}

  /** One answer of {@code POST /v1/models/{id}/predict}; {@code outputJson} as the node shows it. */
  public record Prediction(String decisionId, String outputJson, String inputSha256, List<FeatureAttribution> attributions) {}

  /** The answers of one predict request, logged in one transaction under one batch root. */
  public record Predictions(String modelId, String txId, long height, String batchRoot, List<Prediction> decisions) {}

  /**
   * {@code GET /v1/decisions/{id}}: {@code input} and {@code output} are the canonical JSON texts as
   * logged, {@code decisionBytes} the Decision exactly as signed in its batch, {@code proof} its
   * inclusion proof in the batch tree.
   */
  public record Decision(String decisionId, String modelId, String modelSha256, String inputSha256, Optional<String> input,
      String output, List<FeatureAttribution> attributions, String requester, String requestId, String agent, String txId,
      long height, int index, int batchSize, String batchRoot, byte[] decisionBytes, List<String> proof) {}

  // ------------------------------------------------------------ audits

  /** A legal reading with the bytes its device signed and the signature, as its batch holds them. */
  public record SignedReading(StoredReading stored, byte[] reading, byte[] signature) {
    public SignedReading {
      reading = reading.clone();
      signature = signature.clone();
    }

    @Override
    public byte[] reading() {
      return reading.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }
  }

  /** A page of signed readings; {@code next} continues it. */
  public record SignedReadingPage(List<SignedReading> readings, Optional<String> next) {}

  /** A transaction in a block with its payload and signature exactly as kept; {@code info.proof()} is present. */
  public record TxBytes(TxInfo info, byte[] payload, byte[] signature) {
    public TxBytes {
      payload = payload.clone();
      signature = signature.clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }
  }

  /** The hashes a model record names for one of its datasets. */
  public record DatasetHashes(String snapshotId, String csvSha256, String readingsRoot) {}

  /** A validator's replay attestation; {@code failure} says why its replay produced no artifact. */
  public record AttestationDetail(String validator, String artifactSha256, boolean match, long height, Optional<String> failure) {}

  /** A page of {@code GET /v1/models}; {@code next} is the cursor of the following page. */
  public record ModelPage(List<ModelDetail> models, Optional<String> next) {
    public ModelPage {
      models = List.copyOf(models);
    }
  }

  /**
   * A model's whole record; {@code recipe} is the canonical recipe exactly as hashed on chain,
   * {@code federatedTask} the federated task whose completion registered it (empty when it was not
   * trained federatedly).
   */
  public record ModelDetail(Model model, String engineVersion, String lossCurveSha256, long registeredHeight,
      List<DatasetHashes> datasets, List<AttestationDetail> attestations, byte[] recipe, Optional<String> federatedTask) {
    public ModelDetail {
      recipe = recipe.clone();
      java.util.Objects.requireNonNull(federatedTask, "federatedTask");
    }

    @Override
    public byte[] recipe() {
      return recipe.clone();
    }
  }

  // ------------------------------------------------------------ datasets

  /** A column of a dataset's schema. */
  public record Column(String name, String type) {}

  /** A dataset version's access policy, as fixed when it was published. */
  public record Policy(List<String> identities, List<String> organisations, List<String> roles, List<String> purposes,
      long expiryHeight, long expiryMillis, long price, long maxReads, boolean autoGrant) {
    public Policy {
      identities = List.copyOf(identities);
      organisations = List.copyOf(organisations);
      roles = List.copyOf(roles);
      purposes = List.copyOf(purposes);
    }
  }

  /** Rows of one label value. */
  public record LabelCount(String label, long count) {}

  /** The quality numbers a dataset version carries on chain; the full report is a blob. */
  public record Quality(long rows, long columns, List<Long> missing, long duplicates, long outliers, List<LabelCount> labelBalance,
      double illegalReadingRate) {
    public Quality {
      missing = List.copyOf(missing);
      labelBalance = List.copyOf(labelBalance);
    }
  }

  /** A status change of a dataset version or a grant. */
  public record StatusChange(String from, String to, String by, long height, String reason, String txId) {}

  /**
   * One version of a dataset ({@code GET /v1/datasets/{id}/versions/{v}}); hashes are hex, {@code
   * custodyKey} says whether the wrapped data key is still on chain (false once erased).
   */
  public record DatasetVersion(String datasetId, long version, String owner, String status, String title, String description,
      List<String> tags, List<Column> schema, String licence, Policy policy, String plaintextSha256, String ciphertextSha256,
      long plaintextBytes, long ciphertextBytes, String snapshotId, String readingsRoot, String custodian, boolean custodyKey,
      Quality quality, String qualityReportSha256, long previousVersion, long nextVersion, long publishedHeight,
      long publishedMillis, List<StatusChange> history) {
    public DatasetVersion {
      tags = List.copyOf(tags);
      schema = List.copyOf(schema);
      history = List.copyOf(history);
    }
  }

  /** {@code GET /v1/datasets/{id}}: the latest version and the numbers of all versions, oldest first. */
  public record Dataset(DatasetVersion latest, List<Long> versions) {
    public Dataset {
      versions = List.copyOf(versions);
    }
  }

  /** A page of dataset versions; {@code next} continues it. */
  public record DatasetPage(List<DatasetVersion> datasets, Optional<String> next) {
    public DatasetPage {
      datasets = List.copyOf(datasets);
    }
  }

  /**
   * A grant ({@code GET /v1/grants/{id}}): its id is the id of the request transaction; {@code
   * escrowed} is what the grantee's price holds in escrow now, {@code paid} what went to the owner.
   */
  public record Grant(String grantId, String datasetId, long version, String grantee, String purpose, String status,
      long sequence, long requestedHeight, long requestedMillis, long price, long maxReads, long expiryHeight,
      long expiryMillis, long reads, long paid, long escrowed, List<StatusChange> history) {
    public Grant {
      history = List.copyOf(history);
    }
  }

  /** A page of grants; {@code next} continues it. */
  public record GrantPage(List<Grant> grants, Optional<String> next) {
    public GrantPage {
      grants = List.copyOf(grants);
    }
  }

  /**
   * An entry of a custodian's access log: {@code kind} {@code KEY_RELEASE} or {@code BLOB_DOWNLOAD};
   * for a key release, the grantee's encryption key and the wrapped key's hash (hex), else empty.
   */
  public record Access(String grantId, String grantee, String datasetId, long version, String kind, String purpose, long height,
      long timestampMillis, String txId, String custodian, long sequence, String granteeEncryptionKey, String wrappedKeySha256,
      long paid) {}

  /** A page of accesses; {@code next} continues it. */
  public record AccessPage(List<Access> accesses, Optional<String> next) {
    public AccessPage {
      accesses = List.copyOf(accesses);
    }
  }

  /**
   * A data key released by the custodian ({@code POST /v1/grants/{id}/key}): wrapped for the
   * grantee's encryption key, after the release was recorded by {@code accessTx} at {@code height}.
   */
  public record KeyRelease(String grantId, byte[] wrappedKey, String accessTx, long height) {
    public KeyRelease {
      wrappedKey = wrappedKey.clone();
    }

    @Override
    public byte[] wrappedKey() {
      return wrappedKey.clone();
    }
  }

  // ------------------------------------------------------------ compute-to-data

  /**
   * A model the custodian trained for a compute-only grant ({@code POST /v1/grants/{id}/compute}):
   * the access recorded by {@code accessTx}, the model registered by {@code modelTx}, trained on
   * dataset {@code datasetId} version {@code version} whose plaintext hashes to {@code
   * plaintextSha256}.
   */
  public record ComputeResult(String grantId, String modelId, String accessTx, long accessHeight, String modelTx, long modelHeight,
      String artifactSha256, String lossCurveSha256, String datasetId, long version, String plaintextSha256,
      java.util.SortedMap<String, Double> metrics) {
    public ComputeResult {
      metrics = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(metrics));
    }
  }

  // ------------------------------------------------------------ clusters

  /**
   * {@code GET /v1/cluster}: a node's view of its Raft cluster, with its own chain head. A single node
   * answers {@code clustered} false, role {@code SOLO}, term and indexes 0, and no self, leader,
   * members or followers.
   *
   * @param self this node's member id; empty for a single node
   * @param role the node's Raft role as it reports it ({@code LEADER}, {@code FOLLOWER}, {@code
   *     CANDIDATE}, ...), or {@code SOLO}
   * @param leader the leader's member id; empty when the node knows of no leader
   * @param members every member of the cluster, as configured
   * @param followers the leader's view of its followers; empty on any node but the leader
   * @param logStartIndex the first index still in the node's Raft log (0 on a single node)
   * @param height the node's chain height; {@code blockHash} and {@code stateHash} (hex) are its head block's
   */
  public record ClusterInfo(boolean clustered, Optional<String> self, String role, Optional<String> leader, long term,
      long commitIndex, long appliedIndex, long logStartIndex, List<ClusterMember> members, List<ClusterFollower> followers, String chainId,
      long height, String blockHash, String stateHash) {
    public ClusterInfo {
      java.util.Objects.requireNonNull(self, "self");
      java.util.Objects.requireNonNull(leader, "leader");
      members = List.copyOf(members);
      followers = List.copyOf(followers);
    }
  }

  /** A member of a cluster: its id, its Raft address ({@code host:port}) and its HTTP API's base URL. */
  public record ClusterMember(String id, String raftAddress, String apiUrl) {}

  /**
   * The leader's view of a follower: the highest Raft log index known to be replicated on it, and how
   * long ago, in milliseconds, the leader last heard from it.
   */
  public record ClusterFollower(String id, long matchIndex, long lastContactMillis) {}

  /** The key that signed a checkpoint: its identity id, algorithm ({@code ED25519}, {@code P256}) and encoded public key in hex. */
  public record CheckpointSigner(String id, String algorithm, String publicKeyHex) {}

  /**
   * A node's signed checkpoint ({@code GET /v1/checkpoints/{height}}): the fields as the node shows
   * them, {@code checkpoint}, the serialised {@link org.veriflow.protocol.proto.Checkpoint} exactly as
   * signed, and {@code signature}, the node key's signature over exactly those bytes. Nothing is
   * checked when it is fetched: {@link #verify()} checks it.
   */
  public record SignedCheckpoint(String chainId, long height, String blockHash, String stateHash, CheckpointSigner signer,
      byte[] checkpoint, byte[] signature) {
    public SignedCheckpoint {
      java.util.Objects.requireNonNull(signer, "signer");
      checkpoint = checkpoint.clone();
      signature = signature.clone();
    }

    @Override
    public byte[] checkpoint() {
      return checkpoint.clone();
    }

    @Override
    public byte[] signature() {
      return signature.clone();
    }

    /**
     * Checks that the signer's public key decodes and has the signer's id, that the signature over
     * the checkpoint bytes (as received; they are never re-serialised) verifies under it, and that
     * the chain id, height, block hash and state hash in those bytes are the ones shown.
     *
     * @return the checkpoint decoded from the signed bytes
     * @throws CheckpointException naming the first check that fails
     */
    public org.veriflow.protocol.proto.Checkpoint verify() throws CheckpointException {
      return CheckpointChecks.verify(this, Optional.empty());
    }

    /**
     * Like {@link #verify()}, and the signer must also be one of {@code trustedOrderers} (for
     * example the orderers {@code GET /v1/chain} lists, or keys read from the genesis file).
     *
     * @throws CheckpointException with {@link CheckpointFailure#UNKNOWN_SIGNER} if it is not, or
     *     naming the first other check that fails
     */
    public org.veriflow.protocol.proto.Checkpoint verify(List<Orderer> trustedOrderers) throws CheckpointException {
      return CheckpointChecks.verify(this, Optional.of(List.copyOf(trustedOrderers)));
    }
  }
}
