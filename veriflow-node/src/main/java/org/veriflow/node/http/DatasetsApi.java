package org.veriflow.node.http;

import org.veriflow.protocol.http.Access;
import org.veriflow.protocol.http.AccessPage;
import org.veriflow.protocol.http.ComputeResult;
import org.veriflow.protocol.http.Dataset;
import org.veriflow.protocol.http.DatasetColumn;
import org.veriflow.protocol.http.DatasetPage;
import org.veriflow.protocol.http.DatasetPolicy;
import org.veriflow.protocol.http.DatasetQuality;
import org.veriflow.protocol.http.DatasetVersion;
import org.veriflow.protocol.http.Grant;
import org.veriflow.protocol.http.GrantPage;
import org.veriflow.protocol.http.KeyRelease;
import org.veriflow.protocol.http.StatusChange;

import org.veriflow.node.service.BlobStore;
import org.veriflow.node.service.ComputeToData;
import org.veriflow.node.service.CustodianData;
import org.veriflow.node.service.NodeSubmitter;
import org.veriflow.node.service.Refused;
import org.veriflow.node.service.TxOutcome;

import org.veriflow.protocol.datasets.DatasetCryptoLabels;

import org.veriflow.protocol.Limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.veriflow.contracts.credits.Credits;
import org.veriflow.contracts.datasets.Datasets;
import org.veriflow.contracts.datasets.DatasetsState;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.contracts.models.Models;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.RequestSignature;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.datasets.AccessKind;
import org.veriflow.protocol.proto.datasets.AccessRecord;
import org.veriflow.protocol.proto.datasets.ColumnSpec;
import org.veriflow.protocol.proto.datasets.DatasetChange;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.datasets.DatasetStatus;
import org.veriflow.protocol.proto.datasets.GrantChange;
import org.veriflow.protocol.proto.datasets.GrantRecord;
import org.veriflow.protocol.proto.datasets.GrantStatus;
import org.veriflow.protocol.proto.datasets.LabelCount;
import org.veriflow.protocol.proto.datasets.Policy;
import org.veriflow.protocol.proto.datasets.QualitySummary;
import org.veriflow.protocol.proto.datasets.RecordAccess;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.DataKey;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.crypto.EncryptionPublicKey;
import org.veriflow.crypto.KeyWrap;
import org.veriflow.ledger.Ledger;
import org.veriflow.ml.EngineVersion;
import org.veriflow.ml.recipe.Recipe;
import org.veriflow.ledger.exec.StateView;

/**
 * The datasets contract over HTTP: dataset versions, grants and access logs (read from the node's
 * committed state), and the custodian's side of a grant: the data key's release and the
 * ciphertext's download, each in a request signed by the grantee ({@link SignedRequests}) and
 * each recorded on chain ({@code datasets.record_access}, sent by this node) before anything
 * leaves the node; for a compute-only grant, neither of those but a training on the data here
 * ({@link ComputeToData}), whose model alone leaves the node. Documented in docs/http-api.md,
 * section Datasets. Thread-safe.
 *
 * <p>Wrap contexts (the HPKE {@code info} suffix of {@link KeyWrap}): the publisher wraps a
 * version's data key for the custodian under {@link DatasetCryptoLabels#custody}, the custodian re-wraps it for
 * a grantee under {@link DatasetCryptoLabels#grant}.
 */
final class DatasetsApi {
  /** Default and largest page of a listing. */
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = Limits.MAX_PAGE;
  private static final String DATASET_ID = "[a-z0-9][a-z0-9-]{0,62}";
  private static final String TAG = "[a-z0-9][a-z0-9-]{0,31}";
  private static final String CURSOR = "([0-9a-f]{2}){1,512}";

  private final Ledger ledger;
  private final BlobStore blobs;
  private final NodeSubmitter submitter;
  private final EncryptionKeyPair custodyKey;
  private final SignedRequests signedRequests;
  private final Duration waitTimeout;
  private final MeterRegistry metrics;
  private final ComputeToData compute;

  /**
   * @param custodyKey this node's encryption key pair: custody keys are wrapped for its public half
   * @param waitTimeout longest a release or download waits for its access to be committed
   * @param compute the custodian's training for compute-only grants
   */
  DatasetsApi(Ledger ledger, BlobStore blobs, NodeSubmitter submitter, EncryptionKeyPair custodyKey, SignedRequests signedRequests,
      Duration waitTimeout, MeterRegistry metrics, ComputeToData compute) {
    this.ledger = ledger;
    this.blobs = blobs;
    this.submitter = submitter;
    this.custodyKey = custodyKey;
    this.signedRequests = signedRequests;
    this.waitTimeout = waitTimeout;
    this.metrics = metrics;
    this.compute = compute;
  }

  void routes(Javalin app) {
    QueryParameters.get(app, "/v1/datasets", this::list, "tag", "owner", "field", "limit", "cursor");
    QueryParameters.get(app, "/v1/datasets/{id}", this::dataset);
    QueryParameters.get(app, "/v1/datasets/{id}/versions/{version}", this::version);
    QueryParameters.get(app, "/v1/datasets/{id}/versions/{version}/grants", this::versionGrants, "limit", "cursor");
    QueryParameters.get(app, "/v1/datasets/{id}/versions/{version}/accesses", this::versionAccesses, "limit", "cursor");
    QueryParameters.get(app, "/v1/grants/{id}", this::grant);
    QueryParameters.get(app, "/v1/identities/{id}/grants", this::identityGrants, "limit", "cursor");
    QueryParameters.get(app, "/v1/identities/{id}/accesses", this::identityAccesses, "limit", "cursor");
    app.post("/v1/grants/{id}/key", this::releaseKey);
    QueryParameters.get(app, "/v1/grants/{id}/ciphertext", this::download);
    app.post("/v1/grants/{id}/compute", this::compute);
  }

  // ------------------------------------------------------------ key release and download

  /** What a signed request for a grant was checked to be. */
  private record Authorised(GrantRecord grant, DatasetRecord dataset, IdentityRecord grantee) {}

  /**
   * The checks shared by a release and a download, in order: the grant id, the signature's
   * presence and form, the grant, the signer, the signature, freshness, the blob, custody, the
   * grant's status, that the kind of access suits the grant's purpose (only {@code COMPUTE} for a
   * compute-only grant, never for another), that the version is not erased, and last replay: the
   * nonce is remembered only once the grantee is found allowed the access, so a grantee whose grant
   * is pending (or refused for any other reason) cannot fill the replay memory.
   */
  private Authorised authorise(Context ctx, String method, AccessKind kind) {
    String grantId;
    try {
      grantId = grantId(ctx.pathParam("id"));
    } catch (HttpApi.BadRequest e) {
      throw new Refused(400, e.code, e.getMessage());
    }
    SignedRequests.Request request = new SignedRequests.Request(method, ctx.path(), ctx.queryString(),
        ctx.header(RequestSignature.BLOB_HEADER), ctx.header("Signature-Input"), ctx.header("Signature"));
    SignedRequests.parse(request).refusal().ifPresent(r -> {
      throw new Refused(r.reason().status, r.reason().name(), r.message());
    });
    GrantRecord g = DatasetsState.grant(state(), grantId).orElseThrow(() -> new Refused(404, "UNKNOWN_GRANT", "no grant " + grantId));
    DatasetRecord d = DatasetsState.dataset(state(), g.getDatasetId(), g.getVersion())
        .orElseThrow(() -> new IllegalStateException("grant " + grantId + " names a missing dataset version"));
    Optional<IdentityRecord> grantee = Identities.find(ledger.state(Identities.NAME), g.getGrantee());
    SignedRequests.Checked checked = signedRequests.verify(request, g.getGrantee(), grantee.flatMap(SignedRequests::signingKey));
    checked.refusal().ifPresent(r -> {
      throw new Refused(r.reason().status, r.reason().name(), r.message());
    });
    RequestSignature s = checked.verified().orElseThrow();
    String ciphertext = hex(d.getCiphertextSha256());
    if (!s.blob().equals(ciphertext)) {
      throw new Refused(400, "BLOB_MISMATCH", RequestSignature.BLOB_HEADER + " is " + s.blob() + ", but dataset " + d.getDatasetId()
          + " version " + d.getVersion() + " has ciphertext " + ciphertext);
    }
    if (!d.getCustodian().equals(submitter.identity())) {
      throw new Refused(409, "NOT_CUSTODIAN", "this node (" + submitter.identity() + ") is not the custodian of dataset " + d.getDatasetId()
          + " version " + d.getVersion() + "; ask " + d.getCustodian());
    }
    // The contract's first state checks, made here too (in its order) so that a grant that cannot be
    // served costs no transaction, and an erased version's missing key is never looked for.
    if (g.getStatus() != GrantStatus.GRANTED) {
      throw new Refused(403, "GRANT_NOT_ACTIVE", "grant " + grantId + " is " + g.getStatus() + ", not GRANTED");
    }
    boolean computeOnly = g.getPurpose().equals(Datasets.COMPUTE_ONLY_PURPOSE);
    if (computeOnly && kind != AccessKind.COMPUTE) {
      throw new Refused(403, "COMPUTE_ONLY", "grant " + grantId + " is for purpose " + Datasets.COMPUTE_ONLY_PURPOSE
          + ": neither the data key nor the ciphertext is ever released; ask the custodian to compute (POST /v1/grants/" + grantId + "/compute)");
    }
    if (!computeOnly && kind == AccessKind.COMPUTE) {
      throw new Refused(403, "NOT_COMPUTE_GRANT", "grant " + grantId + " is for purpose " + g.getPurpose() + ", not "
          + Datasets.COMPUTE_ONLY_PURPOSE);
    }
    if (d.getStatus() == DatasetStatus.ERASED) {
      throw new Refused(403, "DATASET_ERASED", "dataset " + d.getDatasetId() + " version " + d.getVersion() + " is erased");
    }
    Authorised authorised = new Authorised(g, d, grantee.orElseThrow(() -> new IllegalStateException("a grant's grantee has no identity record")));
    signedRequests.admitOrRefuse(s);
    return authorised;
  }

  /**
   * {@code POST /v1/grants/{id}/key}: unwraps the version's data key with this node's encryption
   * key, re-wraps it for the grantee's on-chain encryption key, records the release on chain and,
   * once that is committed, answers the wrapped key.
   */
  private void releaseKey(Context ctx) {
    Counter.Builder counter = Counter.builder("veriflow_dataset_key_releases").description("data key releases asked of this node, by outcome");
    try {
      Authorised a = authorise(ctx, "POST", AccessKind.KEY_RELEASE);
      GrantRecord g = a.grant();
      DatasetRecord d = a.dataset();
      if (a.grantee().getEncryptionKey().isEmpty()) {
        throw new Refused(403, "NO_ENCRYPTION_KEY", "grantee " + g.getGrantee() + " has set no encryption key (identities.set_encryption_key)");
      }
      EncryptionPublicKey recipient;
      try {
        recipient = EncryptionPublicKey.of(a.grantee().getEncryptionKey().toByteArray());
      } catch (IllegalArgumentException e) {
        throw new Refused(403, "NO_ENCRYPTION_KEY", "the encryption key of grantee " + g.getGrantee() + " is not usable: " + e.getMessage());
      }
      byte[] wrapped;
      DataKey key;
      try {
        key = KeyWrap.unwrap(d.getCustodyKey().toByteArray(), custodyKey, DatasetCryptoLabels.custody(d.getDatasetId(), d.getVersion()));
      } catch (CryptoException e) {
        throw new Refused(409, "CUSTODY_KEY_INVALID", "this node cannot unwrap the custody key of dataset " + d.getDatasetId() + " version "
            + d.getVersion() + " (" + e.code() + "): " + e.getMessage());
      }
      try {
        wrapped = KeyWrap.wrap(key, recipient, DatasetCryptoLabels.grant(g.getGrantId()));
      } finally {
        key.destroy();
      }
      CompletableFuture<TxOutcome> recorded = record(g, AccessKind.KEY_RELEASE, Hash.sha256(wrapped));
      ctx.future(() -> NodeSubmitter.within(recorded, waitTimeout).thenAccept(o -> {
        Optional<Refused> refused = refusal(o, "key release");
        if (refused.isPresent()) {
          counter.tag("outcome", refused.get().code).register(metrics).increment();
          HttpApi.problem(ctx, refused.get().status, refused.get().code, refused.get().getMessage());
          return;
        }
        counter.tag("outcome", "released").register(metrics).increment();
        Json.answer(ctx.status(200), new KeyRelease(g.getGrantId(), Base64.getEncoder().encodeToString(wrapped), o.id().hex(), o.height()));
      }));
    } catch (Refused e) {
      counter.tag("outcome", e.code).register(metrics).increment();
      HttpApi.problem(ctx, e);
    }
  }

  /**
   * {@code GET /v1/grants/{id}/ciphertext}: records the download on chain and, once that is
   * committed, streams the version's ciphertext.
   */
  private void download(Context ctx) throws IOException {
    Counter.Builder counter = Counter.builder("veriflow_dataset_downloads").description("ciphertext downloads asked of this node, by outcome");
    try {
      Authorised a = authorise(ctx, "GET", AccessKind.BLOB_DOWNLOAD);
      Hash blob = Hash.of(a.dataset().getCiphertextSha256().toByteArray());
      if (!blobs.exists(blob)) {
        throw unknownBlob(blob);
      }
      CompletableFuture<TxOutcome> recorded = record(a.grant(), AccessKind.BLOB_DOWNLOAD, null);
      TxOutcome o;
      try {
        // The request thread waits: the blob is then streamed from it, not from the committing thread.
        o = NodeSubmitter.within(recorded, waitTimeout).get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("waiting for a node transaction failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Refused(503, "NOT_RECORDED", "interrupted while the download was being recorded");
      }
      Optional<Refused> refused = refusal(o, "download");
      if (refused.isPresent()) {
        throw refused.get();
      }
      Optional<InputStream> in = blobs.open(blob);
      if (in.isEmpty()) {
        throw unknownBlob(blob);
      }
      try (InputStream s = in.get()) {
        OptionalLong size = blobs.size(blob);
        if (size.isEmpty()) {
          throw unknownBlob(blob);
        }
        counter.tag("outcome", "downloaded").register(metrics).increment();
        ctx.status(200);
        ctx.res().setContentType(BlobsApi.OCTET_STREAM);
        ctx.res().setContentLengthLong(size.getAsLong());
        ctx.res().setHeader("Veriflow-Access-Tx", o.id().hex());
        OutputStream out = ctx.res().getOutputStream();
        s.transferTo(out);
        out.flush();
      }
    } catch (Refused e) {
      counter.tag("outcome", e.code).register(metrics).increment();
      HttpApi.problem(ctx, e);
    }
  }

  /**
   * {@code POST /v1/grants/{id}/compute?body=<SHA-256 of the body, hex>}, body {@code {"modelId":
   * ..., "recipe": {...}}}: for a compute-only grant, records a {@code COMPUTE} access on chain and,
   * once that is committed, trains the recipe on the version's plaintext here ({@link
   * ComputeToData}) and registers the model with this node's key. Synchronous: the answer (201)
   * comes once the model's registration is committed. The signature covers the query, so the body
   * hash binds the recipe and the model id to the grantee's signature.
   */
  private void compute(Context ctx) {
    Counter.Builder counter = Counter.builder("veriflow_dataset_computes").description("compute-to-data jobs asked of this node, by outcome");
    try {
      Authorised a = authorise(ctx, "POST", AccessKind.COMPUTE);
      GrantRecord g = a.grant();
      DatasetRecord d = a.dataset();
      byte[] body = ctx.bodyAsBytes();
      String bodyHash = Hash.sha256(body).hex();
      if (!bodyHash.equals(ctx.queryParam("body"))) {
        throw new Refused(400, "BODY_MISMATCH", "the signed query's 'body' must be the SHA-256 of the request body, " + bodyHash);
      }
      ComputeRequest request = ComputeRequest.parse(body);
      String reference = CustodianData.reference(d.getDatasetId(), d.getVersion());
      String plaintext = hex(d.getPlaintextSha256());
      if (!request.recipe().dataReference().equals(reference) || !request.recipe().dataSha256().hex().equals(plaintext)) {
        throw new Refused(400, "DATA_REFERENCE_MISMATCH", "the recipe's data must be reference '" + reference + "' with sha256 " + plaintext
            + " (the grant's dataset version), not '" + request.recipe().dataReference() + "' with " + request.recipe().dataSha256().hex());
      }
      if (Models.find(ledger.state(Models.NAME), request.modelId()).isPresent()) {
        throw new Refused(409, "MODEL_EXISTS", "model " + request.modelId() + " is already registered");
      }
      Hash blob = Hash.of(d.getCiphertextSha256().toByteArray());
      if (!blobs.exists(blob)) {
        throw unknownBlob(blob);
      }
      CompletableFuture<TxOutcome> recorded = record(g, AccessKind.COMPUTE, null);
      ctx.future(() -> NodeSubmitter.within(recorded, waitTimeout).thenCompose(o -> {
        Optional<Refused> refused = refusal(o, "compute access");
        if (refused.isPresent()) {
          return CompletableFuture.<ComputeToData.Result>failedFuture(refused.get());
        }
        return compute.train(d, request.recipe(), request.modelId()).thenApply(r -> {
          counter.tag("outcome", "registered").register(metrics).increment();
          Json.answer(ctx.status(201), new ComputeResult(g.getGrantId(), r.modelId(), o.id().hex(), o.height(), r.registration().id().hex(),
              r.registration().height(), r.artifact().hex(), r.lossCurve().hex(), d.getDatasetId(), d.getVersion(), plaintext,
              r.run().metrics()));
          return r;
        });
      }).exceptionally(e -> {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof Refused r) {
          counter.tag("outcome", r.code).register(metrics).increment();
          HttpApi.problem(ctx, r.status, r.code, r.getMessage());
          return null;
        }
        throw new IllegalStateException("the compute job for grant " + g.getGrantId() + " failed", cause);
      }));
    } catch (Refused e) {
      counter.tag("outcome", e.code).register(metrics).increment();
      HttpApi.problem(ctx, e);
    }
  }

  /** The body of a compute request: the model id to register and the recipe to train. */
  record ComputeRequest(String modelId, Recipe recipe) {
    /** Parses and checks a body; throws {@link Refused} ({@code INVALID_REQUEST}, {@code INVALID_MODEL_ID}, {@code INVALID_RECIPE}). */
    static ComputeRequest parse(byte[] body) {
      JsonNode tree;
      try {
        tree = Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new Refused(400, "INVALID_REQUEST", "the body is not JSON: " + e.getMessage());
      }
      org.veriflow.protocol.http.ComputeRequest n;
      try {
        n = tree == null ? null : Json.request(tree, org.veriflow.protocol.http.ComputeRequest.class);
      } catch (IllegalArgumentException e) {
        n = null;
      }
      JsonNode recipeJson;
      try {
        recipeJson = n == null || n.recipe() == null ? null : Json.MAPPER.readTree(n.recipe());
      } catch (IOException e) {
        throw new IllegalStateException("a JSON text read by the node does not parse", e);
      }
      if (n == null || n.modelId() == null || recipeJson == null || !recipeJson.isObject()) {
        throw new Refused(400, "INVALID_REQUEST", "the body must be {\"modelId\": \"...\", \"recipe\": {...}}");
      }
      String modelId = n.modelId();
      if (!modelId.matches(DATASET_ID)) {
        throw new Refused(400, "INVALID_MODEL_ID", "model id '" + modelId + "' must be 1-63 lower-case letters, digits or '-'");
      }
      Recipe recipe;
      try {
        recipe = Recipe.parse(Json.MAPPER.writeValueAsString(recipeJson));
      } catch (IllegalArgumentException | IOException e) {
        throw new Refused(400, "INVALID_RECIPE", "the recipe is invalid: " + e.getMessage());
      }
      if (!recipe.engineVersion().equals(EngineVersion.CURRENT)) {
        throw new Refused(400, "INVALID_RECIPE", "the recipe needs engine " + recipe.engineVersion() + "; this node runs " + EngineVersion.CURRENT);
      }
      return new ComputeRequest(modelId, recipe);
    }
  }

  private static Refused unknownBlob(Hash blob) {
    return new Refused(404, "UNKNOWN_BLOB", "this node does not hold the ciphertext " + blob.hex());
  }

  /** Submits {@code datasets.record_access} for the grant, signed by this node (the custodian). */
  private CompletableFuture<TxOutcome> record(GrantRecord g, AccessKind kind, Hash wrappedKeySha256) {
    RecordAccess.Builder access = RecordAccess.newBuilder().setGrantId(g.getGrantId()).setKind(kind).setPurpose(g.getPurpose());
    if (wrappedKeySha256 != null) {
      access.setWrappedKeySha256(ByteString.copyFrom(wrappedKeySha256.bytes()));
    }
    try {
      return submitter.submit(Datasets.NAME, "record_access", access.build());
    } catch (IllegalStateException e) {
      throw new Refused(503, "NOT_RECORDED", "the access could not be recorded, so nothing was released: " + e.getMessage());
    }
  }

  /** Why a recorded access does not allow the answer: not committed in time, dropped, or failed with the contract's code. */
  private Optional<Refused> refusal(TxOutcome o, String what) {
    if (o == null) {
      return Optional.of(new Refused(504, "NOT_RECORDED", "the " + what + " was not committed within " + waitTimeout.toMillis()
          + " ms, so nothing was released; it may still be committed later (see the grant's accesses)"));
    }
    return switch (o.status()) {
      case COMMITTED -> Optional.empty();
      case FAILED -> Optional.of(new Refused(403, o.code(), o.message()));
      case REJECTED -> Optional.of(new Refused(503, "NOT_RECORDED", "the " + what + " was dropped before a block (" + o.code() + ": "
          + o.message() + "), so nothing was released"));
    };
  }

  private StateView state() {
    return ledger.state(Datasets.NAME);
  }

  // ------------------------------------------------------------ queries

  private void list(Context ctx) {
    String tag = ctx.queryParam("tag");
    if (tag != null && !tag.matches(TAG)) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "'tag' must be 1-32 lower-case letters, digits or '-', starting with a letter or digit");
    }
    String owner = ctx.queryParam("owner");
    if (owner != null && !owner.matches("vf1[0-9a-f]{40}")) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "'owner' must be an identity id (vf1 followed by 40 hex characters)");
    }
    String field = ctx.queryParam("field");
    if (field != null && (field.isEmpty() || field.length() > 128)) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "'field' must be a column name of 1 to 128 characters");
    }
    int limit = limit(ctx);
    String cursor = cursor(ctx);
    DatasetsState.Page<DatasetRecord> page = DatasetsState.datasets(state(), new DatasetsState.Filter(tag, owner, field), limit, cursor);
    Json.answer(ctx, new DatasetPage(page.items().stream().map(DatasetsApi::datasetJson).toList(), page.next().orElse(null)));
  }

  private void dataset(Context ctx) {
    String id = datasetId(ctx);
    List<DatasetRecord> versions = DatasetsState.versions(state(), id);
    if (versions.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_DATASET", "no dataset " + id);
      return;
    }
    Json.answer(ctx, new Dataset(datasetJson(versions.get(versions.size() - 1)), versions.stream().map(DatasetRecord::getVersion).toList()));
  }

  private void version(Context ctx) {
    found(ctx).ifPresent(d -> Json.answer(ctx, datasetJson(d)));
  }

  private void versionGrants(Context ctx) {
    Optional<DatasetRecord> d = found(ctx);
    if (d.isPresent()) {
      int limit = limit(ctx);
      String cursor = cursor(ctx);
      StateView credits = ledger.state(Credits.NAME);
      Json.answer(ctx, grants(DatasetsState.grants(state(), d.get().getDatasetId(), d.get().getVersion(), limit, cursor), credits));
    }
  }

  private void versionAccesses(Context ctx) {
    Optional<DatasetRecord> d = found(ctx);
    if (d.isPresent()) {
      int limit = limit(ctx);
      String cursor = cursor(ctx);
      Json.answer(ctx, accesses(DatasetsState.accesses(state(), d.get().getDatasetId(), d.get().getVersion(), limit, cursor)));
    }
  }

  private void grant(Context ctx) {
    String id = grantId(ctx.pathParam("id"));
    Optional<GrantRecord> g = DatasetsState.grant(state(), id);
    if (g.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_GRANT", "no grant " + id);
      return;
    }
    Json.answer(ctx, grantJson(g.get(), ledger.state(Credits.NAME)));
  }

  private void identityGrants(Context ctx) {
    String id = HttpApi.idParam(ctx.pathParam("id")).value();
    int limit = limit(ctx);
    String cursor = cursor(ctx);
    StateView credits = ledger.state(Credits.NAME);
    Json.answer(ctx, grants(DatasetsState.grantsOf(state(), id, limit, cursor), credits));
  }

  private void identityAccesses(Context ctx) {
    String id = HttpApi.idParam(ctx.pathParam("id")).value();
    int limit = limit(ctx);
    String cursor = cursor(ctx);
    Json.answer(ctx, accesses(DatasetsState.accessesBy(state(), id, limit, cursor)));
  }

  private static GrantPage grants(DatasetsState.Page<GrantRecord> page, StateView credits) {
    return new GrantPage(page.items().stream().map(g -> grantJson(g, credits)).toList(), page.next().orElse(null));
  }

  private static AccessPage accesses(DatasetsState.Page<AccessRecord> page) {
    return new AccessPage(page.items().stream().map(DatasetsApi::accessJson).toList(), page.next().orElse(null));
  }

  // ------------------------------------------------------------ parameters

  /** The version named by the path, or empty after answering 404. */
  private Optional<DatasetRecord> found(Context ctx) {
    String id = datasetId(ctx);
    long version = HttpApi.longParam(ctx.pathParam("version"), "version");
    if (version < 1) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "versions are numbered from 1");
    }
    Optional<DatasetRecord> d = DatasetsState.dataset(state(), id, version);
    if (d.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_DATASET", "no dataset " + id + " version " + version);
    }
    return d;
  }

  private static String datasetId(Context ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches(DATASET_ID)) {
      throw new HttpApi.BadRequest("INVALID_ID", "'" + id + "' is not a dataset id (1-63 lower-case letters, digits or '-')");
    }
    return id;
  }

  /** A grant id (the request transaction's id): 64 lower-case hex characters. */
  static String grantId(String s) {
    if (!s.matches("[0-9a-f]{64}")) {
      throw new HttpApi.BadRequest("INVALID_ID", "a grant id is 64 lower-case hex characters (the request transaction's id)");
    }
    return s;
  }

  private static int limit(Context ctx) {
    String s = ctx.queryParam("limit");
    return s == null ? DEFAULT_PAGE : (int) Math.min(MAX_PAGE, Math.max(1, HttpApi.longParam(s, "limit")));
  }

  private static String cursor(Context ctx) {
    String cursor = ctx.queryParam("cursor");
    if (cursor != null && !cursor.matches(CURSOR)) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "'cursor' must be the 'next' value of a previous page");
    }
    return cursor;
  }

  // ------------------------------------------------------------ JSON

  private static String hex(ByteString b) {
    return Hex.encode(b.toByteArray());
  }

  /** Every field of the record; the wrapped custody key only as {@code custodyKey}: whether it is still there. */
  static DatasetVersion datasetJson(DatasetRecord d) {
    List<DatasetColumn> schema = d.getSchemaList().stream().map(c -> new DatasetColumn(c.getName(), c.getType())).toList();
    return new DatasetVersion(d.getDatasetId(), d.getVersion(), d.getOwner(), d.getStatus().name(), d.getTitle(), d.getDescription(),
        d.getTagsList(), schema, d.getLicence(), policyJson(d.getPolicy()), hex(d.getPlaintextSha256()), hex(d.getCiphertextSha256()),
        d.getPlaintextBytes(), d.getCiphertextBytes(), d.getSnapshotId(), hex(d.getReadingsRoot()), d.getCustodian(),
        !d.getCustodyKey().isEmpty(), qualityJson(d.getQuality()), hex(d.getQualityReportSha256()), d.getPreviousVersion(),
        d.getNextVersion(), d.getPublishedHeight(), d.getPublishedMillis(),
        d.getHistoryList().stream().map(c -> new StatusChange(c.getFrom().name(), c.getTo().name(), c.getBy(), c.getHeight(), c.getReason(),
            hex(c.getTxId()))).toList());
  }

  private static DatasetPolicy policyJson(Policy p) {
    return new DatasetPolicy(p.getIdentitiesList(), p.getOrganisationsList(), p.getRolesList(), p.getPurposesList(), p.getExpiryHeight(),
        p.getExpiryMillis(), p.getPrice(), p.getMaxReads(), p.getAutoGrant());
  }

  private static DatasetQuality qualityJson(QualitySummary q) {
    return new DatasetQuality(q.getRows(), q.getColumns(), q.getMissingList(), q.getDuplicates(), q.getOutliers(),
        q.getLabelBalanceList().stream().map(l -> new org.veriflow.protocol.http.LabelCount(l.getLabel(), l.getCount())).toList(),
        q.getIllegalReadingRate());
  }

  /** The grant's record and its unpaid escrow ({@code escrowed}). */
  static Grant grantJson(GrantRecord g, StateView credits) {
    return new Grant(g.getGrantId(), g.getDatasetId(), g.getVersion(), g.getGrantee(), g.getPurpose(), g.getStatus().name(), g.getSequence(),
        g.getRequestedHeight(), g.getRequestedMillis(), g.getPrice(), g.getMaxReads(), g.getExpiryHeight(), g.getExpiryMillis(), g.getReads(),
        g.getPaid(), Credits.escrowed(credits, Datasets.escrowId(g.getGrantId())),
        g.getHistoryList().stream().map(c -> new StatusChange(c.getFrom().name(), c.getTo().name(), c.getBy(), c.getHeight(), c.getReason(),
            hex(c.getTxId()))).toList());
  }

  static Access accessJson(AccessRecord a) {
    return new Access(a.getGrantId(), a.getGrantee(), a.getDatasetId(), a.getVersion(), a.getKind().name(), a.getPurpose(), a.getHeight(),
        a.getTimestampMillis(), hex(a.getTxId()), a.getCustodian(), a.getSequence(), hex(a.getGranteeEncryptionKey()),
        hex(a.getWrappedKeySha256()), a.getPaid());
  }
}
