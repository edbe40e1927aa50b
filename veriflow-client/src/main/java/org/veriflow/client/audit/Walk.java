package org.veriflow.client.audit;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import org.veriflow.client.models.DecisionReplay;
import org.veriflow.client.ClientException;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SignatureCheck;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.Metric;
import org.veriflow.protocol.proto.models.RegisterModel;
import org.veriflow.ml.io.MalformedModelException;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.ModelFile;
import org.veriflow.ml.recipe.Recipe;

/** One audit's walk over the lineage: the checks in order and what was found. Not thread-safe. */
final class Walk implements AutoCloseable {
  private final VeriflowClient client;
  private final Path workDir;
  private final ProgressListener progress;
  private final Audit.Options options;
  private final ForkJoinPool pool;
  private final List<Check> checks = new ArrayList<>();
  private String chainId = "";
  private LogChecks log;

  Walk(VeriflowClient client, Path workDir, ProgressListener progress, Audit.Options options, ForkJoinPool pool) {
    this.client = client;
    this.workDir = workDir;
    this.progress = progress;
    this.options = options;
    this.pool = pool;
  }

  List<Check> checks() {
    return checks;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  private void chain() {
    if (log == null) {
      Responses.ChainInfo chain = client.chain();
      chainId = chain.chainId();
      log = new LogChecks(client, chain.orderers());
    }
  }

  private void add(Check c) {
    checks.add(c);
    if (c.failed()) {
      progress.progress(c.section(), 0, 0, c.line());
    }
  }

  private void section(String name) {
    progress.progress("checking " + name, 0, 0, "");
  }

  // ------------------------------------------------------------------ model

  Lineage model(String modelId) throws IOException {
    chain();
    List<Lineage.SnapshotNode> snapshots = new ArrayList<>();
    Optional<Lineage.ModelNode> node = model(modelId, snapshots);
    return new Lineage(chainId, node, snapshots, Optional.empty());
  }

  private Optional<Lineage.ModelNode> model(String modelId, List<Lineage.SnapshotNode> snapshots) throws IOException {
    String sec = "model " + modelId;
    section(sec);
    Responses.ModelDetail d;
    try {
      d = client.models().modelDetail(modelId);
    } catch (ClientException e) {
      add(Check.failed(sec, "model record exists", e.code().equals("UNKNOWN_MODEL") || e.code().equals("INVALID_ID") ? AuditCode.NOT_FOUND
          : AuditCode.NODE_ERROR, e.code() + ": " + e.getMessage()));
      return Optional.empty();
    }
    Responses.Model m = d.model();
    add(Check.ok(sec, "model record exists", "stage " + m.stage() + ", trainer " + m.trainer() + ", registered at height "
        + d.registeredHeight() + ", artifact " + m.artifactSha256() + ", datasets " + m.snapshotIds()));
    String registrationTx = m.history().isEmpty() ? "" : m.history().get(0).txId();
    // The record names the task; a record that does not but whose recipe is a federated provenance is
    // walked as federated too, so that the walk says the two disagree.
    Optional<String> federatedTask = d.federatedTask().or(() -> FederatedWalk.taskOf(d.recipe()));
    if (federatedTask.isPresent()) {
      // Registered by the fl contract in the task's last attestation: the federated branch checks it.
      for (Responses.StageChange c : m.history().subList(Math.min(1, m.history().size()), m.history().size())) {
        add(log.included(sec, "stage change " + c.from() + " -> " + c.to() + " (by " + c.by() + ", height " + c.height() + ") in the signed log", c.txId()));
      }
      new FederatedWalk(client, FederatedWalk.Source.of(client), log::included, workDir, this::add, this::section).walk(d, federatedTask.get(), options.modelReplayer().isPresent());
      for (Responses.DatasetHashes ds : d.datasets()) {
        snapshot(ds).ifPresent(snapshots::add);
      }
      artifact(d, false);
      replay(d, null, true);
    } else if (m.history().isEmpty()) {
      add(Check.failed(sec, "registration transaction in the signed log", AuditCode.TX_MISMATCH, "the record has no history, so no registration transaction"));
    } else {
      String included = "registration transaction in the signed log";
      String signed = "registration signed by the trainer, carrying this record";
      try {
        Responses.TxBytes reg = client.transactionBytes(registrationTx);
        add(log.included(sec, included, reg.info()));
        add(registration(sec, signed, d, reg));
      } catch (ClientException e) {
        add(Check.failed(sec, included, AuditCode.NOT_IN_LOG, "transaction " + registrationTx + ": " + e.code() + ": " + e.getMessage()));
        add(Check.skipped(sec, signed, "the node does not serve the registration transaction"));
      }
      for (Responses.StageChange c : m.history().subList(1, m.history().size())) {
        add(log.included(sec, "stage change " + c.from() + " -> " + c.to() + " (by " + c.by() + ", height " + c.height() + ") in the signed log", c.txId()));
      }
    }

    if (federatedTask.isEmpty()) {
      Recipe recipe = recipe(d);
      for (Responses.DatasetHashes ds : d.datasets()) {
        snapshot(ds).ifPresent(snapshots::add);
      }
      artifact(d, true);
      replay(d, recipe, false);
    }

    List<Lineage.StageChangeNode> history = new ArrayList<>();
    m.history().forEach(c -> history.add(new Lineage.StageChangeNode(c.from(), c.to(), c.by(), c.height(), c.reason(), c.txId())));
    List<Lineage.AttestationNode> attestations = new ArrayList<>();
    d.attestations().forEach(a -> attestations.add(new Lineage.AttestationNode(a.validator(), a.artifactSha256(), a.match(), a.height(), a.failure())));
    return Optional.of(new Lineage.ModelNode(m.modelId(), m.trainer(), m.stage(), m.artifactSha256(), m.recipeSha256(), d.engineVersion(),
        d.lossCurveSha256(), d.registeredHeight(), registrationTx, new TreeMap<>(m.metrics()), m.snapshotIds(), history, attestations));
  }

  /** The registration's payload is what the trainer signed, and it carries exactly what the record holds. */
  private Check registration(String sec, String name, Responses.ModelDetail d, Responses.TxBytes tx) {
    Responses.Model m = d.model();
    String txId = tx.info().id();
    byte[] payloadBytes = tx.payload();
    Hash got = Hash.sha256(payloadBytes);
    if (!got.hex().equals(txId)) {
      return Check.failed(sec, name, AuditCode.TX_MISMATCH, "the payload served for " + txId + " hashes to " + got.hex());
    }
    TxPayload payload;
    RegisterModel args;
    try {
      payload = TxPayload.parseFrom(payloadBytes);
      if (!payload.getContract().equals("models") || !payload.getMethod().equals("register")) {
        return Check.failed(sec, name, AuditCode.TX_MISMATCH, "transaction " + txId + " is a " + payload.getContract() + "." + payload.getMethod()
            + " call, not models.register");
      }
      args = RegisterModel.parseFrom(payload.getArguments());
    } catch (InvalidProtocolBufferException e) {
      return Check.failed(sec, name, AuditCode.TX_MISMATCH, "transaction " + txId + " does not decode as a model registration");
    }
    PublicKey sender;
    try {
      sender = PublicKey.decode(payload.getSenderAlgorithm() == KeyAlgorithm.P256 ? SignatureAlgorithm.P256 : SignatureAlgorithm.ED25519,
          payload.getSenderKey().toByteArray());
    } catch (IllegalArgumentException e) {
      return Check.failed(sec, name, AuditCode.BAD_TX_SIGNATURE, "the sender key of " + txId + " is invalid: " + e.getMessage());
    }
    if (!sender.id().value().equals(m.trainer())) {
      return Check.failed(sec, name, AuditCode.BAD_TX_SIGNATURE, "signed by " + sender.id().value() + ", the record names trainer " + m.trainer());
    }
    SignatureCheck sc = sender.verify(payloadBytes, tx.signature());
    if (!sc.isValid()) {
      return Check.failed(sec, name, AuditCode.BAD_TX_SIGNATURE, "the trainer's signature over " + txId + " is " + sc);
    }
    List<String> differ = new ArrayList<>();
    if (!args.getModelId().equals(m.modelId())) {
      differ.add("model id " + args.getModelId());
    }
    if (!java.util.Arrays.equals(args.getRecipe().toByteArray(), d.recipe())) {
      differ.add("recipe bytes");
    }
    if (!hex(args.getRecipeSha256().toByteArray()).equals(m.recipeSha256())) {
      differ.add("recipe hash");
    }
    if (!hex(args.getArtifactSha256().toByteArray()).equals(m.artifactSha256())) {
      differ.add("artifact " + hex(args.getArtifactSha256().toByteArray()));
    }
    if (!hex(args.getLossCurveSha256().toByteArray()).equals(d.lossCurveSha256())) {
      differ.add("loss curve");
    }
    if (!args.getEngineVersion().equals(d.engineVersion())) {
      differ.add("engine " + args.getEngineVersion());
    }
    List<Responses.DatasetHashes> signedDatasets = new ArrayList<>();
    for (DatasetRef r : args.getDatasetsList()) {
      signedDatasets.add(new Responses.DatasetHashes(r.getSnapshotId(), hex(r.getCsvSha256().toByteArray()), hex(r.getReadingsRoot().toByteArray())));
    }
    if (!signedDatasets.equals(d.datasets())) {
      differ.add("datasets");
    }
    Map<String, Double> metrics = new TreeMap<>();
    for (Metric metric : args.getMetricsList()) {
      metrics.put(metric.getName(), metric.getValue());
    }
    if (!metrics.equals(m.metrics())) {
      differ.add("metrics " + metrics);
    }
    if (!differ.isEmpty()) {
      return Check.failed(sec, name, AuditCode.TX_MISMATCH, "the signed registration differs from the record in: " + String.join(", ", differ));
    }
    return Check.ok(sec, name, sender.algorithm().label() + " signature of " + m.trainer() + " valid; recipe, datasets, artifact, loss curve, "
        + "metrics and engine equal the record's");
  }

  /** The recipe's hash, form and data reference; returns the parsed recipe if it parses. */
  private Recipe recipe(Responses.ModelDetail d) {
    String sec = "recipe";
    section(sec);
    Responses.Model m = d.model();
    byte[] bytes = d.recipe();
    Hash h = Hash.sha256(bytes);
    add(h.hex().equals(m.recipeSha256())
        ? Check.ok(sec, "recipe bytes hash to the recorded recipe hash", bytes.length + " bytes, SHA-256 " + h.hex())
        : Check.failed(sec, "recipe bytes hash to the recorded recipe hash", AuditCode.HASH_MISMATCH, "they hash to " + h.hex() + ", the record says "
            + m.recipeSha256()));
    Recipe recipe;
    try {
      recipe = Recipe.parse(bytes);
    } catch (IllegalArgumentException e) {
      add(Check.failed(sec, "recipe parses", AuditCode.RECIPE_INVALID, e.getMessage()));
      return null;
    }
    if (!recipe.hash().hex().equals(m.recipeSha256())) {
      add(Check.failed(sec, "recipe parses", AuditCode.RECIPE_INVALID, "it parses but is not canonical: its canonical form hashes to "
          + recipe.hash().hex()));
    } else {
      add(Check.ok(sec, "recipe parses", recipe.algorithm().id() + ", features " + recipe.features() + ", label " + recipe.label() + ", seed "
          + recipe.seed() + ", canonical"));
    }
    Optional<Responses.DatasetHashes> ds = d.datasets().stream().filter(x -> x.snapshotId().equals(recipe.dataReference())).findFirst();
    if (ds.isEmpty()) {
      add(Check.failed(sec, "data reference is a dataset of the record", AuditCode.RECIPE_MISMATCH, "the recipe trains on " + recipe.dataReference()
          + ", the record names " + m.snapshotIds()));
    } else {
      add(Check.ok(sec, "data reference is a dataset of the record", "snapshot " + recipe.dataReference()));
      add(recipe.dataSha256().hex().equals(ds.get().csvSha256())
          ? Check.ok(sec, "data hash is the dataset's recorded CSV hash", recipe.dataSha256().hex())
          : Check.failed(sec, "data hash is the dataset's recorded CSV hash", AuditCode.RECIPE_MISMATCH, "the recipe's data hash is "
              + recipe.dataSha256().hex() + ", the record's CSV hash " + ds.get().csvSha256()));
    }
    add(recipe.engineVersion().equals(d.engineVersion())
        ? Check.ok(sec, "engine version is the record's", recipe.engineVersion())
        : Check.failed(sec, "engine version is the record's", AuditCode.RECIPE_MISMATCH, "the recipe needs " + recipe.engineVersion()
            + ", the record says " + d.engineVersion()));
    return recipe;
  }

  /** A dataset snapshot: its record against the model's, its transaction, an export, every reading. */
  private Optional<Lineage.SnapshotNode> snapshot(Responses.DatasetHashes ds) throws IOException {
    String sec = "dataset snapshot " + ds.snapshotId();
    section(sec);
    Responses.Snapshot s;
    try {
      s = client.streams().snapshot(ds.snapshotId());
    } catch (ClientException e) {
      add(Check.failed(sec, "snapshot record exists", e.code().equals("UNKNOWN_SNAPSHOT") || e.code().equals("INVALID_ID") ? AuditCode.NOT_FOUND
          : AuditCode.NODE_ERROR, e.code() + ": " + e.getMessage()));
      return Optional.empty();
    }
    String values = "CSV SHA-256 " + s.csvSha256() + ", readings root " + s.readingsRoot();
    add(s.csvSha256().equals(ds.csvSha256()) && s.readingsRoot().equals(ds.readingsRoot())
        ? Check.ok(sec, "on-chain snapshot hashes are the model's", values + ", " + s.rowCount() + " rows of stream " + s.streamId())
        : Check.failed(sec, "on-chain snapshot hashes are the model's", AuditCode.DATASET_MISMATCH, "the snapshot records " + values
            + "; the model names " + ds.csvSha256() + ", " + ds.readingsRoot()));
    add(log.included(sec, "snapshot transaction in the signed log", s.snapshotId()));
    Path csv = workDir.resolve("snapshot-" + s.snapshotId() + ".csv");
    String exportName = "an export from the chain's readings reproduces rows, CSV SHA-256 and readings root";
    try {
      long t0 = System.nanoTime();
      Responses.SnapshotExport e = client.streams().exportSnapshot(s.snapshotId(), csv);
      progress.finished("export of snapshot " + ReadingsAudit.shortId(s.snapshotId()), e.rows(),
          String.format(java.util.Locale.ROOT, "exported %d rows to %s in %.1f s", e.rows(), csv, (System.nanoTime() - t0) / 1e9));
      add(Check.ok(sec, exportName, e.rows() + " rows, " + e.csvSha256() + ", " + e.readingsRoot() + " (" + csv + ")"));
    } catch (ProofException e) {
      add(Check.failed(sec, exportName, AuditCode.EXPORT_MISMATCH, e.getMessage()));
    } catch (ClientException e) {
      add(Check.failed(sec, exportName, AuditCode.NODE_ERROR, e.code() + ": " + e.getMessage()));
    }
    SortedMap<String, Long> byDevice = new TreeMap<>();
    String rsec = "readings of snapshot " + s.snapshotId();
    section(rsec);
    try {
      Responses.Stream stream = client.streams().stream(s.streamId());
      ReadingsAudit.Result r = new ReadingsAudit(client, s, stream, log, pool, progress, rsec).run();
      r.checks().forEach(this::add);
      byDevice = r.readingsByDevice();
    } catch (ClientException e) {
      add(Check.failed(rsec, "stream " + s.streamId() + " and its devices", AuditCode.NODE_ERROR, e.code() + ": " + e.getMessage()));
    }
    return Optional.of(new Lineage.SnapshotNode(s.snapshotId(), s.streamId(), s.creator(), s.height(), s.from(), s.to(), s.rowCount(),
        s.csvSha256(), s.readingsRoot(), byDevice));
  }

  /** The artifact and loss curve in the blob store, their hashes, and the artifact as a model file. */
  private void artifact(Responses.ModelDetail d, boolean lossCurveBlob) throws IOException {
    String sec = "artifact";
    section(sec);
    Responses.Model m = d.model();
    Path file = workDir.resolve("model-" + m.modelId() + ".bin");
    Optional<byte[]> bytes = blob(sec, "artifact in the blob store, hashing to the recorded artifact hash", m.artifactSha256(), file);
    if (bytes.isEmpty()) {
      add(Check.skipped(sec, "artifact reads as a model file of the record's engine", "no artifact to read"));
    } else {
      String name = "artifact reads as a model file of the record's engine";
      Optional<String> engine = engineOf(bytes.get());
      if (engine.isPresent() && !engine.get().equals(d.engineVersion())) {
        add(Check.failed(sec, name, AuditCode.ENGINE_MISMATCH, "written by " + engine.get() + ", the record says " + d.engineVersion()));
      } else {
        try {
          Model model = ModelFile.read(bytes.get());
          add(Check.ok(sec, name, model.algorithm().id() + " over features " + model.featureNames() + ", engine " + engine.orElse("?")));
        } catch (MalformedModelException e) {
          add(Check.failed(sec, name, AuditCode.MALFORMED_MODEL, e.getMessage()));
        }
      }
    }
    if (lossCurveBlob && !d.lossCurveSha256().isEmpty()) {
      blob(sec, "loss curve in the blob store, hashing to the recorded hash", d.lossCurveSha256(), workDir.resolve("loss-curve-" + m.modelId() + ".csv"));
    }
  }

  private Optional<byte[]> blob(String sec, String name, String hash, Path file) throws IOException {
    try {
      client.getBlob(hash, file);
    } catch (ClientException e) {
      AuditCode code = switch (e.code()) {
        case "UNKNOWN_BLOB" -> AuditCode.BLOB_NOT_FOUND;
        case "HASH_MISMATCH", "INVALID_ID" -> AuditCode.HASH_MISMATCH;
        default -> AuditCode.NODE_ERROR;
      };
      add(Check.failed(sec, name, code, code == AuditCode.BLOB_NOT_FOUND ? "blob not found: the blob store has no blob " + hash
          : e.code() + ": " + e.getMessage()));
      return Optional.empty();
    }
    byte[] bytes = Files.readAllBytes(file);
    Hash got = Hash.sha256(bytes);
    if (!got.hex().equals(hash)) {
      add(Check.failed(sec, name, AuditCode.HASH_MISMATCH, "the " + bytes.length + " bytes fetched hash to " + got.hex() + ", the record says " + hash));
      return Optional.empty();
    }
    add(Check.ok(sec, name, bytes.length + " bytes, SHA-256 " + got.hex()));
    return Optional.of(bytes);
  }

  /** The engine version in a model file's header (magic, format version, engine), if it has one. */
  static Optional<String> engineOf(byte[] file) {
    ByteBuffer b = ByteBuffer.wrap(file);
    if (b.remaining() < 12) {
      return Optional.empty();
    }
    b.getInt();
    b.getInt();
    int n = b.getInt();
    if (n < 0 || n > b.remaining() || n > 256) {
      return Optional.empty();
    }
    return Optional.of(new String(file, 12, n, StandardCharsets.UTF_8));
  }

  /** Validators' replays, the stage they led to, and optionally a replay here. */
  private void replay(Responses.ModelDetail d, Recipe recipe, boolean federated) {
    String sec = "replay";
    section(sec);
    Responses.Model m = d.model();
    long matches = 0;
    for (Responses.AttestationDetail a : d.attestations()) {
      String name = "replay by validator " + a.validator() + " at height " + a.height();
      if (a.failure().isPresent()) {
        add(Check.failed(sec, name, AuditCode.REPLAY_FAILED, "the validator's replay produced no artifact: " + a.failure().get()));
      } else if (!a.match()) {
        add(Check.failed(sec, name, AuditCode.REPLAY_MISMATCH, "the validator's replay gave artifact " + a.artifactSha256() + ", the record says "
            + m.artifactSha256()));
      } else {
        matches++;
        add(Check.ok(sec, name, "gave the recorded artifact " + a.artifactSha256()));
      }
    }
    String replays = matches + " of " + d.attestations().size() + " validator replay(s) gave the recorded artifact";
    String stageName = "stage is VERIFIED or APPROVED";
    switch (m.stage()) {
      case "VERIFIED", "APPROVED" -> add(Check.ok(sec, stageName, m.stage() + ": " + replays));
      case "DEPRECATED" -> {
        Optional<Responses.StageChange> verified = m.history().stream().filter(c -> c.to().equals("VERIFIED")).findFirst();
        add(verified.isPresent()
            ? Check.ok(sec, stageName, "DEPRECATED, verified at height " + verified.get().height() + ": " + replays)
            : Check.failed(sec, stageName, AuditCode.NOT_VERIFIED, "DEPRECATED without ever being verified: " + replays));
      }
      case "REJECTED" -> {
        Responses.StageChange last = null;
        for (Responses.StageChange c : m.history()) {
          if (c.to().equals("REJECTED")) {
            last = c;
          }
        }
        add(Check.failed(sec, stageName, AuditCode.MODEL_REJECTED, last == null ? "REJECTED"
            : "REJECTED at height " + last.height() + " by " + last.by() + ": " + last.reason()));
      }
      case "REGISTERED" -> add(Check.failed(sec, stageName, AuditCode.NOT_VERIFIED, "not yet verified: " + replays));
      default -> add(Check.failed(sec, stageName, AuditCode.NOT_VERIFIED, "unknown stage " + m.stage()));
    }
    String local = "local replay gives the recorded artifact";
    if (federated) {
      return;
    }
    if (options.modelReplayer().isEmpty()) {
      add(Check.skipped(sec, local, "not asked (--replay retrains here)"));
    } else if (recipe == null) {
      add(Check.skipped(sec, local, "the recipe does not parse"));
    } else {
      try {
        String got = options.modelReplayer().get().replay(client, recipe, workDir.resolve("replay-" + m.modelId()));
        add(got.equals(m.artifactSha256())
            ? Check.ok(sec, local, "retrained here: " + got)
            : Check.failed(sec, local, AuditCode.REPLAY_MISMATCH, "retrained here: " + got + ", the record says " + m.artifactSha256()));
      } catch (Exception e) {
        add(Check.failed(sec, local, AuditCode.REPLAY_FAILED, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      }
    }
  }

  // ------------------------------------------------------------------ decision

  Lineage decision(String decisionId) throws IOException {
    chain();
    String sec = "decision " + decisionId;
    section(sec);
    Responses.Decision d;
    try {
      d = client.models().verifyDecision(decisionId);
      add(Check.ok(sec, "decision proof chain", "id is the leaf hash of its bytes; leaf " + d.index() + " of " + d.batchSize()
          + " under batch root " + d.batchRoot() + "; transaction " + d.txId() + " carries those bytes, its leaves give that root, committed in block "
          + d.height() + " and in the orderer-signed log"));
    } catch (ProofException e) {
      add(Check.failed(sec, "decision proof chain", AuditCode.DECISION_PROOF, e.getMessage()));
      try {
        d = client.models().decision(decisionId);
      } catch (ClientException ce) {
        return new Lineage(chainId, Optional.empty(), List.of(), Optional.empty());
      }
    } catch (ClientException e) {
      add(Check.failed(sec, "decision record exists", e.code().equals("UNKNOWN_DECISION") || e.code().equals("INVALID_ID") ? AuditCode.NOT_FOUND
          : AuditCode.NODE_ERROR, e.code() + ": " + e.getMessage()));
      return new Lineage(chainId, Optional.empty(), List.of(), Optional.empty());
    }
    Lineage.DecisionNode node = new Lineage.DecisionNode(d.decisionId(), d.modelId(), d.modelSha256(), d.inputSha256(), d.output(), d.agent(),
        d.requester(), d.txId(), d.height(), d.batchRoot());

    Optional<Responses.Model> model;
    try {
      model = Optional.of(client.models().model(d.modelId()));
    } catch (ClientException e) {
      add(Check.failed(sec, "the decision's model exists", e.code().equals("UNKNOWN_MODEL") ? AuditCode.NOT_FOUND : AuditCode.NODE_ERROR,
          "model " + d.modelId() + ": " + e.code() + ": " + e.getMessage()));
      model = Optional.empty();
    }
    if (model.isPresent()) {
      Responses.Model m = model.get();
      add(m.artifactSha256().equals(d.modelSha256())
          ? Check.ok(sec, "the decision's model file is the model's artifact", d.modelSha256())
          : Check.failed(sec, "the decision's model file is the model's artifact", AuditCode.MODEL_MISMATCH, "the decision names " + d.modelSha256()
              + ", model " + d.modelId() + " records " + m.artifactSha256()));
      add(stageAt(sec, m, d));
    }
    String replayName = "replay of the decision gives the logged output";
    if (d.input().isEmpty() && options.input().isEmpty()) {
      add(Check.skipped(sec, replayName, "input not kept; pass --input JSON to replay"));
    } else {
      DecisionReplay.Result r = DecisionReplay.replay(client, d, options.input().map(s -> s.getBytes(StandardCharsets.UTF_8)));
      if (r.passed()) {
        add(Check.ok(sec, replayName, (d.input().isPresent() ? "on the kept input: " : "on the supplied input: ") + r.reason()));
      } else {
        // With an output the model answered, differently; without one the replay could not run (model file, input, digest).
        add(Check.failed(sec, replayName, r.replayedOutput().isPresent() ? AuditCode.OUTPUT_MISMATCH : AuditCode.REPLAY_FAILED, r.reason()));
      }
    }

    List<Lineage.SnapshotNode> snapshots = new ArrayList<>();
    Optional<Lineage.ModelNode> m = model.isPresent() ? model(d.modelId(), snapshots) : Optional.empty();
    return new Lineage(chainId, m, snapshots, Optional.of(node));
  }

  /**
   * The model's stage when the decision was logged: its history replayed up to the decision's
   * transaction. Changes in the decision's own block are ordered by their place in the log.
   */
  private Check stageAt(String sec, Responses.Model m, Responses.Decision d) {
    String name = "model VERIFIED or APPROVED when the decision was logged (height " + d.height() + ")";
    String stage = "none";
    long decisionLeaf = -1;
    Map<String, Long> leaves = new HashMap<>();
    for (Responses.StageChange c : m.history()) {
      boolean before = c.height() < d.height();
      if (c.height() == d.height()) {
        try {
          if (decisionLeaf < 0) {
            decisionLeaf = leaf(d.txId(), leaves);
          }
          before = leaf(c.txId(), leaves) < decisionLeaf;
        } catch (ClientException | java.util.NoSuchElementException e) {
          return Check.failed(sec, name, AuditCode.NODE_ERROR, "cannot order the stage change in block " + c.height() + " against the decision: "
              + e.getMessage());
        }
      }
      if (!before) {
        break;
      }
      stage = c.to();
    }
    return stage.equals("VERIFIED") || stage.equals("APPROVED")
        ? Check.ok(sec, name, "model " + m.modelId() + " was " + stage)
        : Check.failed(sec, name, AuditCode.NOT_VERIFIED_AT_DECISION, "model " + m.modelId() + " was " + stage + " then");
  }

  private long leaf(String txId, Map<String, Long> cache) {
    Long l = cache.get(txId);
    if (l == null) {
      l = client.transaction(txId).proof().orElseThrow().leafIndex();
      cache.put(txId, l);
    }
    return l;
  }

  private static String hex(byte[] b) {
    return Hex.encode(b);
  }
}
