package org.veriflow.node.http;

import org.veriflow.protocol.http.StoredBlob;

import org.veriflow.node.service.BlobStore;
import org.veriflow.node.service.BlobUploads;
import org.veriflow.node.service.ModelBlobsOnDemand;
import org.veriflow.node.service.PeerBlobs;
import org.veriflow.node.service.ProtectedBlobs;
import org.veriflow.node.service.Refused;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.OptionalLong;
import org.veriflow.contracts.identities.BlobQuota;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.RequestSignature;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.IdentityRecord;

/**
 * HTTP access to the {@link BlobStore}: {@code PUT}, {@code GET} and {@code HEAD /v1/blobs/{hash}}.
 * Bodies are streamed both ways, so blobs may be far larger than the API's 8 MiB limit on JSON
 * requests (that limit applies only to bodies read whole) and are never held in memory.
 *
 * <p>An upload is a request signed ({@link SignedRequests}) by a registered, active identity, its
 * {@code Veriflow-Blob} header the blob's hash; it is checked before a byte of the body is read, and
 * so is the uploader's quota ({@link BlobQuota}, from the chain's genesis) against the declared
 * {@code Content-Length}. A body without a length (chunked) is stopped as soon as it passes the
 * quota. Administrators and validators have no quota (their uploads are still signed and recorded).
 * Documented in docs/http-api.md, section Blobs.
 */
final class BlobsApi {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BlobsApi.class);
  static final String OCTET_STREAM = "application/octet-stream";

  private final BlobUploads uploads;
  private final BlobStore store;
  private final ProtectedBlobs datasetCiphertexts;
  private final ModelBlobsOnDemand models;
  private final Ledger ledger;
  private final SignedRequests signedRequests;

  BlobsApi(BlobUploads uploads, ProtectedBlobs datasetCiphertexts, ModelBlobsOnDemand models, Ledger ledger, SignedRequests signedRequests) {
    this.uploads = uploads;
    this.store = uploads.store();
    this.datasetCiphertexts = datasetCiphertexts;
    this.models = models;
    this.ledger = ledger;
    this.signedRequests = signedRequests;
  }

  void routes(Javalin app) {
    app.put("/v1/blobs/{hash}", this::put);
    QueryParameters.get(app, "/v1/blobs/{hash}", this::get);
    QueryParameters.head(app, "/v1/blobs/{hash}", this::head);
  }

  private static Hash hash(Context ctx) {
    return HttpApi.hashParam(ctx.pathParam("hash"), "blob hash");
  }

  /** The quota of {@code identity}: none for administrators and validators. */
  static Optional<BlobQuota> quotaOf(IdentityRecord identity, StateView identities) {
    if (identity.getKind() == IdentityKind.ADMINISTRATOR || identity.getKind() == IdentityKind.VALIDATOR) {
      return Optional.empty();
    }
    return Optional.of(BlobQuota.of(identities));
  }

  private void put(Context ctx) throws IOException {
    try {
      Hash expected = hash(ctx);
      StateView identities = ledger.state(Identities.NAME);
      SignedRequests.Signer signer = signedRequests.authenticate(SignedRequests.request(ctx, "PUT"), identities);
      if (!signer.signature().blob().equals(expected.hex())) {
        throw new Refused(400, "BLOB_MISMATCH", RequestSignature.BLOB_HEADER + " is " + signer.signature().blob()
            + ", but the request uploads blob " + expected.hex());
      }
      long declared = ctx.req().getContentLengthLong();
      if (declared > store.maxBytes()) {
        // Refused before reading a byte.
        throw new Refused(413, BlobStore.Reason.TOO_LARGE.name(), "blob of " + declared + " bytes exceeds the limit of " + store.maxBytes() + " bytes");
      }
      String uploader = signer.identity().getId();
      Optional<BlobQuota> quota = quotaOf(signer.identity(), identities);
      Optional<BlobStore.Refused> over = uploads.precheck(uploader, quota, declared);
      if (over.isPresent()) {
        throw refusal(over.get());
      }
      signedRequests.admitOrRefuse(signer.signature());
      BlobStore.PutResult result;
      try (InputStream body = ctx.bodyInputStream()) {
        result = uploads.put(uploader, quota, expected, body);
      }
      if (result instanceof BlobStore.Stored s) {
        Json.answer(ctx.status(s.created() ? 201 : 200), new StoredBlob(s.hash().hex(), s.sizeBytes()));
        return;
      }
      BlobStore.Refused refused = (BlobStore.Refused) result;
      if (refused.reason() == BlobStore.Reason.STORAGE_FULL) {
        LOG.warn("an upload of blob {} by {} was refused: {}", expected.hex(), uploader, refused.message());
      }
      throw refusal(refused);
    } catch (Refused e) {
      HttpApi.problem(ctx, e);
    }
  }

  private static Refused refusal(BlobStore.Refused r) {
    return switch (r.reason()) {
      case HASH_MISMATCH -> new Refused(422, r.reason().name(), r.message());
      case TOO_LARGE -> new Refused(413, r.reason().name(), r.message());
      case QUOTA_EXCEEDED -> new Refused(429, r.reason().name(), r.message());
      case STORAGE_FULL -> new Refused(507, r.reason().name(), r.message());
    };
  }

  private void get(Context ctx) throws IOException {
    Hash hash = hash(ctx);
    if (datasetCiphertexts.contains(hash)) {
      HttpApi.problem(ctx, 403, "SIGNED_DOWNLOAD_REQUIRED", "blob " + hash.hex() + " is a dataset's ciphertext: it is served only to a grantee, "
          + "by a signed GET /v1/grants/{id}/ciphertext that is recorded on chain first");
      return;
    }
    Optional<InputStream> blob = store.open(hash);
    if (blob.isEmpty() && fetched(ctx, hash)) {
      blob = store.open(hash);
    }
    if (blob.isEmpty()) {
      unknown(ctx, hash);
      return;
    }
    try (InputStream in = blob.get()) {
      OptionalLong size = store.size(hash);
      ctx.status(200);
      ctx.res().setContentType(OCTET_STREAM);
      ctx.res().setContentLengthLong(size.orElseThrow());
      // Written to the servlet stream directly: Javalin's result handling would compress or buffer.
      OutputStream out = ctx.res().getOutputStream();
      in.transferTo(out);
      out.flush();
    }
  }

  private void head(Context ctx) throws IOException {
    Hash hash = hash(ctx);
    OptionalLong size = store.size(hash);
    if (size.isEmpty() && fetched(ctx, hash)) {
      size = store.size(hash);
    }
    if (size.isEmpty()) {
      unknown(ctx, hash);
      return;
    }
    ctx.status(200);
    ctx.res().setContentType(OCTET_STREAM);
    ctx.res().setContentLengthLong(size.getAsLong());
  }

  /** Whether a blob this node lacks was fetched from another member: never for another member's own fetch. */
  private boolean fetched(Context ctx, Hash hash) throws IOException {
    return ctx.header(PeerBlobs.PEER_FETCH) == null && models.fetch(hash);
  }

  private static void unknown(Context ctx, Hash hash) {
    HttpApi.problem(ctx, 404, "UNKNOWN_BLOB", "no blob " + hash.hex() + " is stored on this node");
  }
}
