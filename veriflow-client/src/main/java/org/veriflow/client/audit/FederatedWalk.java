package org.veriflow.client.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.veriflow.client.federated.FederatedClient;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.federated.Round;
import org.veriflow.client.federated.RoundAttestation;
import org.veriflow.client.federated.RoundUpdate;
import org.veriflow.client.federated.Task;
import org.veriflow.client.federated.TaskDataset;
import org.veriflow.client.federated.TaskParticipant;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SignatureCheck;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.ml.federated.AggregationRule;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.federated.RoundAggregation;
import org.veriflow.ml.federated.RoundOutcome;
import org.veriflow.ml.federated.RuleSpec;
import org.veriflow.ml.federated.UpdateInput;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.ModelFile;
import org.veriflow.ml.tensor.Parallelism;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.fl.AcceptedUpdate;
import org.veriflow.protocol.proto.fl.AttestRound;
import org.veriflow.protocol.proto.fl.Contribution;
import org.veriflow.protocol.proto.fl.JoinTask;
import org.veriflow.protocol.proto.fl.RejectedUpdate;
import org.veriflow.protocol.proto.fl.RoundResult;
import org.veriflow.protocol.proto.fl.SubmitUpdate;

/**
 * The federated branch of a model's walk: a model the {@code fl} contract registered when its task
 * completed (recipe {@code veriflow-fl-model/1}). Its registration is the task's last {@code
 * fl.attest_round}, its recipe is the task's provenance, and its loss curve a hash of the rounds'
 * validation losses; each link is checked against the task and rounds the node serves, recomputed here.
 * Not thread-safe.
 */
final class FederatedWalk {
  static final String MODEL_FORMAT = "veriflow-fl-model/1";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The node's reads the walk needs (a fake in tests). Each throws {@link ClientException} as the node refuses. */
  interface Source {
    Task task(String taskId);

    List<Round> rounds(String taskId);

    Responses.Identity identity(String id);

    Responses.TxBytes transactionBytes(String txId);

    /** The reads of {@code client}. */
    static Source of(VeriflowClient client) {
      return new Source() {
        @Override
        public Task task(String taskId) {
          return new FederatedClient(client).task(taskId);
        }

        @Override
        public List<Round> rounds(String taskId) {
          return new FederatedClient(client).rounds(taskId);
        }

        @Override
        public Responses.Identity identity(String id) {
          return client.identity(id);
        }

        @Override
        public Responses.TxBytes transactionBytes(String txId) {
          return client.transactionBytes(txId);
        }
      };
    }
  }

  /** A transaction's inclusion in the orderer-signed log ({@link LogChecks#included(String, String, Responses.TxInfo)}). */
  @FunctionalInterface
  interface Inclusion {
    Check included(String section, String name, Responses.TxInfo tx);
  }

  private final VeriflowClient client;
  private final Source source;
  private final Inclusion log;
  private final Path workDir;
  private final Consumer<Check> add;
  private final Consumer<String> section;

  /**
   * @param client downloads blobs and exports snapshots for the replay; unused without it
   * @param source the node's reads of tasks, rounds, identities and transactions
   * @param log checks a transaction's inclusion in the signed log
   */
  FederatedWalk(VeriflowClient client, Source source, Inclusion log, Path workDir, Consumer<Check> add, Consumer<String> section) {
    this.client = client;
    this.source = source;
    this.log = log;
    this.workDir = workDir;
    this.add = add;
    this.section = section;
  }

  /** The task a model's recipe names if the recipe is a federated provenance ({@value #MODEL_FORMAT}); empty otherwise. */
  static Optional<String> taskOf(byte[] recipe) {
    try {
      JsonNode n = JSON.readTree(recipe);
      if (n != null && n.isObject() && MODEL_FORMAT.equals(n.path("format").asText()) && n.path("task").isTextual()) {
        return Optional.of(n.path("task").asText());
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Walks the federated links of the model: the task the record names, registration, provenance
   * recipe, task recipe, rounds with their attestation and update transactions, participants with
   * their join transactions, loss curve, and with {@code replay} each round recomputed here.
   *
   * @param taskId the task walked: the record's federated task, or the one its recipe names if the record names none
   * @return the task's verified rounds (empty if the task or its rounds could not be read)
   */
  List<Round> walk(Responses.ModelDetail d, String taskId, boolean replay) throws IOException {
    String sec = "federated task " + taskId;
    section.accept(sec);
    Responses.Model m = d.model();
    named(sec, d);
    Task task;
    List<Round> rounds;
    try {
      task = source.task(taskId);
      rounds = source.rounds(taskId);
    } catch (ClientException e) {
      add.accept(Check.failed(sec, "task and rounds exist", e.code().equals("UNKNOWN_TASK") ? AuditCode.NOT_FOUND : AuditCode.NODE_ERROR,
          e.code() + ": " + e.getMessage()));
      return List.of();
    }
    add.accept(task.status() == org.veriflow.protocol.proto.fl.TaskStatus.COMPLETED && task.modelId().equals(m.modelId())
        ? Check.ok(sec, "task COMPLETED with this model id", "task " + taskId + " of " + task.owner() + ", " + task.rounds() + " rounds, rule "
            + task.rule() + ", aggregator " + task.aggregator() + ", finished at height " + task.finishedHeight())
        : Check.failed(sec, "task COMPLETED with this model id", AuditCode.FL_TASK_MISMATCH, "task " + taskId + " is " + task.status()
            + " with model id " + task.modelId() + ", the record is model " + m.modelId()));
    registration(sec, m, task);

    FederatedRecipe recipe = taskRecipe(task);
    provenance(d, task, rounds);
    boolean chained = rounds(m, task, rounds, recipe);
    participants(d, task);
    lossCurve(d, rounds);
    if (replay) {
      replay(task, rounds, recipe, chained);
    } else {
      add.accept(Check.skipped("federated replay", "each round recomputed here gives the round's result", "not asked (--replay recomputes the rounds here)"));
    }
    return rounds;
  }

  /** The record's federated task and the task its provenance recipe names are the same. */
  private void named(String sec, Responses.ModelDetail d) {
    String name = "the record's federated task is the task its provenance recipe names";
    Optional<String> inRecipe = taskOf(d.recipe());
    if (d.federatedTask().isEmpty()) {
      add.accept(Check.failed(sec, name, AuditCode.FL_TASK_MISMATCH, "the record names no federated task, its recipe names task "
          + inRecipe.orElse("(none)")));
    } else if (inRecipe.isEmpty()) {
      add.accept(Check.failed(sec, name, AuditCode.FL_PROVENANCE_MISMATCH, "the record names task " + d.federatedTask().get()
          + ", its recipe is not a " + MODEL_FORMAT + " provenance naming a task"));
    } else if (!inRecipe.get().equals(d.federatedTask().get())) {
      add.accept(Check.failed(sec, name, AuditCode.FL_PROVENANCE_MISMATCH, "the record names task " + d.federatedTask().get()
          + ", its recipe names task " + inRecipe.get()));
    } else {
      add.accept(Check.ok(sec, name, "task " + inRecipe.get()));
    }
  }

  // ------------------------------------------------------------------ registration

  /** The model's first history entry is the task's last fl.attest_round, by an active validator, in the signed log. */
  private void registration(String sec, Responses.Model m, Task task) {
    String included = "registration transaction in the signed log";
    String name = "registration is the task's last fl.attest_round, sent by an active validator other than the aggregator";
    if (m.history().isEmpty()) {
      add.accept(Check.failed(sec, included, AuditCode.TX_MISMATCH, "the record has no history, so no registration transaction"));
      add.accept(Check.skipped(sec, name, "no registration transaction"));
      return;
    }
    String txId = m.history().get(0).txId();
    Responses.TxBytes tx;
    try {
      tx = source.transactionBytes(txId);
    } catch (ClientException e) {
      add.accept(Check.failed(sec, included, AuditCode.NOT_IN_LOG, "transaction " + txId + ": " + e.code() + ": " + e.getMessage()));
      add.accept(Check.skipped(sec, name, "the node does not serve the registration transaction"));
      return;
    }
    add.accept(log.included(sec, included, tx.info()));
    Signed signed = signed(tx, "fl", "attest_round");
    if (signed.failure != null) {
      add.accept(rename(signed.failure, sec, name));
      return;
    }
    AttestRound args;
    try {
      args = AttestRound.parseFrom(signed.payload.getArguments());
    } catch (InvalidProtocolBufferException e) {
      add.accept(Check.failed(sec, name, AuditCode.TX_MISMATCH, "transaction " + txId + " does not decode as an fl.attest_round"));
      return;
    }
    if (!args.getTaskId().equals(task.taskId()) || args.getRound() != task.rounds()) {
      add.accept(Check.failed(sec, name, AuditCode.TX_MISMATCH, "transaction " + txId + " attests round " + args.getRound() + " of task "
          + args.getTaskId() + ", not the last round " + task.rounds() + " of " + task.taskId()));
      return;
    }
    if (signed.sender.equals(task.aggregator())) {
      add.accept(Check.failed(sec, name, AuditCode.BAD_TX_SIGNATURE, "sent by the task's aggregator " + signed.sender));
      return;
    }
    Optional<String> notValidator = activeValidator(signed.sender);
    if (notValidator.isPresent()) {
      add.accept(Check.failed(sec, name, AuditCode.BAD_TX_SIGNATURE, notValidator.get()));
      return;
    }
    add.accept(Check.ok(sec, name, signed.algorithm + " signature of validator " + signed.sender + " valid; attests aggregation "
        + args.getAttempt() + " of round " + args.getRound() + " of task " + args.getTaskId()));
  }

  /** Empty if the identity is an active validator, else why not. */
  private Optional<String> activeValidator(String id) {
    try {
      Responses.Identity i = source.identity(id);
      if (!i.kind().equals("VALIDATOR") || !i.status().equals("ACTIVE")) {
        return Optional.of("sent by " + id + ", a " + i.status() + " " + i.kind() + ", not an active validator");
      }
      return Optional.empty();
    } catch (ClientException e) {
      return Optional.of("sender " + id + " is not a registered identity: " + e.code() + ": " + e.getMessage());
    }
  }

  /** A transaction's payload hashes to its id, is {@code contract.method}, and its signature verifies with its sender key. */
  private record Signed(TxPayload payload, String sender, String algorithm, Check failure) {}

  private static Signed signed(Responses.TxBytes tx, String contract, String method) {
    String txId = tx.info().id();
    byte[] bytes = tx.payload();
    Hash got = Hash.sha256(bytes);
    if (!got.hex().equals(txId)) {
      return fail(AuditCode.TX_MISMATCH, "the payload served for " + txId + " hashes to " + got.hex());
    }
    TxPayload payload;
    try {
      payload = TxPayload.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return fail(AuditCode.TX_MISMATCH, "transaction " + txId + " does not decode");
    }
    if (!payload.getContract().equals(contract) || !payload.getMethod().equals(method)) {
      return fail(AuditCode.TX_MISMATCH, "transaction " + txId + " is a " + payload.getContract() + "." + payload.getMethod() + " call, not "
          + contract + "." + method);
    }
    PublicKey sender;
    try {
      sender = PublicKey.decode(payload.getSenderAlgorithm() == KeyAlgorithm.P256 ? SignatureAlgorithm.P256 : SignatureAlgorithm.ED25519,
          payload.getSenderKey().toByteArray());
    } catch (IllegalArgumentException e) {
      return fail(AuditCode.BAD_TX_SIGNATURE, "the sender key of " + txId + " is invalid: " + e.getMessage());
    }
    SignatureCheck sc = sender.verify(bytes, tx.signature());
    if (!sc.isValid()) {
      return fail(AuditCode.BAD_TX_SIGNATURE, "the signature over " + txId + " by " + sender.id().value() + " is " + sc);
    }
    return new Signed(payload, sender.id().value(), sender.algorithm().label(), null);
  }

  private static Check rename(Check c, String sec, String name) {
    return Check.failed(sec, name, c.code(), c.detail());
  }

  private static Signed fail(AuditCode code, String detail) {
    return new Signed(null, "", "", Check.failed("-", "-", code, detail));
  }

  // ------------------------------------------------------------------ recipes

  /** The task's federated recipe: its hash, its form, and the initial model it builds. */
  private FederatedRecipe taskRecipe(Task task) {
    String sec = "federated recipe";
    section.accept(sec);
    byte[] bytes = task.recipe().getBytes(StandardCharsets.UTF_8);
    Hash h = Hash.sha256(bytes);
    add.accept(h.hex().equals(task.recipeSha256())
        ? Check.ok(sec, "task recipe hashes to the task's recipe hash", bytes.length + " bytes, SHA-256 " + h.hex())
        : Check.failed(sec, "task recipe hashes to the task's recipe hash", AuditCode.HASH_MISMATCH, "it hashes to " + h.hex()
            + ", the task records " + task.recipeSha256()));
    FederatedRecipe recipe;
    try {
      recipe = FederatedRecipe.parse(bytes);
    } catch (IllegalArgumentException e) {
      add.accept(Check.failed(sec, "task recipe parses as veriflow-fl-recipe/1", AuditCode.RECIPE_INVALID, e.getMessage()));
      add.accept(Check.skipped(sec, "initial model is the recipe's, recomputed here", "the recipe does not parse"));
      return null;
    }
    add.accept(Check.ok(sec, "task recipe parses as veriflow-fl-recipe/1", recipe.algorithm() + ", features " + recipe.features()
        + ", label " + recipe.label() + ", seed " + recipe.seed()));
    String initial = recipe.initialModel().hash().hex();
    add.accept(initial.equals(task.initialModelSha256())
        ? Check.ok(sec, "initial model is the recipe's, recomputed here", initial)
        : Check.failed(sec, "initial model is the recipe's, recomputed here", AuditCode.HASH_MISMATCH, "the recipe's initial model hashes to "
            + initial + ", the task records " + task.initialModelSha256()));
    return recipe;
  }

  /** The model's recipe is the provenance the contract builds from the task and its rounds, byte for byte. */
  private void provenance(Responses.ModelDetail d, Task task, List<Round> rounds) {
    String sec = "recipe";
    section.accept(sec);
    Responses.Model m = d.model();
    byte[] bytes = d.recipe();
    Hash h = Hash.sha256(bytes);
    add.accept(h.hex().equals(m.recipeSha256())
        ? Check.ok(sec, "recipe bytes hash to the recorded recipe hash", bytes.length + " bytes, SHA-256 " + h.hex())
        : Check.failed(sec, "recipe bytes hash to the recorded recipe hash", AuditCode.HASH_MISMATCH, "they hash to " + h.hex()
            + ", the record says " + m.recipeSha256()));
    String name = "recipe is the task's provenance (veriflow-fl-model/1): task, recipe hash, rule, rounds and participants";
    byte[] expected = provenance(task, rounds);
    if (java.util.Arrays.equals(bytes, expected)) {
      add.accept(Check.ok(sec, name, "equal byte for byte to the provenance rebuilt from task " + task.taskId() + ", " + rounds.size()
          + " rounds and " + task.participants().size() + " participants"));
    } else {
      add.accept(Check.failed(sec, name, AuditCode.FL_PROVENANCE_MISMATCH, "the recipe (" + bytes.length + " bytes, " + h.hex()
          + ") differs from the provenance rebuilt from the task and its rounds (" + expected.length + " bytes, " + Hash.sha256(expected).hex()
          + "): " + new String(expected, StandardCharsets.UTF_8)));
    }
    List<Responses.DatasetHashes> fromParticipants = new ArrayList<>();
    for (TaskParticipant p : task.participants()) {
      fromParticipants.add(hashes(p.dataset()));
    }
    add.accept(fromParticipants.equals(d.datasets())
        ? Check.ok(sec, "the record's datasets are the participants' datasets", "participants " + task.participants().stream().map(TaskParticipant::id).toList())
        : Check.failed(sec, "the record's datasets are the participants' datasets", AuditCode.DATASET_MISMATCH, "the participants joined with "
            + fromParticipants + ", the record names " + d.datasets()));
  }

  private static Responses.DatasetHashes hashes(TaskDataset t) {
    // As the node serves a model's datasets: a dataset version has an empty snapshot id.
    return new Responses.DatasetHashes(nz(t.source().snapshotId()), t.csvSha256(), t.readingsRoot());
  }

  /**
   * The model recipe the {@code fl} contract registers for a completed task: canonical JSON {@value
   * #MODEL_FORMAT}, members in a fixed order, no whitespace (the contract's {@code FederatedModel}).
   */
  static byte[] provenance(Task task, List<Round> rounds) {
    StringBuilder j = new StringBuilder(512);
    j.append("{\"format\":").append(quote(MODEL_FORMAT))
        .append(",\"task\":").append(quote(task.taskId()))
        .append(",\"recipeSha256\":").append(quote(task.recipeSha256()))
        .append(",\"rule\":").append(quote(task.rule().name()))
        .append(",\"trimFractionMicros\":").append(Integer.toUnsignedString(task.trimFractionMicros()))
        .append(",\"krumF\":").append(Integer.toUnsignedString(task.krumF()))
        .append(",\"multiKrumM\":").append(Integer.toUnsignedString(task.multiKrumM()))
        .append(",\"rounds\":[");
    for (int i = 0; i < rounds.size(); i++) {
      Round r = rounds.get(i);
      j.append(i == 0 ? "" : ",")
          .append("{\"round\":").append(Integer.toUnsignedString(r.round()))
          .append(",\"globalModelSha256\":").append(quote(r.result().map(x -> x.globalModelSha256()).orElse("")))
          .append(",\"resultSha256\":").append(quote(r.resultSha256().orElse("")))
          .append('}');
    }
    j.append("],\"participants\":[");
    for (int i = 0; i < task.participants().size(); i++) {
      TaskParticipant p = task.participants().get(i);
      TaskDataset d = p.dataset();
      j.append(i == 0 ? "" : ",")
          .append("{\"id\":").append(quote(p.id()))
          .append(",\"snapshotId\":").append(quote(nz(d.source().snapshotId())))
          .append(",\"datasetId\":").append(quote(nz(d.source().datasetId())))
          .append(",\"datasetVersion\":").append(Long.toUnsignedString(d.source().version()))
          .append(",\"csvSha256\":").append(quote(d.csvSha256()))
          .append(",\"readingsRoot\":").append(quote(d.readingsRoot()))
          .append('}');
    }
    j.append("]}");
    return j.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** {@code s} as a JSON string (RFC 8259, section 7): quotes, backslashes and controls escaped. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            String h = Integer.toHexString(c);
            out.append("\\u").append("0".repeat(4 - h.length())).append(h);
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  // ------------------------------------------------------------------ rounds

  /**
   * Each round: verified, its result re-encoded hashing to its result hash, chained on the previous
   * global model, attested by enough validators, its updates submitted and signed by their
   * participants. Returns whether the chain of global models holds from the initial model to the artifact.
   */
  private boolean rounds(Responses.Model m, Task task, List<Round> rounds, FederatedRecipe recipe) {
    String tsec = "federated rounds";
    section.accept(tsec);
    boolean chained = true;
    if (rounds.size() != task.rounds()) {
      add.accept(Check.failed(tsec, "the task's rounds are all served", AuditCode.FL_ROUND_INVALID, "the node serves " + rounds.size()
          + " rounds, the task has " + task.rounds()));
      chained = false;
    }
    String previous = task.initialModelSha256();
    for (Round r : rounds) {
      String sec = "federated round " + r.round();
      section.accept(sec);
      add.accept(r.status() == org.veriflow.protocol.proto.fl.RoundStatus.VERIFIED
          ? Check.ok(sec, "round VERIFIED", "aggregation " + r.attempt() + " at height " + r.aggregatedHeight() + ", verified at height " + r.verifiedHeight())
          : Check.failed(sec, "round VERIFIED", AuditCode.FL_ROUND_INVALID, "round " + r.round() + " is " + r.status()
              + r.rejection().map(x -> ": " + x).orElse("")));
      String enc = "result re-encoded hashes to the round's result hash";
      if (r.result().isEmpty() || r.resultSha256().isEmpty()) {
        add.accept(Check.failed(sec, enc, AuditCode.FL_ROUND_INVALID, "the round has no result"));
        chained = false;
        continue;
      }
      org.veriflow.client.federated.RoundResult res = r.result().get();
      try {
        String got = Hash.sha256(encode(r.round(), res).toByteArray()).hex();
        add.accept(got.equals(r.resultSha256().get())
            ? Check.ok(sec, enc, got + ": " + res.accepted().size() + " accepted, " + res.rejected().size() + " rejected, validation loss "
                + res.validationLoss())
            : Check.failed(sec, enc, AuditCode.HASH_MISMATCH, "the result served encodes to " + got + ", the round records "
                + r.resultSha256().get()));
      } catch (IllegalArgumentException e) {
        add.accept(Check.failed(sec, enc, AuditCode.FL_ROUND_INVALID, "the result does not encode: " + e.getMessage()));
      }
      String base = "base model is " + (r.round() == 1 ? "the initial model" : "round " + (r.round() - 1) + "'s global model");
      if (!r.baseModelSha256().equals(previous)) {
        chained = false;
      }
      add.accept(r.baseModelSha256().equals(previous)
          ? Check.ok(sec, base, previous)
          : Check.failed(sec, base, AuditCode.FL_ROUND_INVALID, "the round starts from " + r.baseModelSha256() + ", not " + previous));
      previous = res.globalModelSha256();
      attestations(sec, task, r);
      updates(sec, r, res);
    }
    String last = "the last round's global model is the model's artifact";
    add.accept(previous.equals(m.artifactSha256())
        ? Check.ok(tsec, last, previous)
        : Check.failed(tsec, last, AuditCode.MODEL_MISMATCH, "the last global model is " + previous + ", the record's artifact " + m.artifactSha256()));
    return chained && previous.equals(m.artifactSha256()) && recipe != null;
  }

  private void attestations(String sec, Task task, Round r) {
    List<String> matching = new ArrayList<>();
    for (RoundAttestation a : r.attestations()) {
      if (a.attempt() != r.attempt()) {
        continue;
      }
      String name = "attestation by " + a.validator() + " at height " + a.height();
      boolean signed = attestationTx(sec, name, r, a);
      if (a.validator().equals(task.aggregator())) {
        add.accept(Check.failed(sec, name, AuditCode.BAD_TX_SIGNATURE, "the aggregator attested its own aggregation"));
      } else if (a.failure().isPresent()) {
        add.accept(Check.failed(sec, name, AuditCode.REPLAY_FAILED, "the validator could not recompute the round: " + a.failure().get()));
      } else if (!a.match() || !a.resultSha256().equals(r.resultSha256().orElse(""))) {
        add.accept(Check.failed(sec, name, AuditCode.REPLAY_MISMATCH, "the validator got " + a.resultSha256() + ", the round records "
            + r.resultSha256().orElse("")));
      } else {
        Optional<String> notValidator = activeValidator(a.validator());
        if (notValidator.isPresent()) {
          add.accept(Check.failed(sec, name, AuditCode.BAD_TX_SIGNATURE, notValidator.get()));
        } else {
          if (signed) {
            matching.add(a.validator());
          }
          add.accept(Check.ok(sec, name, "validator " + a.validator() + " recomputed " + a.resultSha256()));
        }
      }
    }
    String enough = "matching attestations of the verified aggregation by validators other than the aggregator";
    // The chain's required count is a genesis parameter the node does not serve; the round's VERIFIED
    // status says the contract counted enough, and at least one must be here.
    add.accept(!matching.isEmpty()
        ? Check.ok(sec, enough, matching.size() + " (" + matching + "), each an fl.attest_round in the signed log signed by its validator")
        : Check.failed(sec, enough, AuditCode.FL_ROUND_INVALID, "no matching attestation of aggregation " + r.attempt()
            + " whose transaction is in the signed log, signed by its validator"));
  }

  /**
   * The attestation's transaction: in the signed log, an {@code fl.attest_round} of this task, round
   * and attempt carrying the attested result hash (or failure), signed by the attesting validator.
   *
   * @return whether both checks passed
   */
  private boolean attestationTx(String sec, String attestation, Round r, RoundAttestation a) {
    String included = attestation + ": transaction in the signed log";
    String name = attestation + ": an fl.attest_round of this round and attempt with its result hash, signed by the validator";
    Optional<Signed> found = transaction(sec, included, name, a.txId(), "attest_round", "attestation");
    if (found.isEmpty()) {
      return false;
    }
    Signed s = found.get();
    AttestRound args;
    try {
      args = AttestRound.parseFrom(s.payload.getArguments());
    } catch (InvalidProtocolBufferException e) {
      add.accept(Check.failed(sec, name, AuditCode.TX_MISMATCH, "transaction " + a.txId().get() + " does not decode as an fl.attest_round"));
      return false;
    }
    String hash = HexFormat.of().formatHex(args.getResultSha256().toByteArray());
    if (!s.sender.equals(a.validator())) {
      add.accept(Check.failed(sec, name, AuditCode.BAD_TX_SIGNATURE, "signed by " + s.sender + ", the attestation names " + a.validator()));
      return false;
    }
    if (!args.getTaskId().equals(r.taskId()) || args.getRound() != r.round() || args.getAttempt() != a.attempt()
        || !hash.equals(a.resultSha256() == null ? "" : a.resultSha256()) || !args.getFailure().equals(a.failure().orElse(""))) {
      add.accept(Check.failed(sec, name, AuditCode.TX_MISMATCH, "the transaction attests " + (hash.isEmpty() ? "no result" : hash)
          + (args.getFailure().isEmpty() ? "" : " (failure: " + args.getFailure() + ")") + " for aggregation " + args.getAttempt()
          + " of round " + args.getRound() + " of task " + args.getTaskId() + "; the round records " + (a.resultSha256() == null
          || a.resultSha256().isEmpty() ? "no result" : a.resultSha256()) + " for aggregation " + a.attempt() + " of round " + r.round()
          + " of task " + r.taskId()));
      return false;
    }
    add.accept(Check.ok(sec, name, s.algorithm + " signature of validator " + s.sender + " valid; attests " + (hash.isEmpty() ? "a failure" : hash)));
    return true;
  }

  /**
   * Reads a transaction the chain names by id, adds its inclusion check, and checks it is a signed
   * {@code fl.method} call; adds the failed check and returns empty if any of that fails.
   */
  private Optional<Signed> transaction(String sec, String included, String name, Optional<String> txId, String method, String what) {
    if (txId.isEmpty()) {
      add.accept(Check.failed(sec, included, AuditCode.NOT_IN_LOG, "the " + what + " record holds no transaction id"));
      add.accept(Check.skipped(sec, name, "no transaction id"));
      return Optional.empty();
    }
    Responses.TxBytes tx;
    try {
      tx = source.transactionBytes(txId.get());
    } catch (ClientException e) {
      add.accept(Check.failed(sec, included, AuditCode.NOT_IN_LOG, "transaction " + txId.get() + ": " + e.code() + ": " + e.getMessage()));
      add.accept(Check.skipped(sec, name, "the node does not serve the transaction"));
      return Optional.empty();
    }
    Check in = log.included(sec, included, tx.info());
    add.accept(in);
    Signed s = signed(tx, "fl", method);
    if (s.failure != null) {
      add.accept(rename(s.failure, sec, name));
      return Optional.empty();
    }
    return in.failed() ? Optional.empty() : Optional.of(s);
  }

  private void updates(String sec, Round r, org.veriflow.client.federated.RoundResult res) {
    List<String> missing = new ArrayList<>();
    for (org.veriflow.client.federated.AcceptedUpdate a : res.accepted()) {
      if (r.updates().stream().noneMatch(u -> u.participant().equals(a.participant()) && u.updateSha256().equals(a.updateSha256()))) {
        missing.add("accepted " + a.participant() + " " + a.updateSha256());
      }
    }
    for (org.veriflow.client.federated.RejectedUpdate a : res.rejected()) {
      if (r.updates().stream().noneMatch(u -> u.participant().equals(a.participant()) && u.updateSha256().equals(a.updateSha256()))) {
        missing.add("rejected " + a.participant() + " " + a.updateSha256());
      }
    }
    int judged = res.accepted().size() + res.rejected().size();
    String name = "every accepted and rejected update is a submitted update of the round, and every submitted one is judged";
    add.accept(missing.isEmpty() && judged == r.updates().size()
        ? Check.ok(sec, name, res.accepted().size() + " accepted, " + res.rejected().size() + " rejected of " + r.updates().size() + " submitted")
        : Check.failed(sec, name, AuditCode.FL_ROUND_INVALID, missing.isEmpty() ? judged + " judged, " + r.updates().size() + " submitted"
            : "not submitted: " + missing));
    for (RoundUpdate u : r.updates()) {
      String included = "update of " + u.participant() + " in the signed log";
      String signedName = "update of " + u.participant() + " is an fl.submit_update signed by the participant, carrying its hash";
      if (u.txId() == null || u.txId().isEmpty()) {
        add.accept(Check.failed(sec, included, AuditCode.NOT_IN_LOG, "the update record holds no transaction id"));
        continue;
      }
      Responses.TxBytes tx;
      try {
        tx = source.transactionBytes(u.txId());
      } catch (ClientException e) {
        add.accept(Check.failed(sec, included, AuditCode.NOT_IN_LOG, "transaction " + u.txId() + ": " + e.code() + ": " + e.getMessage()));
        continue;
      }
      add.accept(log.included(sec, included, tx.info()));
      Signed s = signed(tx, "fl", "submit_update");
      if (s.failure != null) {
        add.accept(rename(s.failure, sec, signedName));
        continue;
      }
      try {
        SubmitUpdate args = SubmitUpdate.parseFrom(s.payload.getArguments());
        String hash = HexFormat.of().formatHex(args.getUpdateSha256().toByteArray());
        if (!s.sender.equals(u.participant())) {
          add.accept(Check.failed(sec, signedName, AuditCode.BAD_TX_SIGNATURE, "signed by " + s.sender + ", the update names " + u.participant()));
        } else if (!args.getTaskId().equals(r.taskId()) || args.getRound() != r.round() || !hash.equals(u.updateSha256())
            || args.getExamples() != u.examples()) {
          add.accept(Check.failed(sec, signedName, AuditCode.TX_MISMATCH, "the transaction submits " + hash + " (" + args.getExamples()
              + " examples) to round " + args.getRound() + " of " + args.getTaskId()));
        } else {
          add.accept(Check.ok(sec, signedName, s.algorithm + " signature of " + s.sender + " valid; " + hash + ", " + u.examples() + " examples"));
        }
      } catch (InvalidProtocolBufferException e) {
        add.accept(Check.failed(sec, signedName, AuditCode.TX_MISMATCH, "transaction " + u.txId() + " does not decode as an fl.submit_update"));
      }
    }
  }

  /**
   * A round result as the node encodes it ({@code FederatedRounds}): lists sorted by participant id,
   * hashes as raw bytes, reasons as their names, contributions one per entry in id order.
   *
   * @throws IllegalArgumentException if a hash is not hex
   */
  static RoundResult encode(int round, org.veriflow.client.federated.RoundResult r) {
    RoundResult.Builder b = RoundResult.newBuilder().setRound(round).setGlobalModelSha256(bytes(r.globalModelSha256()));
    r.accepted().stream().sorted((x, y) -> x.participant().compareTo(y.participant())).forEach(a -> b.addAccepted(AcceptedUpdate.newBuilder()
        .setParticipant(a.participant()).setUpdateSha256(bytes(a.updateSha256())).setWeight(a.weight())));
    r.rejected().stream().sorted((x, y) -> x.participant().compareTo(y.participant())).forEach(a -> b.addRejected(RejectedUpdate.newBuilder()
        .setParticipant(a.participant()).setUpdateSha256(bytes(a.updateSha256())).setReason(a.reason()).setScore(a.score())));
    for (Map.Entry<String, Long> c : r.contributionMicros().entrySet()) {
      b.addContributions(Contribution.newBuilder().setParticipant(c.getKey()).setMicros(c.getValue()));
    }
    return b.setValidationLoss(r.validationLoss()).setValidationAccuracy(r.validationAccuracy()).build();
  }

  /** A round outcome computed here, encoded as {@link #encode} does. */
  static RoundResult encode(int round, RoundOutcome o) {
    List<org.veriflow.client.federated.AcceptedUpdate> accepted = o.accepted().stream()
        .map(a -> new org.veriflow.client.federated.AcceptedUpdate(a.participant(), a.hash().hex(), a.weight())).toList();
    List<org.veriflow.client.federated.RejectedUpdate> rejected = o.rejected().stream()
        .map(a -> new org.veriflow.client.federated.RejectedUpdate(a.participant(), a.hash().hex(), a.reason().name(), a.score())).toList();
    return encode(round, new org.veriflow.client.federated.RoundResult(o.globalHash().hex(), accepted, rejected, o.contributionMicros(),
        o.validationLoss(), o.validationAccuracy()));
  }

  private static ByteString bytes(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  // ------------------------------------------------------------------ participants, loss curve

  /**
   * Each participant: its join transaction in the signed log, an {@code fl.join} of the task naming
   * exactly its dataset, signed by it; and its dataset one of the record's.
   */
  private void participants(Responses.ModelDetail d, Task task) {
    String sec = "federated participants";
    section.accept(sec);
    for (TaskParticipant p : task.participants()) {
      joinTx(sec, task, p);
      Responses.DatasetHashes h = hashes(p.dataset());
      String name = "participant " + p.id() + " joined with a dataset of the record";
      add.accept(d.datasets().contains(h)
          ? Check.ok(sec, name, "joined at height " + p.joinedHeight() + " with " + h.snapshotId() + " (CSV " + h.csvSha256() + ", " + p.datasetRows()
              + " rows); " + p.roundsAccepted() + " round(s) accepted, " + p.roundsRejected() + " rejected, " + p.roundsMissed() + " missed")
          : Check.failed(sec, name, AuditCode.DATASET_MISMATCH, "joined with " + h + ", the record names " + d.datasets()));
    }
  }

  private void joinTx(String sec, Task task, TaskParticipant p) {
    String included = "join of " + p.id() + " in the signed log";
    String name = "join of " + p.id() + " is an fl.join of the task naming its dataset, signed by the participant";
    Optional<Signed> found = transaction(sec, included, name, p.joinTxId(), "join", "participant");
    if (found.isEmpty()) {
      return;
    }
    Signed s = found.get();
    JoinTask args;
    try {
      args = JoinTask.parseFrom(s.payload.getArguments());
    } catch (InvalidProtocolBufferException e) {
      add.accept(Check.failed(sec, name, AuditCode.TX_MISMATCH, "transaction " + p.joinTxId().get() + " does not decode as an fl.join"));
      return;
    }
    if (!s.sender.equals(p.id())) {
      add.accept(Check.failed(sec, name, AuditCode.BAD_TX_SIGNATURE, "signed by " + s.sender + ", the participant is " + p.id()));
      return;
    }
    org.veriflow.protocol.proto.models.DatasetRef ref = args.getDataset();
    TaskDataset t = p.dataset();
    String csv = HexFormat.of().formatHex(ref.getCsvSha256().toByteArray());
    String root = HexFormat.of().formatHex(ref.getReadingsRoot().toByteArray());
    boolean same = ref.getSnapshotId().equals(nz(t.source().snapshotId())) && ref.getDatasetId().equals(nz(t.source().datasetId()))
        && ref.getDatasetVersion() == t.source().version() && csv.equals(t.csvSha256()) && root.equals(t.readingsRoot());
    if (!args.getTaskId().equals(task.taskId()) || !same) {
      add.accept(Check.failed(sec, name, AuditCode.TX_MISMATCH, "the transaction joins task " + args.getTaskId() + " with snapshot '"
          + ref.getSnapshotId() + "', dataset '" + ref.getDatasetId() + "' version " + Long.toUnsignedString(ref.getDatasetVersion()) + ", CSV "
          + csv + ", readings root " + root + "; the participant record names task " + task.taskId() + " and " + t));
      return;
    }
    add.accept(Check.ok(sec, name, s.algorithm + " signature of " + s.sender + " valid; joins " + task.taskId() + " with CSV " + csv));
  }

  /** The loss curve text the contract hashes, rebuilt from the rounds' results. */
  static byte[] lossCurve(List<Round> rounds) {
    StringBuilder curve = new StringBuilder("round,validation_loss\n");
    for (Round r : rounds) {
      curve.append(Integer.toUnsignedString(r.round())).append(',')
          .append(Double.toString(r.result().map(x -> x.validationLoss()).orElse(Double.NaN))).append('\n');
    }
    return curve.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void lossCurve(Responses.ModelDetail d, List<Round> rounds) {
    String sec = "federated loss curve";
    section.accept(sec);
    String name = "loss curve recomputed from the rounds' validation losses hashes to the recorded hash";
    String got = Hash.sha256(lossCurve(rounds)).hex();
    add.accept(got.equals(d.lossCurveSha256())
        ? Check.ok(sec, name, got + " over " + rounds.size() + " rounds")
        : Check.failed(sec, name, AuditCode.HASH_MISMATCH, "the rounds' curve hashes to " + got + ", the record says " + d.lossCurveSha256()));
  }

  // ------------------------------------------------------------------ replay

  /** Each round recomputed here from the blobs and the chain's validation readings; its encoding hashed. */
  private void replay(Task task, List<Round> rounds, FederatedRecipe recipe, boolean chained) throws IOException {
    String sec = "federated replay";
    section.accept(sec);
    String name = "each round recomputed here gives the round's result";
    if (recipe == null || !chained) {
      add.accept(Check.skipped(sec, name, recipe == null ? "the task's recipe does not parse" : "the rounds do not chain to the artifact"));
      return;
    }
    Optional<byte[]> validation = data(sec, task.validation(), "validation");
    Optional<byte[]> rootCsv = Optional.empty();
    if (task.rule() == org.veriflow.protocol.proto.fl.AggregationRule.FLTRUST) {
      if (task.root().isEmpty()) {
        add.accept(Check.skipped(sec, name, "an FLTrust task without a root dataset"));
        return;
      }
      rootCsv = data(sec, task.root().get(), "root");
      if (rootCsv.isEmpty()) {
        return;
      }
    }
    if (validation.isEmpty()) {
      return;
    }
    Path dir = workDir.resolve("fl-" + task.taskId());
    Files.createDirectories(dir);
    RuleSpec rule = new RuleSpec(AggregationRule.valueOf(task.rule().name()), task.trimFractionMicros(), task.krumF(), task.multiKrumM());
    Model base = recipe.initialModel();
    try (Parallelism parallelism = Parallelism.allProcessors()) {
      for (Round r : rounds) {
        String rname = "round " + r.round() + " recomputed here gives the round's result";
        List<UpdateInput> inputs = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (RoundUpdate u : r.updates()) {
          Optional<byte[]> file = blob(dir, u.updateSha256());
          if (file.isEmpty()) {
            absent.add(u.participant() + " " + u.updateSha256());
          }
          inputs.add(new UpdateInput(u.participant(), org.veriflow.ml.io.Sha256.fromHex(u.updateSha256()), u.examples(), file.orElse(null)));
        }
        RoundOutcome o;
        try {
          o = RoundAggregation.aggregate(recipe, task.taskId(), r.round(), base, inputs, rule, rootCsv.orElse(null), validation.get(), parallelism);
        } catch (IllegalArgumentException | IllegalStateException e) {
          add.accept(Check.failed(sec, rname, AuditCode.REPLAY_FAILED, "the round does not aggregate here: " + e.getMessage()));
          skipAfter(sec, rounds, r.round());
          return;
        }
        String got = Hash.sha256(encode(r.round(), o).toByteArray()).hex();
        String want = r.resultSha256().orElse("");
        String blobs = absent.isEmpty() ? "" : "; update blob(s) not in the blob store: " + absent;
        if (got.equals(want)) {
          add.accept(Check.ok(sec, rname, got + " (global model " + o.globalHash().hex() + ")" + blobs));
        } else {
          add.accept(Check.failed(sec, rname, AuditCode.REPLAY_MISMATCH, "recomputed here: " + got + ", the round records " + want + blobs));
          skipAfter(sec, rounds, r.round());
          return;
        }
        base = o.globalModel();
      }
    }
  }

  /** The rounds after a round that did not recompute: each starts from a global model not reproduced here. */
  private void skipAfter(String sec, List<Round> rounds, int failed) {
    for (Round r : rounds) {
      if (r.round() > failed) {
        add.accept(Check.skipped(sec, "round " + r.round() + " recomputed here gives the round's result", "round " + failed
            + " did not recompute here, so its global model is not this round's base"));
      }
    }
  }

  private Optional<byte[]> blob(Path dir, String hash) throws IOException {
    Path file = dir.resolve("blob-" + hash);
    try {
      client.getBlob(hash, file);
    } catch (ClientException e) {
      return Optional.empty();
    }
    byte[] b = Files.readAllBytes(file);
    return Hash.sha256(b).hex().equals(hash) ? Optional.of(b) : Optional.empty();
  }

  /** A validation or root dataset's CSV exported from the chain's readings; a dataset version cannot be (only its custodian decrypts it). */
  private Optional<byte[]> data(String sec, TaskDataset t, String role) throws IOException {
    String name = "the " + role + " data exported from the chain's readings reproduces the task's CSV hash";
    String snapshot = t.source().snapshotId();
    if (snapshot == null || snapshot.isEmpty()) {
      add.accept(Check.skipped(sec, name, "the " + role + " data is dataset version " + t.source().datasetId() + "@" + t.source().version()
          + ", whose plaintext only its custodian decrypts: the rounds are not recomputed here"));
      return Optional.empty();
    }
    Path csv = workDir.resolve("snapshot-" + snapshot + ".csv");
    try {
      Responses.SnapshotExport e = client.streams().exportSnapshot(snapshot, csv);
      if (!e.csvSha256().equals(t.csvSha256())) {
        add.accept(Check.failed(sec, name, AuditCode.EXPORT_MISMATCH, "the export hashes to " + e.csvSha256() + ", the task names " + t.csvSha256()));
        return Optional.empty();
      }
      add.accept(Check.ok(sec, name, "snapshot " + snapshot + ", " + e.rows() + " rows, " + e.csvSha256()));
      return Optional.of(Files.readAllBytes(csv));
    } catch (ProofException e) {
      add.accept(Check.failed(sec, name, AuditCode.EXPORT_MISMATCH, e.getMessage()));
    } catch (ClientException e) {
      add.accept(Check.failed(sec, name, AuditCode.NODE_ERROR, e.code() + ": " + e.getMessage()));
    }
    return Optional.empty();
  }
}
