package org.veriflow.node.http;

import org.veriflow.protocol.http.StoredBlob;

import org.veriflow.node.service.BlobStore;
import org.veriflow.node.service.ProtectedBlobs;
import org.veriflow.node.service.Refused;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.OptionalLong;
import org.veriflow.core.crypto.Hash;

/**
 * HTTP access to the {@link BlobStore}: {@code PUT}, {@code GET} and {@code HEAD /v1/blobs/{hash}}.
 * Bodies are streamed both ways, so blobs may be far larger than the API's 8 MiB limit on JSON
 * requests (that limit applies only to bodies read whole) and are never held in memory.
 */
final class BlobsApi {
  static final String OCTET_STREAM = "application/octet-stream";

  private final BlobStore store;
  private final ProtectedBlobs datasetCiphertexts;

  BlobsApi(BlobStore store, ProtectedBlobs datasetCiphertexts) {
    this.store = store;
    this.datasetCiphertexts = datasetCiphertexts;
  }

  void routes(Javalin app) {
    app.put("/v1/blobs/{hash}", this::put);
    app.get("/v1/blobs/{hash}", this::get);
    app.head("/v1/blobs/{hash}", this::head);
  }

  private static Hash hash(Context ctx) {
    return HttpApi.hashParam(ctx.pathParam("hash"), "blob hash");
  }

  private void put(Context ctx) throws IOException {
    Hash expected = hash(ctx);
    long declared = ctx.req().getContentLengthLong();
    if (declared > store.maxBytes()) {
      // Refused before reading a byte.
      HttpApi.problem(ctx, 413, BlobStore.Reason.TOO_LARGE.name(), "blob of " + declared + " bytes exceeds the limit of " + store.maxBytes() + " bytes");
      return;
    }
    BlobStore.PutResult result;
    try (InputStream body = ctx.bodyInputStream()) {
      result = store.put(expected, body);
    }
    if (result instanceof BlobStore.Stored s) {
      Json.answer(ctx.status(s.created() ? 201 : 200), new StoredBlob(s.hash().hex(), s.sizeBytes()));
      return;
    }
    BlobStore.Refused r = (BlobStore.Refused) result;
    switch (r.reason()) {
      case HASH_MISMATCH -> HttpApi.problem(ctx, 422, r.reason().name(), r.message());
      case TOO_LARGE -> HttpApi.problem(ctx, 413, r.reason().name(), r.message());
      default -> throw new IllegalStateException("unhandled refusal " + r.reason());
    }
  }

  private void get(Context ctx) throws IOException {
    Hash hash = hash(ctx);
    if (datasetCiphertexts.contains(hash)) {
      HttpApi.problem(ctx, 403, "SIGNED_DOWNLOAD_REQUIRED", "blob " + hash.hex() + " is a dataset's ciphertext: it is served only to a grantee, "
          + "by a signed GET /v1/grants/{id}/ciphertext that is recorded on chain first");
      return;
    }
    Optional<InputStream> blob = store.open(hash);
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
    if (size.isEmpty()) {
      unknown(ctx, hash);
      return;
    }
    ctx.status(200);
    ctx.res().setContentType(OCTET_STREAM);
    ctx.res().setContentLengthLong(size.getAsLong());
  }

  private static void unknown(Context ctx, Hash hash) {
    HttpApi.problem(ctx, 404, "UNKNOWN_BLOB", "no blob " + hash.hex() + " is stored on this node");
  }
}
