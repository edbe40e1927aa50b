package org.veriflow.node.service;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.contracts.datasets.Datasets;
import org.veriflow.contracts.datasets.DatasetsState;
import org.veriflow.contracts.fl.Fl;
import org.veriflow.contracts.fl.FlState;
import org.veriflow.contracts.streams.Streams;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.ml.federated.AggregationRule;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.federated.RoundAggregation;
import org.veriflow.ml.federated.RoundOutcome;
import org.veriflow.ml.federated.RuleSpec;
import org.veriflow.ml.federated.UpdateInput;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.ModelFile;
import org.veriflow.ml.tensor.Parallelism;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.fl.AcceptedUpdate;
import org.veriflow.protocol.proto.fl.Contribution;
import org.veriflow.protocol.proto.fl.CreateTask;
import org.veriflow.protocol.proto.fl.RejectedUpdate;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.RoundResult;
import org.veriflow.protocol.proto.fl.TaskRecord;
import org.veriflow.protocol.proto.fl.UpdateRecord;
import org.veriflow.protocol.proto.models.DatasetRef;

/**
 * The computation of a federated round, shared by the {@link Aggregator} and the {@link
 * RoundVerifier}: both must come to the same bytes from the same chain and blobs.
 *
 * <p>From the ledger state it reads the task and the round; from the blobs, the round's base model
 * (the recipe's initial model when the base is the task's initial model hash, else the blob) and each
 * submitted update (this node's blob store, else another member's, checked against its hash and then
 * stored here); the validation data, and for FLTrust the root data, are reproduced the way the
 * {@link Verifier} reproduces training data (a stream snapshot from the state, a dataset version
 * from its plaintext if this node is its custodian). It then runs {@link RoundAggregation} and encodes
 * the {@code RoundResult}: accepted, rejected and contributions sorted by participant id.
 *
 * <p>An update whose blob no one has, or whose bytes on disk do not hash to its committed hash and no
 * member has a good copy, or which is larger than {@link #MAX_MODEL_BYTES}, goes in with no model
 * file: the aggregation rejects it as {@code MISSING_BLOB}. A base model that cannot be had makes
 * the round uncomputable ({@link Failed}). Thread-safe: it holds no state of its own.
 */
final class FederatedRounds {
  private static final Logger LOG = LoggerFactory.getLogger(FederatedRounds.class);
  /** The fl contract's namespace. */
  static final String FL = Fl.NAME;
  /**
   * The largest model file (base model or update) read: 256 MiB, far above the engine's largest
   * recipe within the chain's limits for the network sizes a federated task trains. A larger update
   * is treated as a missing blob; a larger base model fails the round.
   */
  static final long MAX_MODEL_BYTES = 256L << 20;

  /** What computing a round came to. */
  sealed interface Computed permits Result, Failed, Unavailable {}

  /**
   * The round computed.
   *
   * @param result the round's result
   * @param encoded its canonical encoding, as submitted and hashed
   * @param sha256 SHA-256 of {@code encoded}
   * @param globalModelFile the new global model's file (a blob)
   * @param globalHash its SHA-256
   */
  record Result(RoundResult result, byte[] encoded, Hash sha256, byte[] globalModelFile, Hash globalHash) implements Computed {}

  /**
   * The round cannot be computed from what the chain names: a sentence a validator attests as its
   * failure (a recipe that does not parse, a base model no one has, validation data that disagrees
   * with its recorded hash).
   */
  record Failed(String sentence) implements Computed {}

  /**
   * This node cannot compute the round for a reason of its own, not the round's: the validation or
   * root data is a dataset version whose plaintext only its custodian holds. Nothing is attested.
   */
  record Unavailable(String why) implements Computed {}

  private final Ledger ledger;
  private final BlobStore blobs;
  private final PeerBlobs peers;
  private final CustodianData custodianData;

  FederatedRounds(Ledger ledger, BlobStore blobs, PeerBlobs peers, CustodianData custodianData) {
    this.ledger = ledger;
    this.blobs = blobs;
    this.peers = peers;
    this.custodianData = custodianData;
  }

  // ------------------------------------------------------------------ state

  static Optional<TaskRecord> task(StateView fl, String taskId) {
    return FlState.task(fl, taskId);
  }

  static Optional<RoundRecord> round(StateView fl, String taskId, int round) {
    return FlState.round(fl, taskId, round);
  }

  /** Every task in the state, in id order. */
  static List<TaskRecord> tasks(StateView fl) {
    List<TaskRecord> out = new ArrayList<>();
    String after = null;
    while (true) {
      List<TaskRecord> page = FlState.tasks(fl, after, FlState.MAX_PAGE);
      out.addAll(page);
      if (page.size() < FlState.MAX_PAGE) {
        return out;
      }
      after = page.get(page.size() - 1).getTaskId();
    }
  }

  /** The task id of an fl event's payload: {@code <task id>} or {@code <task id>/<round>}. */
  static String taskOfEvent(String payload) {
    int slash = payload.indexOf('/');
    return slash < 0 ? payload : payload.substring(0, slash);
  }

  // ------------------------------------------------------------------ computing

  /**
   * Computes round {@code round} of task {@code taskId} as of the committed state.
   *
   * @param parallelism the engine's threads; the result does not depend on them
   * @return the result, a failure to attest, or why this node cannot compute it
   * @throws IllegalStateException if the task or the round is not in the state
   * @throws UncheckedIOException if this node's blob store fails
   */
  Computed compute(String taskId, int round, Parallelism parallelism) {
    StateView fl = ledger.state(FL);
    TaskRecord task = task(fl, taskId).orElseThrow(() -> new IllegalStateException("no federated task " + taskId));
    RoundRecord record = round(fl, taskId, round).orElseThrow(() -> new IllegalStateException("task " + taskId + " has no round " + round));
    CreateTask spec = task.getSpec();
    FederatedRecipe recipe;
    try {
      recipe = FederatedRecipe.parse(spec.getRecipe().toByteArray());
    } catch (IllegalArgumentException e) {
      return new Failed("the task's recipe does not parse: " + e.getMessage());
    }
    Hash baseHash = Hash.of(record.getBaseModelSha256().toByteArray());
    Model base;
    if (baseHash.equals(Hash.of(task.getInitialModelSha256().toByteArray()))) {
      base = recipe.initialModel();
      Hash built = hash(ModelFile.hash(base));
      if (!built.equals(baseHash)) {
        return new Failed("the recipe's initial model hashes to " + built.hex() + ", the task records " + baseHash.hex());
      }
    } else {
      Optional<byte[]> file = blob(baseHash, "base model of " + taskId + " round " + round);
      if (file.isEmpty()) {
        return new Failed("the base model " + baseHash.hex() + " of round " + round + " is not on this node nor on any other member");
      }
      try {
        base = ModelFile.read(file.get());
      } catch (RuntimeException e) {
        return new Failed("the base model " + baseHash.hex() + " does not read as a model file: " + e.getMessage());
      }
    }
    Data validation = data(spec.getValidation(), "validation");
    if (validation.computed != null) {
      return validation.computed;
    }
    byte[] rootCsv = null;
    if (spec.getRule() == org.veriflow.protocol.proto.fl.AggregationRule.FLTRUST) {
      Data root = data(spec.getRoot(), "root");
      if (root.computed != null) {
        return root.computed;
      }
      rootCsv = root.csv;
    }
    List<UpdateInput> updates = new ArrayList<>();
    for (UpdateRecord u : record.getUpdatesList()) {
      Hash h = Hash.of(u.getUpdateSha256().toByteArray());
      byte[] file = blob(h, "update of " + u.getParticipant() + " in " + taskId + " round " + round).orElse(null);
      updates.add(new UpdateInput(u.getParticipant(), Sha256.fromHex(h.hex()), u.getExamples(), file));
    }
    RoundOutcome outcome;
    try {
      RuleSpec rule = new RuleSpec(rule(spec.getRule()), spec.getTrimFractionMicros(), spec.getKrumF(), spec.getMultiKrumM());
      outcome = RoundAggregation.aggregate(recipe, taskId, round, base, updates, rule, rootCsv, validation.csv, parallelism);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // The engine's refusals (data that does not fit the recipe, FLTrust's root training diverging)
      // are deterministic: every validator comes to the same sentence.
      return new Failed("the round does not aggregate: " + e.getMessage());
    }
    RoundResult.Builder result = RoundResult.newBuilder().setRound(round)
        .setGlobalModelSha256(ByteString.copyFrom(outcome.globalHash().bytes()));
    for (RoundOutcome.Accepted a : outcome.accepted()) {
      result.addAccepted(AcceptedUpdate.newBuilder().setParticipant(a.participant()).setUpdateSha256(ByteString.copyFrom(a.hash().bytes()))
          .setWeight(a.weight()));
    }
    for (RoundOutcome.Rejected r : outcome.rejected()) {
      result.addRejected(RejectedUpdate.newBuilder().setParticipant(r.participant()).setUpdateSha256(ByteString.copyFrom(r.hash().bytes()))
          .setReason(r.reason().name()).setScore(r.score()));
    }
    for (Map.Entry<String, Long> c : outcome.contributionMicros().entrySet()) {
      result.addContributions(Contribution.newBuilder().setParticipant(c.getKey()).setMicros(c.getValue()));
    }
    result.setValidationLoss(outcome.validationLoss()).setValidationAccuracy(outcome.validationAccuracy());
    RoundResult built = sorted(result.build());
    byte[] encoded = built.toByteArray();
    return new Result(built, encoded, Hash.sha256(encoded), outcome.globalModelFile(), hash(outcome.globalHash()));
  }

  /** The result with its lists sorted by participant id, as fl.proto requires (the engine sorts them too). */
  private static RoundResult sorted(RoundResult r) {
    List<AcceptedUpdate> accepted = new ArrayList<>(r.getAcceptedList());
    accepted.sort((a, b) -> a.getParticipant().compareTo(b.getParticipant()));
    List<RejectedUpdate> rejected = new ArrayList<>(r.getRejectedList());
    rejected.sort((a, b) -> a.getParticipant().compareTo(b.getParticipant()));
    List<Contribution> contributions = new ArrayList<>(r.getContributionsList());
    contributions.sort((a, b) -> a.getParticipant().compareTo(b.getParticipant()));
    return r.toBuilder().clearAccepted().addAllAccepted(accepted).clearRejected().addAllRejected(rejected).clearContributions()
        .addAllContributions(contributions).build();
  }

  static AggregationRule rule(org.veriflow.protocol.proto.fl.AggregationRule rule) {
    return switch (rule) {
      case FEDAVG -> AggregationRule.FEDAVG;
      case MEDIAN -> AggregationRule.MEDIAN;
      case TRIMMED_MEAN -> AggregationRule.TRIMMED_MEAN;
      case KRUM -> AggregationRule.KRUM;
      case MULTI_KRUM -> AggregationRule.MULTI_KRUM;
      case FLTRUST -> AggregationRule.FLTRUST;
      default -> throw new IllegalArgumentException("no aggregation rule " + rule);
    };
  }

  private static Hash hash(Sha256 h) {
    return Hash.of(h.bytes());
  }

  /**
   * A model blob: this node's copy if it is whole, else another member's (then stored here).
   *
   * @return empty if no one has it whole, or it is larger than {@link #MAX_MODEL_BYTES}
   */
  Optional<byte[]> blob(Hash hash, String what) {
    try {
      java.util.OptionalLong size = blobs.size(hash);
      if (size.isPresent()) {
        if (size.getAsLong() > MAX_MODEL_BYTES) {
          LOG.warn("{}: blob {} has {} bytes, above the {} bytes a model file may have; taken as missing", what, hash, size.getAsLong(),
              MAX_MODEL_BYTES);
          return Optional.empty();
        }
        Optional<InputStream> in = blobs.open(hash);
        if (in.isPresent()) {
          byte[] bytes;
          try (InputStream s = in.get()) {
            bytes = s.readNBytes((int) MAX_MODEL_BYTES + 1);
          }
          if (bytes.length <= MAX_MODEL_BYTES && Hash.sha256(bytes).equals(hash)) {
            return Optional.of(bytes);
          }
          LOG.warn("{}: this node's copy of blob {} does not hash to it (corrupted on disk); asking the other members", what, hash);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob " + hash + " from this node's store", e);
    }
    Optional<byte[]> fetched = peers.fetch(hash, MAX_MODEL_BYTES);
    if (fetched.isPresent()) {
      try {
        if (blobs.exists(hash)) {
          blobs.delete(hash); // the corrupted copy
        }
        BlobStore.PutResult put = blobs.put(hash, new ByteArrayInputStream(fetched.get()));
        if (put instanceof BlobStore.Refused r) {
          LOG.warn("{}: blob {} fetched from another member but not stored here: {} {}", what, hash, r.reason(), r.message());
        } else {
          LOG.info("{}: blob {} fetched from another member", what, hash);
        }
      } catch (IOException e) {
        LOG.warn("{}: blob {} fetched from another member but not stored here: {}", what, hash, e.toString());
      }
      return fetched;
    }
    LOG.warn("{}: blob {} is on no member", what, hash);
    return Optional.empty();
  }

  /** Reproduced data, or what to answer instead. */
  private record Data(byte[] csv, Computed computed) {}

  /** The CSV of a validation or root dataset, reproduced the way the verifier reproduces training data. */
  private Data data(DatasetRef d, String role) {
    Hash expected = Hash.of(d.getCsvSha256().toByteArray());
    if (d.getDatasetId().isEmpty()) {
      Optional<SnapshotCsv.Export> export = SnapshotCsv.reproduce(ledger.state(Streams.NAME), d.getSnapshotId());
      if (export.isEmpty()) {
        return new Data(null, new Failed("the " + role + " snapshot " + d.getSnapshotId() + " is not on this chain"));
      }
      if (!export.get().csvSha256().equals(expected)) {
        return new Data(null, new Failed("the " + role + " snapshot " + d.getSnapshotId() + " has CSV SHA-256 " + export.get().csvSha256()
            + ", the task names " + expected));
      }
      return new Data(export.get().csv(), null);
    }
    String reference = CustodianData.reference(d.getDatasetId(), d.getDatasetVersion());
    Optional<DatasetRecord> v = DatasetsState.dataset(ledger.state(Datasets.NAME), d.getDatasetId(), d.getDatasetVersion());
    if (v.isEmpty()) {
      return new Data(null, new Failed("the " + role + " dataset " + reference + " is not on this chain"));
    }
    if (!Hash.of(v.get().getPlaintextSha256().toByteArray()).equals(expected)) {
      return new Data(null, new Failed("the " + role + " dataset " + reference + " has plaintext SHA-256 "
          + Hash.of(v.get().getPlaintextSha256().toByteArray()) + ", the task names " + expected));
    }
    if (!custodianData.isCustodian(v.get())) {
      return new Data(null, new Unavailable("the " + role + " data " + reference + " is a dataset version whose plaintext only its custodian "
          + v.get().getCustodian() + " can decrypt"));
    }
    try {
      return new Data(custodianData.plaintext(v.get()), null);
    } catch (CustodianData.Unavailable e) {
      return new Data(null, new Unavailable("the plaintext of the " + role + " data " + reference + " is not available on this node ("
          + e.code + ": " + e.getMessage() + ")"));
    }
  }
}
