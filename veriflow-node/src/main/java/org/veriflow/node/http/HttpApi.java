package org.veriflow.node.http;

import org.veriflow.protocol.Limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.veriflow.contracts.Credits;
import org.veriflow.contracts.Identities;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.protocol.proto.OrdererSignature;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.ledger.BlockRecord;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.Mempool;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.order.Orderer;
import org.veriflow.node.service.BlobStore;
import org.veriflow.node.service.ComputeToData;
import org.veriflow.node.service.HeightWaiters;
import org.veriflow.node.service.HttpLeaderLink;
import org.veriflow.node.service.NodeSubmitter;
import org.veriflow.node.service.ProtectedBlobs;
import org.veriflow.node.service.Submissions;
import org.veriflow.node.service.Submissions.Entry;
import org.veriflow.node.service.TxOutcome;
import org.veriflow.raft.RaftOrderer;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.crypto.EncryptionKeyPair;
import java.time.Clock;

/**
 * The node's HTTP API (JSON; errors as RFC 9457 problem+json whose {@code code} is the stable
 * reason name). Documented in docs/http-api.md and served as OpenAPI at {@code /v1/openapi.json}.
 * Javalin types stay inside this class.
 */
public final class HttpApi {
  static final String PROBLEM_JSON = "application/problem+json";
  static final long MAX_REQUEST_BYTES = Limits.MAX_REQUEST_BYTES;
  /** Most transactions in one batch submission. */
  static final int MAX_BATCH = Limits.TRANSACTIONS_PER_REQUEST;

  private final Ledger ledger;
  private final Mempool mempool;
  private final Orderer orderer;
  private final Submissions submissions;
  private final PrometheusMeterRegistry metrics;
  private final Duration waitTimeout;
  private final BlobStore blobs;
  private final NodeSubmitter submitter;
  private final DatasetsApi datasets;
  private final ClusterApi cluster;
  private final HeightWaiters heights;
  private final ProtectedBlobs datasetCiphertexts;
  private final Javalin app;

  /**
   * The API over the node's ledger and services; it serves once {@link #start} is called.
   *
   * @param ledger the node's ledger
   * @param mempool the node's pool (for pending transactions)
   * @param orderer the node's orderer
   * @param submissions the node's submission pipeline, which clients' transactions go through
   * @param metrics the registry scraped at {@code /metrics}
   * @param waitTimeout the longest a request waits for a transaction's block
   * @param blobs the node's blob store
   * @param datasetCiphertexts the blobs the plain blob API must refuse
   * @param submitter the node's own transactions (logged decisions, recorded accesses)
   * @param custodyKey the node's encryption key, for datasets in its custody
   * @param clock the node's clock (signed requests' freshness)
   * @param compute the node's compute-to-data service
   * @param raft the cluster's orderer, or null for a single node
   * @param nodeKey the node's signing key (cluster checkpoints)
   */
  public HttpApi(Ledger ledger, Mempool mempool, Orderer orderer, Submissions submissions, PrometheusMeterRegistry metrics, Duration waitTimeout,
      BlobStore blobs, ProtectedBlobs datasetCiphertexts, NodeSubmitter submitter, EncryptionKeyPair custodyKey, Clock clock,
      ComputeToData compute, RaftOrderer raft, SigningKey nodeKey) {
    this.ledger = ledger;
    this.mempool = mempool;
    this.orderer = orderer;
    this.submissions = submissions;
    this.metrics = metrics;
    this.waitTimeout = waitTimeout;
    this.blobs = blobs;
    this.datasetCiphertexts = datasetCiphertexts;
    this.submitter = submitter;
    this.datasets = new DatasetsApi(ledger, blobs, submitter, custodyKey,
        new SignedRequests(clock, clock.instant(), SignedRequests.DEFAULT_MAX_NONCES), waitTimeout, metrics, compute);
    this.cluster = new ClusterApi(ledger, raft, nodeKey);
    this.heights = new HeightWaiters(ledger);
    this.app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.useVirtualThreads = false;
      cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
      cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
    });
    routes();
  }

  /**
   * Starts serving.
   *
   * @param host the address to listen on
   * @param port the port to listen on (0: any free one)
   */
  public void start(String host, int port) {
    app.start(host, port);
  }

  /**
   * The port the API listens on.
   *
   * @return the port (useful once started with port 0)
   */
  public int port() {
    return app.port();
  }

  /** Stops serving. */
  public void stop() {
    app.stop();
  }

  private void routes() {
    app.post("/v1/transactions", this::submit);
    app.post("/v1/transactions/batch", this::submitBatch);
    app.get("/v1/transactions/{id}", this::transaction);
    app.get("/v1/blocks/latest", ctx -> ctx.json(block(ledger.head())));
    app.get("/v1/blocks/{height}", this::blockAt);
    app.get("/v1/log/consistency", this::consistency);
    app.get("/v1/identities/{id}", this::identity);
    app.get("/v1/accounts/{id}", this::account);
    app.get("/v1/chain", this::chain);
    app.get("/health", ctx -> ctx.json(Json.MAPPER.createObjectNode()
        .put("status", "UP").put("chainId", ledger.chainId()).put("height", ledger.head().height())));
    app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    app.get("/v1/openapi.json", this::openApi);
    new StreamsApi(ledger).routes(app);
    new BlobsApi(blobs, datasetCiphertexts).routes(app);
    new ModelsApi(ledger).routes(app);
    new DecisionsApi(ledger, blobs, submitter, waitTimeout).routes(app);
    datasets.routes(app);
    cluster.routes(app);
    app.exception(BadRequest.class, (e, ctx) -> problem(ctx, 400, e.code, e.getMessage()));
    // Javalin's own refusals (no such route, body too large, ...) answer as problem+json too.
    app.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> {
      switch (e.getStatus()) {
        case 404 -> problem(ctx, 404, "NOT_FOUND", "no such resource: " + ctx.method() + " " + ctx.path());
        case 405 -> problem(ctx, 405, "METHOD_NOT_ALLOWED", ctx.method() + " is not allowed on " + ctx.path());
        case 413 -> problem(ctx, 413, RejectionCode.TOO_LARGE.name(), "request body exceeds " + MAX_REQUEST_BYTES + " bytes");
        default -> problem(ctx, e.getStatus(), "HTTP_" + e.getStatus(), e.getMessage());
      }
    });
    app.exception(Exception.class, (e, ctx) -> problem(ctx, 500, "INTERNAL", "the node failed to answer: " + e.getClass().getSimpleName()));
    app.error(404, ctx -> {
      if (!PROBLEM_JSON.equals(ctx.res().getContentType())) {
        problem(ctx, 404, "NOT_FOUND", "no such resource: " + ctx.path());
      }
    });
  }

  /** A client error found while reading a request. */
  static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String code;

    BadRequest(String code, String message) {
      super(message);
      this.code = code;
    }
  }

  // ------------------------------------------------------------ transactions

  private void submit(Context ctx) {
    JsonNode body = jsonBody(ctx);
    if (!body.isObject() || !body.path("payload").isTextual() || !body.path("signature").isTextual()) {
      throw new BadRequest(RejectionCode.MALFORMED.name(), "body must be {\"payload\": base64, \"signature\": base64}");
    }
    boolean wait = "true".equalsIgnoreCase(ctx.queryParam("wait"));
    Entry e = accept(base64(body.get("payload").asText(), "payload"), base64(body.get("signature").asText(), "signature"), wait, relayed(ctx));
    if (e.rejection() != null) {
      problem(ctx, status(e.rejection().code()), e.rejection().code().name(), e.rejection().message());
      return;
    }
    if (!wait) {
      ctx.status(202).json(pending(e.id()));
      return;
    }
    ctx.future(() -> submissions.await(e, waitTimeout).thenAccept(o -> {
      if (o == null) {
        ctx.status(202).json(pending(e.id()));
      } else if (o.status() == TxOutcome.Status.REJECTED) {
        problem(ctx, status(RejectionCode.valueOf(o.code())), o.code(), o.message());
      } else {
        ctx.status(200).json(outcome(o));
      }
    }));
  }

  /**
   * {@code POST /v1/transactions/batch}: up to {@link #MAX_BATCH} transactions in one request, each
   * checked and ordered on its own. Answers 200 with one result per transaction, in request order:
   * {@code REJECTED} with its code, or (with {@code ?wait=true}) its block's outcome, or PENDING.
   */
  private void submitBatch(Context ctx) {
    JsonNode body = jsonBody(ctx);
    JsonNode txs = body.path("transactions");
    if (!txs.isArray()) {
      throw new BadRequest(RejectionCode.MALFORMED.name(), "body must be {\"transactions\": [{\"payload\": base64, \"signature\": base64}, ...]}");
    }
    if (txs.size() > MAX_BATCH) {
      throw new BadRequest(RejectionCode.TOO_LARGE.name(), "a batch holds at most " + MAX_BATCH + " transactions, not " + txs.size());
    }
    boolean wait = "true".equalsIgnoreCase(ctx.queryParam("wait"));
    List<Entry> entries = new java.util.ArrayList<>(txs.size());
    boolean[] synced = new boolean[1];
    for (JsonNode t : txs) {
      if (!t.path("payload").isTextual() || !t.path("signature").isTextual()) {
        entries.add(Entry.refused(new Rejection(RejectionCode.MALFORMED, "each transaction must be {\"payload\": base64, \"signature\": base64}")));
        continue;
      }
      try {
        entries.add(submissions.admit(base64(t.get("payload").asText(), "payload"), base64(t.get("signature").asText(), "signature"), wait, synced));
      } catch (BadRequest e) {
        entries.add(Entry.refused(new Rejection(RejectionCode.MALFORMED, e.getMessage())));
      }
    }
    List<Integer> admittedAt = new java.util.ArrayList<>();
    List<Entry> admitted = new java.util.ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).rejection() == null) {
        admittedAt.add(i);
        admitted.add(entries.get(i));
      }
    }
    if (!admitted.isEmpty()) {
      List<Entry> handed = submissions.handOver(admitted, relayed(ctx));
      for (int i = 0; i < handed.size(); i++) {
        entries.set(admittedAt.get(i), handed.get(i));
      }
    }
    List<CompletableFuture<TxOutcome>> outcomes = entries.stream()
        .map(e -> e.rejection() == null && wait ? submissions.await(e, waitTimeout) : CompletableFuture.<TxOutcome>completedFuture(null))
        .toList();
    ctx.future(() -> CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).thenAccept(done -> {
      ObjectNode n = Json.MAPPER.createObjectNode();
      ArrayNode results = n.putArray("results");
      for (int i = 0; i < entries.size(); i++) {
        Entry e = entries.get(i);
        TxOutcome o = outcomes.get(i).join();
        if (e.rejection() != null) {
          ObjectNode r = results.addObject();
          if (e.id() != null) {
            r.put("id", e.id().hex());
          }
          r.put("status", "REJECTED").put("code", e.rejection().code().name()).put("message", e.rejection().message());
        } else if (o == null) {
          results.add(pending(e.id()));
        } else {
          results.add(outcome(o));
        }
      }
      ctx.status(200).json(n);
    }));
  }

  private static boolean relayed(Context ctx) {
    return ctx.header(HttpLeaderLink.RELAYED_BY) != null;
  }

  private Entry accept(byte[] payload, byte[] signature, boolean wait, boolean relayed) {
    Entry admitted = submissions.admit(payload, signature, wait, new boolean[1]);
    if (admitted.rejection() != null) {
      return admitted;
    }
    return submissions.handOver(List.of(admitted), relayed).get(0);
  }

  private static ObjectNode pending(Hash id) {
    return Json.MAPPER.createObjectNode().put("id", id.hex()).put("status", "PENDING");
  }

  private static ObjectNode outcome(TxOutcome o) {
    ObjectNode n = Json.MAPPER.createObjectNode().put("id", o.id().hex()).put("status", o.status().name());
    if (o.height() >= 0) {
      n.put("height", o.height());
    }
    if (!o.code().isEmpty()) {
      n.put("code", o.code()).put("message", o.message());
    }
    return n;
  }

  private static JsonNode jsonBody(Context ctx) {
    try {
      JsonNode body = Json.MAPPER.readTree(ctx.bodyAsBytes());
      if (body == null) {
        throw new BadRequest(RejectionCode.MALFORMED.name(), "request body is empty");
      }
      return body;
    } catch (IOException e) {
      throw new BadRequest(RejectionCode.MALFORMED.name(), "request body is not JSON");
    }
  }

  static int status(RejectionCode code) {
    return switch (code) {
      case TOO_LARGE -> 413;
      case UNKNOWN_SENDER, REVOKED_SENDER, NOT_AUTHORISED -> 403;
      case DUPLICATE_TX, NONCE_TOO_LOW -> 409;
      case MEMPOOL_FULL, NO_QUORUM, LEADER_UNREACHABLE -> 503;
      default -> 400;
    };
  }

  private static byte[] base64(String s, String field) {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(RejectionCode.MALFORMED.name(), "'" + field + "' is not valid base64");
    }
  }

  private void transaction(Context ctx) {
    Hash id = hashParam(ctx.pathParam("id"), "transaction id");
    Optional<Ledger.TxRecord> rec = ledger.transaction(id);
    if (rec.isEmpty()) {
      if (mempool.contains(id)) {
        ctx.json(Json.MAPPER.createObjectNode().put("id", id.hex()).put("status", "PENDING"));
      } else {
        ObjectNode p = problemBody(404, "UNKNOWN_TRANSACTION", "no transaction " + id + " is pending or committed on this node");
        p.put("status", 404).put("txStatus", "UNKNOWN");
        ctx.status(404).contentType(PROBLEM_JSON).result(p.toString());
      }
      return;
    }
    Ledger.TxRecord r = rec.get();
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", id.hex());
    n.put("status", r.result().getStatus() == TxStatus.COMMITTED ? "COMMITTED" : "FAILED");
    n.put("height", r.height());
    n.put("index", r.index());
    if (!r.result().getCode().isEmpty()) {
      n.put("code", r.result().getCode()).put("message", r.result().getMessage());
    }
    try {
      TxPayload p = TxPayload.parseFrom(r.tx().getPayload());
      n.put("sender", PublicKey.decode(p.getSenderAlgorithm() == org.veriflow.protocol.proto.KeyAlgorithm.P256
          ? org.veriflow.core.crypto.SignatureAlgorithm.P256 : org.veriflow.core.crypto.SignatureAlgorithm.ED25519, p.getSenderKey().toByteArray()).id().value());
      n.put("contract", p.getContract()).put("method", p.getMethod()).put("nonce", p.getNonce());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("committed transaction " + id + " does not decode", e);
    }
    n.put("payload", Base64.getEncoder().encodeToString(r.tx().getPayload().toByteArray()));
    n.put("signature", Base64.getEncoder().encodeToString(r.tx().getSignature().toByteArray()));
    ArrayNode events = n.putArray("events");
    r.result().getEventsList().forEach(e -> events.addObject().put("contract", e.getContract()).put("name", e.getName())
        .put("data", Base64.getEncoder().encodeToString(e.getData().toByteArray())));
    if (!r.result().getOutput().isEmpty()) {
      n.put("output", Base64.getEncoder().encodeToString(r.result().getOutput().toByteArray()));
    }
    long logSize = ledger.block(r.height()).orElseThrow().header().getLogSize();
    ObjectNode proof = n.putObject("proof");
    proof.put("leafIndex", r.leafIndex()).put("logSize", logSize).put("blockHeight", r.height());
    ArrayNode hashes = proof.putArray("hashes");
    for (Hash h : ledger.inclusionProof(r.leafIndex(), logSize)) {
      hashes.add(h.hex());
    }
    ctx.json(n);
  }

  // ------------------------------------------------------------ blocks and log

  /** Longest a client may long-poll for a block that is not committed yet. */
  static final long MAX_BLOCK_WAIT_MILLIS = 30_000;

  /**
   * {@code GET /v1/blocks/{height}}; with {@code ?waitMs=N} (up to 30 s) a block not committed yet
   * is waited for, so that a client following the chain need not poll.
   */
  private void blockAt(Context ctx) {
    long height = longParam(ctx.pathParam("height"), "height");
    long waitMs = ctx.queryParam("waitMs") == null ? 0 : longParam(ctx.queryParam("waitMs"), "waitMs");
    if (waitMs > MAX_BLOCK_WAIT_MILLIS) {
      throw new BadRequest("INVALID_RANGE", "waitMs must be at most " + MAX_BLOCK_WAIT_MILLIS + ", not " + waitMs);
    }
    if (height > ledger.head().height() && waitMs > 0) {
      ctx.future(() -> heights.reached(height).completeOnTimeout(null, waitMs, TimeUnit.MILLISECONDS).thenAccept(v -> answerBlock(ctx, height)));
      return;
    }
    answerBlock(ctx, height);
  }

  private void answerBlock(Context ctx, long height) {
    Optional<BlockRecord> b = height <= ledger.head().height() ? ledger.block(height) : Optional.empty();
    if (b.isEmpty()) {
      problem(ctx, 404, "UNKNOWN_BLOCK", "no block at height " + height + "; the head is " + ledger.head().height());
      return;
    }
    ctx.json(block(b.get()));
  }

  private static ObjectNode block(BlockRecord b) {
    var h = b.header();
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("height", h.getHeight());
    n.put("hash", b.hash().hex());
    n.put("chainId", h.getChainId());
    n.put("previousHash", Hex.encode(h.getPreviousHash().toByteArray()));
    n.put("timestamp", h.getTimestampMillis());
    n.put("txRoot", Hex.encode(h.getTxRoot().toByteArray()));
    n.put("logSize", h.getLogSize());
    n.put("logRoot", Hex.encode(h.getLogRoot().toByteArray()));
    n.put("stateHash", Hex.encode(h.getStateHash().toByteArray()));
    n.put("resultRoot", Hex.encode(h.getResultRoot().toByteArray()));
    n.put("txCount", h.getTxCount());
    // The header exactly as hashed and signed, so that clients verify without re-serialising.
    n.put("header", Base64.getEncoder().encodeToString(b.block().getHeader().toByteArray()));
    ArrayNode sigs = n.putArray("signatures");
    for (OrdererSignature s : b.block().getSignaturesList()) {
      sigs.addObject().put("publicKey", Hex.encode(s.getPublicKey().toByteArray())).put("algorithm", s.getAlgorithm().name())
          .put("signature", Hex.encode(s.getSignature().toByteArray()));
    }
    ArrayNode txs = n.putArray("transactions");
    for (SignedTx tx : b.transactions()) {
      txs.add(Hash.sha256(tx.getPayload().toByteArray()).hex());
    }
    return n;
  }

  private void consistency(Context ctx) {
    long from = longParam(ctx.queryParam("from"), "from");
    long to = longParam(ctx.queryParam("to"), "to");
    long max = ledger.head().header().getLogSize();
    if (from > to || to > max) {
      throw new BadRequest("INVALID_RANGE", "need 0 <= from <= to <= " + max + " (the current log size), got from=" + from + " to=" + to);
    }
    ObjectNode n = Json.MAPPER.createObjectNode().put("from", from).put("to", to);
    n.put("fromRoot", ledger.logRoot(from).hex()).put("toRoot", ledger.logRoot(to).hex());
    ArrayNode hashes = n.putArray("hashes");
    for (Hash h : ledger.consistencyProof(from, to)) {
      hashes.add(h.hex());
    }
    ctx.json(n);
  }

  // ------------------------------------------------------------ identities and accounts

  private void identity(Context ctx) {
    IdentityId id = idParam(ctx.pathParam("id"));
    Optional<IdentityRecord> r = Identities.find(ledger.state(Identities.NAME), id.value());
    if (r.isEmpty()) {
      problem(ctx, 404, "UNKNOWN_IDENTITY", "no identity " + id);
      return;
    }
    IdentityRecord i = r.get();
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("id", i.getId()).put("kind", i.getKind().name()).put("name", i.getName()).put("owner", i.getOwner());
    n.put("algorithm", i.getAlgorithm().name()).put("publicKey", Hex.encode(i.getPublicKey().toByteArray()));
    ArrayNode roles = n.putArray("roles");
    i.getRolesList().forEach(roles::add);
    n.put("status", i.getStatus().name()).put("registeredHeight", i.getRegisteredHeight());
    if (!i.getEncryptionKey().isEmpty()) {
      n.put("encryptionKey", Hex.encode(i.getEncryptionKey().toByteArray()));
    }
    if (i.getRevokedHeight() > 0) {
      n.put("revokedHeight", i.getRevokedHeight()).put("revocationReason", i.getRevocationReason());
    }
    ctx.json(n);
  }

  private void account(Context ctx) {
    IdentityId id = idParam(ctx.pathParam("id"));
    // Clients read the next nonce here before signing: in a cluster it must reflect the latest commit.
    try {
      orderer.awaitLatest();
    } catch (IllegalStateException e) {
      problem(ctx, 503, RejectionCode.NO_QUORUM.name(), e.getMessage());
      return;
    }
    ctx.json(Json.MAPPER.createObjectNode().put("id", id.value()).put("nonce", ledger.nextNonce(id))
        .put("balance", Credits.balance(ledger.state(Credits.NAME), id.value())));
  }

  private void chain(Context ctx) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("chainId", ledger.chainId());
    n.put("genesisHash", ledger.block(0).orElseThrow().hash().hex());
    n.put("height", ledger.head().height());
    n.put("maxTxBytes", ledger.params().maxTxBytes());
    ArrayNode orderers = n.putArray("orderers");
    for (PublicKey k : ledger.params().orderers()) {
      orderers.addObject().put("id", k.id().value()).put("algorithm", k.algorithm().name()).put("publicKey", Hex.encode(k.encoded()));
    }
    ctx.json(n);
  }

  private void openApi(Context ctx) throws IOException {
    try (InputStream in = HttpApi.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the node's resources");
      }
      ctx.contentType("application/json").result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  // ------------------------------------------------------------ helpers

  static Hash hashParam(String s, String what) {
    try {
      return Hash.fromHex(s);
    } catch (IllegalArgumentException e) {
      throw new BadRequest("INVALID_ID", what + " must be 64 hex characters");
    }
  }

  static IdentityId idParam(String s) {
    if (!IdentityId.isWellFormed(s)) {
      throw new BadRequest("INVALID_ID", "'" + s + "' is not an identity id (vf1 followed by 40 hex characters)");
    }
    return new IdentityId(s);
  }

  static long longParam(String s, String what) {
    if (s == null) {
      throw new BadRequest("INVALID_PARAMETER", "'" + what + "' is required");
    }
    try {
      long v = Long.parseLong(s);
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new BadRequest("INVALID_PARAMETER", "'" + what + "' must be a non-negative whole number, not '" + s + "'");
    }
  }

  private static ObjectNode problemBody(int status, String code, String detail) {
    ObjectNode p = Json.MAPPER.createObjectNode();
    p.put("type", "urn:veriflow:problem:" + code);
    p.put("title", title(code));
    p.put("status", status);
    p.put("detail", detail);
    p.put("code", code);
    return p;
  }

  static void problem(Context ctx, int status, String code, String detail) {
    ctx.status(status).contentType(PROBLEM_JSON).result(problemBody(status, code, detail).toString());
  }

  private static String title(String code) {
    for (RejectionCode c : RejectionCode.values()) {
      if (c.name().equals(code)) {
        return c.description();
      }
    }
    return code.charAt(0) + code.substring(1).toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

}
