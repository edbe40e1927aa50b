package org.veriflow.node.http;

import org.veriflow.protocol.Limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.javalin.Javalin;
import io.javalin.http.Context;
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
import java.util.function.BooleanSupplier;
import org.veriflow.contracts.credits.Credits;
import org.veriflow.contracts.identities.Identities;
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
import org.veriflow.node.service.BlobUploads;
import org.veriflow.node.service.Refused;
import org.veriflow.node.service.ComputeToData;
import org.veriflow.node.service.HeightWaiters;
import org.veriflow.node.service.HttpLeaderLink;
import org.veriflow.node.service.NodeSubmitter;
import org.veriflow.node.service.ProtectedBlobs;
import org.veriflow.node.service.ModelBlobsOnDemand;
import org.veriflow.node.service.Submissions;
import org.veriflow.node.service.Submissions.Entry;
import org.veriflow.node.service.TxOutcome;
import org.veriflow.raft.RaftOrderer;
import org.veriflow.protocol.http.Account;
import org.veriflow.protocol.http.BatchResults;
import org.veriflow.protocol.http.SubmitBatch;
import org.veriflow.protocol.http.SubmitTransaction;
import org.veriflow.protocol.http.Block;
import org.veriflow.protocol.http.BlockSignature;
import org.veriflow.protocol.http.Chain;
import org.veriflow.protocol.http.ConsistencyProof;
import org.veriflow.protocol.http.Health;
import org.veriflow.protocol.http.Identity;
import org.veriflow.protocol.http.InclusionProof;
import org.veriflow.protocol.http.Problem;
import org.veriflow.protocol.http.Transaction;
import org.veriflow.protocol.http.TxEvent;
import org.veriflow.protocol.http.TxStatusAnswer;
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
  private final ModelBlobsOnDemand models;
  private final RaftOrderer raft;
  private Javalin app;
  /** The operations listener, or null when it is off. */
  private Javalin ops;
  private Readiness readiness;
  private final BlobUploads uploads;
  private final SignedRequests signedRequests;
  private final RateLimiter predictLimits;

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
   * @param models the federated models the blob API fetches from the other members when this node lacks them
   * @param submitter the node's own transactions (logged decisions, recorded accesses)
   * @param custodyKey the node's encryption key, for datasets in its custody
   * @param clock the node's clock (signed requests' freshness)
   * @param compute the node's compute-to-data service
   * @param raft the cluster's orderer, or null for a single node
   * @param nodeKey the node's signing key (cluster checkpoints)
   * @param uploads the signed uploads into {@code blobs}, with their quota
   * @param limits the bounds on signed requests
   */
  public HttpApi(Ledger ledger, Mempool mempool, Orderer orderer, Submissions submissions, PrometheusMeterRegistry metrics, Duration waitTimeout,
      BlobStore blobs, ProtectedBlobs datasetCiphertexts, ModelBlobsOnDemand models, NodeSubmitter submitter, EncryptionKeyPair custodyKey, Clock clock,
      ComputeToData compute, RaftOrderer raft, SigningKey nodeKey, BlobUploads uploads, RequestLimits limits) {
    this.ledger = ledger;
    this.mempool = mempool;
    this.orderer = orderer;
    this.submissions = submissions;
    this.metrics = metrics;
    this.waitTimeout = waitTimeout;
    this.blobs = blobs;
    this.datasetCiphertexts = datasetCiphertexts;
    this.models = models;
    this.submitter = submitter;
    this.uploads = uploads;
    this.signedRequests = new SignedRequests(clock, clock.instant(), limits.noncesPerIdentity());
    this.predictLimits = new RateLimiter(clock, limits.predictionsPerMinute(), limits.predictInputsPerMinute());
    this.datasets = new DatasetsApi(ledger, blobs, submitter, custodyKey, signedRequests, waitTimeout, metrics, compute);
    this.cluster = new ClusterApi(ledger, raft, nodeKey);
    this.heights = new HeightWaiters(ledger);
    this.raft = raft;
  }

  /**
   * Starts serving the API on {@code ports}, and the operations listener ({@code /health}, {@code
   * /ready}, {@code /metrics} on their own threads) if the settings turn it on. Call once. The
   * listeners own the sockets from here on: {@link #stop()} closes them, also when this throws.
   *
   * @param ports the sockets bound beforehand, with the listeners' settings (threads, timeouts,
   *     connection caps and TLS)
   * @param stopped whether the node stopped committing (then {@code /ready} answers 503)
   * @throws IllegalArgumentException if the TLS certificate or key cannot be read
   * @throws IllegalStateException if a listener cannot start
   */
  public void start(BoundPorts ports, BooleanSupplier stopped) {
    if (app != null) {
      throw new IllegalStateException("the API was started already");
    }
    ServerSettings settings = ports.settings();
    readiness = new Readiness(raft, stopped);
    app = JettyListeners.create(settings, ports.api(), settings.threads(), "veriflow-http", MAX_REQUEST_BYTES, HttpApi::streamsOwnBody);
    routes();
    try {
      app.start();
      if (ports.ops() != null) {
        ops = JettyListeners.create(settings, ports.ops(), JettyListeners.OPS_THREADS, "veriflow-ops", MAX_REQUEST_BYTES, r -> false);
        operations(ops);
        errors(ops);
        ops.start();
      }
    } catch (RuntimeException e) {
      stop();
      ports.close();
      throw new IllegalStateException("cannot start the HTTP listeners: " + e.getMessage(), e);
    }
  }

  /** The blob upload streams its body to the store, which bounds it by its own (larger) limit. */
  private static boolean streamsOwnBody(jakarta.servlet.http.HttpServletRequest r) {
    return "PUT".equals(r.getMethod()) && r.getRequestURI().startsWith("/v1/blobs/");
  }

  /**
   * The port the API listens on.
   *
   * @return the port (useful once started with port 0)
   */
  public int port() {
    return app.port();
  }

  /**
   * The port the operations listener listens on.
   *
   * @return the port, or -1 when the listener is off
   */
  public int opsPort() {
    return ops == null ? -1 : ops.port();
  }

  /** Stops serving (both listeners). */
  public void stop() {
    if (ops != null) {
      ops.stop();
    }
    if (app != null) {
      app.stop();
    }
  }

  /** {@code /health} (liveness), {@code /ready} (readiness) and {@code /metrics}. */
  private void operations(Javalin a) {
    QueryParameters.get(a, "/health", ctx -> Json.answer(ctx, new Health("UP", ledger.chainId(), ledger.head().height())));
    QueryParameters.get(a, "/ready", this::ready);
    QueryParameters.get(a, "/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
  }

  /** {@code GET /ready}: 200 when this node can commit, else 503 {@code NOT_READY} with the {@link Readiness.Reason}. */
  private void ready(Context ctx) {
    Readiness.Verdict v = readiness.check();
    if (v.ready()) {
      Json.answer(ctx, new Health("READY", ledger.chainId(), ledger.head().height()));
      return;
    }
    com.fasterxml.jackson.databind.node.ObjectNode body = Json.BODIES.valueToTree(problemBody(503, "NOT_READY", v.reason().name() + ": " + v.detail()));
    body.put("reason", v.reason().name());
    ctx.status(503).contentType(PROBLEM_JSON).result(Json.write(body));
  }

  private void routes() {
    app.post("/v1/transactions", this::submit);
    app.post("/v1/transactions/batch", this::submitBatch);
    QueryParameters.get(app, "/v1/transactions/{id}", this::transaction);
    QueryParameters.get(app, "/v1/blocks/latest", ctx -> Json.answer(ctx, block(ledger.head())));
    QueryParameters.get(app, "/v1/blocks/{height}", this::blockAt, "waitMs");
    QueryParameters.get(app, "/v1/log/consistency", this::consistency, "from", "to");
    QueryParameters.get(app, "/v1/identities/{id}", this::identity);
    QueryParameters.get(app, "/v1/accounts/{id}", this::account);
    QueryParameters.get(app, "/v1/chain", this::chain);
    operations(app);
    QueryParameters.get(app, "/v1/openapi.json", this::openApi);
    new StreamsApi(ledger).routes(app);
    new BlobsApi(uploads, datasetCiphertexts, models, ledger, signedRequests).routes(app);
    new ModelsApi(ledger).routes(app);
    new FlApi(ledger).routes(app);
    new DecisionsApi(ledger, blobs, submitter, waitTimeout, signedRequests, predictLimits).routes(app);
    datasets.routes(app);
    cluster.routes(app);
    errors(app);
  }

  /** Every refusal and failure of a listener answers problem+json with a stable code. */
  static void errors(Javalin app) {
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
    SubmitTransaction body = request(ctx, SubmitTransaction.class, SUBMIT_SHAPE);
    if (body.payload() == null || body.signature() == null) {
      throw new BadRequest(RejectionCode.MALFORMED.name(), SUBMIT_SHAPE);
    }
    boolean wait = "true".equalsIgnoreCase(ctx.queryParam("wait"));
    Entry e = accept(base64(body.payload(), "payload"), base64(body.signature(), "signature"), wait, relayed(ctx));
    if (e.rejection() != null) {
      problem(ctx, status(e.rejection().code()), e.rejection().code().name(), e.rejection().message());
      return;
    }
    if (!wait) {
      Json.answer(ctx.status(202), TxStatusAnswer.pending(e.id().hex()));
      return;
    }
    ctx.future(() -> submissions.await(e, waitTimeout).thenAccept(o -> {
      if (o == null) {
        Json.answer(ctx.status(202), TxStatusAnswer.pending(e.id().hex()));
      } else if (o.status() == TxOutcome.Status.REJECTED) {
        problem(ctx, status(RejectionCode.valueOf(o.code())), o.code(), o.message());
      } else {
        Json.answer(ctx.status(200), outcome(o));
      }
    }));
  }

  /**
   * {@code POST /v1/transactions/batch}: up to {@link #MAX_BATCH} transactions in one request, each
   * checked and ordered on its own. Answers 200 with one result per transaction, in request order:
   * {@code REJECTED} with its code, or (with {@code ?wait=true}) its block's outcome, or PENDING.
   */
  private void submitBatch(Context ctx) {
    List<SubmitTransaction> txs = request(ctx, SubmitBatch.class, BATCH_SHAPE).transactions();
    if (txs.size() > MAX_BATCH) {
      throw new BadRequest(RejectionCode.TOO_LARGE.name(), "a batch holds at most " + MAX_BATCH + " transactions, not " + txs.size());
    }
    boolean wait = "true".equalsIgnoreCase(ctx.queryParam("wait"));
    List<Entry> entries = new java.util.ArrayList<>(txs.size());
    boolean[] synced = new boolean[1];
    for (SubmitTransaction t : txs) {
      if (t.payload() == null || t.signature() == null) {
        entries.add(Entry.refused(new Rejection(RejectionCode.MALFORMED, "each transaction must be {\"payload\": base64, \"signature\": base64}")));
        continue;
      }
      try {
        entries.add(submissions.admit(base64(t.payload(), "payload"), base64(t.signature(), "signature"), wait, synced));
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
      List<TxStatusAnswer> results = new java.util.ArrayList<>(entries.size());
      for (int i = 0; i < entries.size(); i++) {
        Entry e = entries.get(i);
        TxOutcome o = outcomes.get(i).join();
        if (e.rejection() != null) {
          results.add(new TxStatusAnswer(e.id() == null ? null : e.id().hex(), TxOutcome.Status.REJECTED.name(), null,
              e.rejection().code().name(), e.rejection().message()));
        } else if (o == null) {
          results.add(TxStatusAnswer.pending(e.id().hex()));
        } else {
          results.add(outcome(o));
        }
      }
      Json.answer(ctx.status(200), new BatchResults(results));
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

  private static TxStatusAnswer outcome(TxOutcome o) {
    boolean coded = !o.code().isEmpty();
    return new TxStatusAnswer(o.id().hex(), o.status().name(), o.height() >= 0 ? o.height() : null, coded ? o.code() : null,
        coded ? o.message() : null);
  }

  private static final String SUBMIT_SHAPE = "body must be {\"payload\": base64, \"signature\": base64}";
  private static final String BATCH_SHAPE = "body must be {\"transactions\": [{\"payload\": base64, \"signature\": base64}, ...]}";

  /** Reads a request body into its record; a body that is empty, not JSON or not of that shape ({@code shape}) is MALFORMED. */
  private static <T extends Record> T request(Context ctx, Class<T> type, String shape) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw new BadRequest(RejectionCode.MALFORMED.name(), "request body is not JSON");
    }
    if (body == null) {
      throw new BadRequest(RejectionCode.MALFORMED.name(), "request body is empty");
    }
    try {
      return Json.request(body, type);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(RejectionCode.MALFORMED.name(), shape);
    }
  }

  static int status(RejectionCode code) {
    return switch (code) {
      case TOO_LARGE -> 413;
      case UNKNOWN_SENDER, REVOKED_SENDER, NOT_AUTHORISED -> 403;
      case DUPLICATE_TX, NONCE_TOO_LOW -> 409;
      case MEMPOOL_FULL, NO_QUORUM, LEADER_UNREACHABLE -> 503;
      case SENDER_POOL_FULL -> 429;
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
        Json.answer(ctx, Transaction.pending(id.hex()));
      } else {
        Problem p = problemBody(404, "UNKNOWN_TRANSACTION", "no transaction " + id + " is pending or committed on this node");
        p = new Problem(p.type(), p.title(), p.status(), p.detail(), p.code(), "UNKNOWN");
        ctx.status(404).contentType(PROBLEM_JSON).result(Json.write(p));
      }
      return;
    }
    Ledger.TxRecord r = rec.get();
    boolean coded = !r.result().getCode().isEmpty();
    TxPayload p;
    String sender;
    try {
      p = TxPayload.parseFrom(r.tx().getPayload());
      sender = PublicKey.decode(p.getSenderAlgorithm() == org.veriflow.protocol.proto.KeyAlgorithm.P256
          ? org.veriflow.core.crypto.SignatureAlgorithm.P256 : org.veriflow.core.crypto.SignatureAlgorithm.ED25519, p.getSenderKey().toByteArray()).id().value();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("committed transaction " + id + " does not decode", e);
    }
    Base64.Encoder b64 = Base64.getEncoder();
    List<TxEvent> events = r.result().getEventsList().stream()
        .map(e -> new TxEvent(e.getContract(), e.getName(), b64.encodeToString(e.getData().toByteArray()))).toList();
    long logSize = ledger.block(r.height()).orElseThrow().header().getLogSize();
    List<String> hashes = ledger.inclusionProof(r.leafIndex(), logSize).stream().map(Hash::hex).toList();
    Json.answer(ctx, new Transaction(id.hex(), (r.result().getStatus() == TxStatus.COMMITTED ? TxOutcome.Status.COMMITTED : TxOutcome.Status.FAILED).name(),
        r.height(), r.index(), coded ? r.result().getCode() : null, coded ? r.result().getMessage() : null, sender, p.getContract(),
        p.getMethod(), p.getNonce(), b64.encodeToString(r.tx().getPayload().toByteArray()), b64.encodeToString(r.tx().getSignature().toByteArray()),
        events, r.result().getOutput().isEmpty() ? null : b64.encodeToString(r.result().getOutput().toByteArray()),
        new InclusionProof(r.leafIndex(), logSize, r.height(), hashes)));
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
    Json.answer(ctx, block(b.get()));
  }

  private static Block block(BlockRecord b) {
    var h = b.header();
    List<BlockSignature> sigs = new java.util.ArrayList<>();
    for (OrdererSignature s : b.block().getSignaturesList()) {
      sigs.add(new BlockSignature(Hex.encode(s.getPublicKey().toByteArray()), s.getAlgorithm().name(), Hex.encode(s.getSignature().toByteArray())));
    }
    List<String> txs = new java.util.ArrayList<>();
    for (SignedTx tx : b.transactions()) {
      txs.add(Hash.sha256(tx.getPayload().toByteArray()).hex());
    }
    // The header exactly as hashed and signed, so that clients verify without re-serialising.
    return new Block(h.getHeight(), b.hash().hex(), h.getChainId(), Hex.encode(h.getPreviousHash().toByteArray()), h.getTimestampMillis(),
        Hex.encode(h.getTxRoot().toByteArray()), h.getLogSize(), Hex.encode(h.getLogRoot().toByteArray()), Hex.encode(h.getStateHash().toByteArray()),
        Hex.encode(h.getResultRoot().toByteArray()), h.getTxCount(), Base64.getEncoder().encodeToString(b.block().getHeader().toByteArray()),
        sigs, txs);
  }

  private void consistency(Context ctx) {
    long from = longParam(ctx.queryParam("from"), "from");
    long to = longParam(ctx.queryParam("to"), "to");
    long max = ledger.head().header().getLogSize();
    if (from > to || to > max) {
      throw new BadRequest("INVALID_RANGE", "need 0 <= from <= to <= " + max + " (the current log size), got from=" + from + " to=" + to);
    }
    Json.answer(ctx, new ConsistencyProof(from, to, ledger.logRoot(from).hex(), ledger.logRoot(to).hex(),
        ledger.consistencyProof(from, to).stream().map(Hash::hex).toList()));
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
    boolean revoked = i.getRevokedHeight() > 0;
    Json.answer(ctx, new Identity(i.getId(), i.getKind().name(), i.getName(), i.getOwner(), i.getAlgorithm().name(),
        Hex.encode(i.getPublicKey().toByteArray()), i.getRolesList(), i.getStatus().name(), i.getRegisteredHeight(),
        i.getEncryptionKey().isEmpty() ? null : Hex.encode(i.getEncryptionKey().toByteArray()),
        revoked ? i.getRevokedHeight() : null, revoked ? i.getRevocationReason() : null));
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
    Json.answer(ctx, new Account(id.value(), ledger.nextNonce(id), Credits.balance(ledger.state(Credits.NAME), id.value())));
  }

  private void chain(Context ctx) {
    List<org.veriflow.protocol.http.Orderer> orderers = ledger.params().orderers().stream()
        .map(k -> new org.veriflow.protocol.http.Orderer(k.id().value(), k.algorithm().name(), Hex.encode(k.encoded()))).toList();
    Json.answer(ctx, new Chain(ledger.chainId(), ledger.block(0).orElseThrow().hash().hex(), ledger.head().height(),
        ledger.params().maxTxBytes(), orderers));
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

  private static Problem problemBody(int status, String code, String detail) {
    return Problem.of(status, code, title(code), detail);
  }

  static void problem(Context ctx, int status, String code, String detail) {
    ctx.status(status).contentType(PROBLEM_JSON).result(Json.write(problemBody(status, code, detail)));
  }

  /** Answers a refusal as problem+json, with {@code Retry-After} when it passes with time. */
  static void problem(Context ctx, Refused e) {
    if (e.retryAfterSeconds > 0) {
      ctx.header("Retry-After", Long.toString(e.retryAfterSeconds));
    }
    problem(ctx, e.status, e.code, e.getMessage());
  }

  static String title(String code) {
    for (RejectionCode c : RejectionCode.values()) {
      if (c.name().equals(code)) {
        return c.description();
      }
    }
    return code.charAt(0) + code.substring(1).toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

}
