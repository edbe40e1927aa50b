package org.veriflow.node.http;


import org.veriflow.node.service.BlobStore;
import org.veriflow.node.service.NodeSubmitter;
import org.veriflow.node.service.Refused;
import org.veriflow.node.service.TxOutcome;

import org.veriflow.protocol.Limits;
import org.veriflow.protocol.http.PredictAnswer;
import org.veriflow.protocol.http.PredictOneAnswer;
import org.veriflow.protocol.http.PredictRequest;
import org.veriflow.protocol.http.Predicted;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.veriflow.contracts.decisions.Decisions;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.contracts.models.Models;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.RequestSignature;
import org.veriflow.core.merkle.MerkleTree;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.decisions.Attribution;
import org.veriflow.protocol.proto.decisions.Decision;
import org.veriflow.protocol.proto.decisions.DecisionRecord;
import org.veriflow.protocol.proto.decisions.LogDecisions;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.ledger.Ledger;
import org.veriflow.ml.io.MalformedModelException;
import org.veriflow.ml.model.FeatureAttribution;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.ModelFile;
import org.veriflow.ml.model.Prediction;

/**
 * Answers with verified models and logs every answer on chain as a decision, signed by the node
 * (the agent): {@code POST /v1/models/{id}/predict}; and serves logged decisions with their
 * per-decision proof: {@code GET /v1/decisions/{id}}.
 *
 * <p>A prediction is a request signed ({@link SignedRequests}) by a registered, active identity, its
 * {@code Veriflow-Blob} header the SHA-256 of the body, so that the signature covers the inputs; the
 * signer is the decisions' requester (a body naming a {@code requester} is refused). Each identity's
 * predictions are limited per minute in requests and in inputs ({@link RateLimiter}); a request over
 * either limit is refused with {@code RATE_LIMITED} and {@code Retry-After}, and nothing is logged.
 * An unsigned request, or one from an identity that is not registered and active, is refused before
 * its body is read.
 */
final class DecisionsApi {
  /** Most inputs answered (and logged under one root) by one request. */
  static final int MAX_INPUTS = Limits.PREDICT_INPUTS_PER_REQUEST;
  private static final int CACHED_MODELS = 16;

  private final Ledger ledger;
  private final BlobStore blobs;
  private final NodeSubmitter submitter;
  private final Duration waitTimeout;
  private final SignedRequests signedRequests;
  private final RateLimiter limits;
  private final SecureRandom random = new SecureRandom();
  /** Recently used models by artifact hash (the artifact is content-addressed, so never stale). */
  private final Map<Hash, Model> models = new LinkedHashMap<>(CACHED_MODELS, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Hash, Model> eldest) {
      return size() > CACHED_MODELS;
    }
  };

  /**
   * @param signedRequests checks the signatures and remembers the nonces of predictions
   * @param limits each identity's predictions (requests) and inputs (items) per minute
   */
  DecisionsApi(Ledger ledger, BlobStore blobs, NodeSubmitter submitter, Duration waitTimeout, SignedRequests signedRequests, RateLimiter limits) {
    this.ledger = ledger;
    this.blobs = blobs;
    this.submitter = submitter;
    this.waitTimeout = waitTimeout;
    this.signedRequests = signedRequests;
    this.limits = limits;
  }

  void routes(Javalin app) {
    app.post("/v1/models/{id}/predict", this::predict);
    QueryParameters.get(app, "/v1/decisions/{id}", this::decision);
  }

  // ------------------------------------------------------------ predict

  private void predict(Context ctx) {
    try {
      String modelId = ctx.pathParam("id");
      if (!modelId.matches("[a-z0-9][a-z0-9-]{0,62}")) {
        throw new Refused(400, "INVALID_ID", "'" + modelId + "' is not a model id");
      }
      // Who asks, checked before the body is read.
      SignedRequests.Signer signer = signedRequests.authenticate(SignedRequests.request(ctx, "POST"), ledger.state(Identities.NAME));
      byte[] bytes = ctx.bodyAsBytes();
      String bodyHash = Hash.sha256(bytes).hex();
      if (!signer.signature().blob().equals(bodyHash)) {
        throw new Refused(400, "BODY_MISMATCH", RequestSignature.BLOB_HEADER + " must be the SHA-256 of the request body, " + bodyHash
            + ", not " + signer.signature().blob());
      }
      PredictRequest body = body(bytes);
      List<String> inputs = new ArrayList<>();
      boolean many = body.inputs() != null;
      if (many == (body.input() != null)) {
        throw new Refused(400, "INVALID_INPUT", "the body needs exactly one of 'input' (an object of feature values) or 'inputs' (an array of them)");
      }
      if (many) {
        if (body.inputs().isEmpty() || body.inputs().size() > MAX_INPUTS) {
          throw new Refused(400, "INVALID_INPUT", INPUTS_SHAPE);
        }
        inputs.addAll(body.inputs());
      } else {
        inputs.add(body.input());
      }
      if (body.requester() != null) {
        throw new Refused(400, "INVALID_INPUT", REQUESTER_SHAPE);
      }
      String requester = signer.identity().getId();
      boolean keep = Boolean.TRUE.equals(body.keepInput());

      ModelRecord record = Models.find(ledger.state(Models.NAME), modelId)
          .orElseThrow(() -> new Refused(404, "UNKNOWN_MODEL", "no model " + modelId));
      if (record.getStage() != ModelStage.VERIFIED && record.getStage() != ModelStage.APPROVED) {
        throw new Refused(409, "MODEL_NOT_SERVABLE", "model " + modelId + " is " + record.getStage()
            + "; only a VERIFIED or APPROVED model answers");
      }
      // A replayed request must not spend the signer's rate.
      signedRequests.refuseIfReplayed(signer.signature());
      OptionalLong wait = limits.take(requester, inputs.size());
      if (wait.isPresent()) {
        throw new Refused(429, "RATE_LIMITED", requester + " has used its predictions or inputs per minute on this node; try again in "
            + wait.getAsLong() + " s", wait.getAsLong());
      }
      signedRequests.admitOrRefuse(signer.signature());
      Hash artifact = Hash.of(record.getArtifactSha256().toByteArray());
      Model model = model(artifact);

      LogDecisions.Builder batch = LogDecisions.newBuilder();
      List<Prediction> answers = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        JsonNode in = parseJson(inputs.get(i).getBytes(StandardCharsets.UTF_8));
        if (!in.isObject()) {
          throw new Refused(400, "INVALID_INPUT", (many ? "input " + i + ": " : "") + "an input is an object of feature values");
        }
        Prediction p;
        try {
          p = Prediction.of(model, Json.MAPPER.writeValueAsString(in));
        } catch (IllegalArgumentException | IOException e) {
          throw new Refused(400, "INVALID_INPUT", (many ? "input " + i + ": " : "") + e.getMessage());
        }
        answers.add(p);
        Decision.Builder d = Decision.newBuilder()
            .setModelId(modelId)
            .setModelSha256(record.getArtifactSha256())
            .setInputSha256(ByteString.copyFrom(p.inputSha256().bytes()))
            .setOutput(ByteString.copyFrom(p.output()))
            .setRequester(requester)
            .setRequestId(requestId());
        if (keep) {
          d.setInput(ByteString.copyFrom(p.input()));
        }
        for (FeatureAttribution a : p.attributions()) {
          d.addAttributions(Attribution.newBuilder().setFeature(a.feature()).setValue(a.value()).setAttribution(a.attribution()));
        }
        batch.addDecisions(d.build().toByteString());
      }
      LogDecisions log = batch.build();
      CompletableFuture<TxOutcome> outcome;
      try {
        outcome = submitter.submit(Decisions.NAME, "log", log);
      } catch (IllegalStateException e) {
        throw new Refused(503, "NOT_LOGGED", e.getMessage());
      }
      ctx.future(() -> NodeSubmitter.within(outcome, waitTimeout).thenAccept(o -> {
        if (o == null) {
          HttpApi.problem(ctx, 504, "NOT_LOGGED", "the decisions were not committed within " + waitTimeout.toMillis() + " ms; nothing was answered");
        } else if (!o.committed()) {
          HttpApi.problem(ctx, o.status() == TxOutcome.Status.REJECTED ? 503 : 409, o.code(), "the decisions were not logged: " + o.message());
        } else {
          Json.answer(ctx.status(200), answer(modelId, log, answers, o, many));
        }
      }));
    } catch (Refused e) {
      HttpApi.problem(ctx, e);
    }
  }

  private static Object answer(String modelId, LogDecisions log, List<Prediction> answers, TxOutcome o, boolean many) {
    List<Hash> leaves = new ArrayList<>();
    List<Predicted> decisions = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      Hash id = Decisions.decisionId(log.getDecisions(i).toByteArray());
      leaves.add(id);
      List<org.veriflow.protocol.http.FeatureAttribution> attributions = answers.get(i).attributions().stream()
          .map(a -> new org.veriflow.protocol.http.FeatureAttribution(a.feature(), a.value(), a.attribution())).toList();
      decisions.add(new Predicted(id.hex(), compact(answers.get(i).output()), answers.get(i).inputSha256().hex(), attributions));
    }
    String root = MerkleTree.ofLeafHashes(leaves).root().hex();
    return many ? new PredictAnswer(modelId, o.id().hex(), o.height(), root, decisions)
        : PredictOneAnswer.of(modelId, o.id().hex(), o.height(), root, decisions.get(0));
  }

  private String requestId() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return Hex.encode(b);
  }

  private Model model(Hash artifact) {
    synchronized (models) {
      Model cached = models.get(artifact);
      if (cached != null) {
        return cached;
      }
    }
    byte[] bytes;
    try {
      Optional<InputStream> in = blobs.open(artifact);
      if (in.isEmpty()) {
        throw new Refused(503, "ARTIFACT_MISSING", "this node's blob store does not hold the model file " + artifact);
      }
      try (InputStream s = in.get()) {
        bytes = s.readAllBytes();
      }
    } catch (IOException e) {
      throw new Refused(503, "ARTIFACT_MISSING", "cannot read the model file " + artifact + ": " + e.getMessage());
    }
    if (!Hash.sha256(bytes).equals(artifact)) {
      throw new Refused(500, "ARTIFACT_CORRUPT", "the stored model file does not hash to " + artifact);
    }
    Model model;
    try {
      model = ModelFile.read(bytes);
    } catch (MalformedModelException e) {
      throw new Refused(422, "ARTIFACT_UNREADABLE", "the model file " + artifact + " cannot be read by this engine: " + e.getMessage());
    }
    synchronized (models) {
      models.put(artifact, model);
    }
    return model;
  }

  // ------------------------------------------------------------ decision queries

  private void decision(Context ctx) {
    String id = ctx.pathParam("id");
    HttpApi.hashParam(id, "decision id");
    Optional<DecisionRecord> found = Decisions.find(ledger.state(Decisions.NAME), id);
    if (found.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_DECISION", "no decision " + id);
      return;
    }
    DecisionRecord r = found.get();
    Decision d;
    try {
      d = Decision.parseFrom(r.getDecision());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored decision does not decode", e);
    }
    List<org.veriflow.protocol.http.FeatureAttribution> attributions = d.getAttributionsList().stream()
        .map(a -> new org.veriflow.protocol.http.FeatureAttribution(a.getFeature(), a.getValue(), a.getAttribution())).toList();
    List<String> proof = batchTree(r).inclusionProof(r.getIndex(), r.getBatchSize()).stream().map(Hash::hex).toList();
    Json.answer(ctx, new org.veriflow.protocol.http.Decision(id, d.getModelId(), Hex.encode(d.getModelSha256().toByteArray()),
        Hex.encode(d.getInputSha256().toByteArray()), d.getInput().isEmpty() ? null : d.getInput().toString(StandardCharsets.UTF_8),
        d.getOutput().toString(StandardCharsets.UTF_8), attributions, d.getRequester(), d.getRequestId(), r.getAgent(),
        Hex.encode(r.getTxId().toByteArray()), r.getHeight(), r.getIndex(), r.getBatchSize(), Hex.encode(r.getBatchRoot().toByteArray()),
        Base64.getEncoder().encodeToString(r.getDecision().toByteArray()), proof));
  }

  /** The batch's tree, rebuilt from the logging transaction exactly as it was signed. */
  private MerkleTree batchTree(DecisionRecord r) {
    Ledger.TxRecord tx = ledger.transaction(Hash.of(r.getTxId().toByteArray()))
        .orElseThrow(() -> new IllegalStateException("decision's transaction is missing"));
    try {
      LogDecisions log = LogDecisions.parseFrom(TxPayload.parseFrom(tx.tx().getPayload()).getArguments());
      List<Hash> leaves = new ArrayList<>(log.getDecisionsCount());
      for (ByteString b : log.getDecisionsList()) {
        leaves.add(Decisions.decisionId(b.toByteArray()));
      }
      return MerkleTree.ofLeafHashes(leaves);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a decisions transaction does not decode", e);
    }
  }

  private static final String INPUTS_SHAPE = "'inputs' must be an array of 1 to " + MAX_INPUTS + " objects";
  private static final String REQUESTER_SHAPE = "'requester' is not accepted: the requester of a decision is the identity that signs the request";

  /** Reads the body; one that is not a JSON object of the request's shape is {@code INVALID_INPUT}. */
  private static PredictRequest body(byte[] bytes) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new Refused(400, "INVALID_INPUT", "the body is not JSON");
    }
    if (body == null || !body.isObject()) {
      throw new Refused(400, "INVALID_INPUT", "the body must be a JSON object");
    }
    try {
      return Json.request(body, PredictRequest.class);
    } catch (IllegalArgumentException e) {
      throw new Refused(400, "INVALID_INPUT", "the body must be {\"input\": {...}} or {\"inputs\": [{...}, ...]}, with an optional"
          + " 'keepInput' (true or false): " + e.getMessage());
    }
  }

  private static JsonNode parseJson(byte[] json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON text written by the node does not parse", e);
    }
  }

  /** A JSON text as the API writes it: parsed, then written compactly (as it was written inside the answer's tree). */
  private static String compact(byte[] json) {
    try {
      return Json.MAPPER.writeValueAsString(parseJson(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("canonical output cannot be written", e);
    }
  }
}
