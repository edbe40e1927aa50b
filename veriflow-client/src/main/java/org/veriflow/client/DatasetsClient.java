package org.veriflow.client;

import static org.veriflow.client.Bodies.compact;
import static org.veriflow.client.Bodies.computeResult;
import static org.veriflow.client.Bodies.datasetVersion;
import static org.veriflow.client.Bodies.next;
import static org.veriflow.client.Bodies.parseAccessPage;
import static org.veriflow.client.Bodies.parseGrantPage;
import static org.veriflow.client.Bodies.read;
import static org.veriflow.client.Bodies.text;
import static org.veriflow.client.Bodies.write;
import static org.veriflow.client.Http.page;
import static org.veriflow.client.Http.query;
import static org.veriflow.client.Http.segment;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.http.ComputeRequest;
import org.veriflow.protocol.http.ComputeResult;
import org.veriflow.protocol.http.Dataset;
import org.veriflow.protocol.http.DatasetPage;
import org.veriflow.protocol.http.DatasetVersion;
import org.veriflow.protocol.http.Grant;
import org.veriflow.protocol.http.KeyRelease;

/**
 * A node's datasets, their grants and access logs, and the custodian's signed endpoints (key
 * release, ciphertext download, compute-to-data): {@link VeriflowClient#datasets()}. It shares its
 * client's transport and is thread-safe like it.
 *
 * <p>Every method throws {@link ClientException} with the node's stable error code when the node
 * refuses a request, and with code {@code UNREACHABLE} when it cannot be reached.
 */
public final class DatasetsClient {
  private final Http http;

  DatasetsClient(Http http) {
    this.http = http;
  }

  /**
   * Dataset versions, every version of every dataset in key order, kept by the criteria given (null:
   * any): {@code tag} among its tags, owned by {@code owner}, with a schema column named {@code field}
   * ({@code GET /v1/datasets}).
   *
   * @param tag a tag the version carries, or null
   * @param owner the owning identity's id, or null
   * @param field the name of a schema column, or null
   * @param limit at most this many per page (the node caps it); 0 or less for the node's default
   * @param cursor the previous page's {@code next}, or null for the first page
   * @return one page of versions and the cursor of the next, if any
   * @throws ClientException if the node refuses or cannot be reached
   */
  public Responses.DatasetPage list(String tag, String owner, String field, int limit, String cursor) {
    String q = query("tag", tag, "owner", owner, "field", field, "limit", limit > 0 ? Integer.toString(limit) : null, "cursor", cursor);
    DatasetPage page = read(http.get("/v1/datasets" + q), DatasetPage.class);
    return new Responses.DatasetPage(page.datasets().stream().map(Bodies::datasetVersion).toList(), next(page.next()));
  }

  /**
   * A dataset's latest version and the numbers of all its versions ({@code GET /v1/datasets/{id}}).
   *
   * @param datasetId the dataset's id
   * @return the dataset
   * @throws ClientException {@code UNKNOWN_DATASET} if there is none
   */
  public Responses.Dataset dataset(String datasetId) {
    Dataset d = read(http.get("/v1/datasets/" + segment(datasetId)), Dataset.class);
    return new Responses.Dataset(datasetVersion(d.latest()), d.versions());
  }

  /**
   * One version of a dataset ({@code GET /v1/datasets/{id}/versions/{version}}).
   *
   * @param datasetId the dataset's id
   * @param version the version's number
   * @return the version
   * @throws ClientException {@code UNKNOWN_DATASET} if there is no such version
   */
  public Responses.DatasetVersion version(String datasetId, long version) {
    return datasetVersion(read(http.get("/v1/datasets/" + segment(datasetId) + "/versions/" + version), DatasetVersion.class));
  }

  /**
   * The grants asked for a dataset version, in request order.
   *
   * @param datasetId the dataset's id
   * @param version the version's number
   * @param limit at most this many per page (the node caps it); 0 or less for the node's default
   * @param cursor the previous page's {@code next}, or null for the first page
   * @return one page of grants and the cursor of the next, if any
   * @throws ClientException {@code UNKNOWN_DATASET} if there is no such version
   */
  public Responses.GrantPage grants(String datasetId, long version, int limit, String cursor) {
    return parseGrantPage(http.get("/v1/datasets/" + segment(datasetId) + "/versions/" + version + "/grants" + page(limit, cursor)));
  }

  /**
   * A grant; its id is the id of the {@code datasets.request} transaction.
   *
   * @param grantId the grant's id
   * @return the grant
   * @throws ClientException {@code UNKNOWN_GRANT} if there is none
   */
  public Responses.Grant grant(String grantId) {
    return Bodies.grant(read(http.get("/v1/grants/" + segment(grantId)), Grant.class));
  }

  /**
   * The grants an identity asked for, in request order.
   *
   * @param identityId the grantee's id
   * @param limit at most this many per page (the node caps it); 0 or less for the node's default
   * @param cursor the previous page's {@code next}, or null for the first page
   * @return one page of grants and the cursor of the next, if any
   * @throws ClientException if the node refuses or cannot be reached
   */
  public Responses.GrantPage identityGrants(String identityId, int limit, String cursor) {
    return parseGrantPage(http.get("/v1/identities/" + segment(identityId) + "/grants" + page(limit, cursor)));
  }

  /**
   * The access log of a dataset version, oldest first.
   *
   * @param datasetId the dataset's id
   * @param version the version's number
   * @param limit at most this many per page (the node caps it); 0 or less for the node's default
   * @param cursor the previous page's {@code next}, or null for the first page
   * @return one page of accesses and the cursor of the next, if any
   * @throws ClientException {@code UNKNOWN_DATASET} if there is no such version
   */
  public Responses.AccessPage accesses(String datasetId, long version, int limit, String cursor) {
    return parseAccessPage(http.get("/v1/datasets/" + segment(datasetId) + "/versions/" + version + "/accesses" + page(limit, cursor)));
  }

  /**
   * The accesses made under an identity's grants, oldest first.
   *
   * @param identityId the grantee's id
   * @param limit at most this many per page (the node caps it); 0 or less for the node's default
   * @param cursor the previous page's {@code next}, or null for the first page
   * @return one page of accesses and the cursor of the next, if any
   * @throws ClientException if the node refuses or cannot be reached
   */
  public Responses.AccessPage identityAccesses(String identityId, int limit, String cursor) {
    return parseAccessPage(http.get("/v1/identities/" + segment(identityId) + "/accesses" + page(limit, cursor)));
  }

  /**
   * Asks the version's custodian node to release a grant's data key, wrapped for the grantee's
   * encryption key. The request is signed by {@code grantee} (RFC 9421 subset, see {@link
   * org.veriflow.core.crypto.RequestSignature}) and bound to the version's ciphertext hash. The node
   * records the release on chain (and pays the owner at the first one) before it answers.
   *
   * @param grantId the grant's id
   * @param grantee the grantee's signing key
   * @param ciphertext the version's ciphertext hash
   * @return the wrapped key and the access transaction that recorded its release
   * @throws ClientException with the node's code: {@code NOT_CUSTODIAN}, {@code GRANT_NOT_ACTIVE},
   *     {@code GRANT_EXPIRED}, {@code READS_EXHAUSTED}, {@code DATASET_ERASED}, {@code
   *     NO_ENCRYPTION_KEY}, {@code BLOB_MISMATCH}, {@code FOREIGN_SIGNER}, {@code SIGNATURE_*}, ...;
   *     {@code BAD_RESPONSE} if the wrapped key is not base64
   */
  public Responses.KeyRelease releaseKey(String grantId, SigningKey grantee, Hash ciphertext) {
    String path = "/v1/grants/" + segment(grantId) + "/key";
    HttpRequest request = http.signed(path, "POST", grantee, ciphertext).POST(HttpRequest.BodyPublishers.noBody()).build();
    KeyRelease k = read(http.send(request), KeyRelease.class);
    byte[] wrapped;
    try {
      wrapped = Base64.getDecoder().decode(k.wrappedKey() == null ? "" : k.wrappedKey());
    } catch (IllegalArgumentException e) {
      throw new ClientException(200, "BAD_RESPONSE", "the node's wrappedKey is not base64");
    }
    return new Responses.KeyRelease(k.grantId() == null ? grantId : k.grantId(), wrapped, text(k.accessTx()), k.height());
  }

  /**
   * Downloads a grant's ciphertext to {@code out} (replaced if it exists), in a signed request as
   * {@link #releaseKey}; the node records the download on chain. The bytes are streamed to a
   * temporary file next to {@code out}, which replaces {@code out} once complete. Nothing is
   * checked here but the transfer: the caller compares the returned hash with the record's.
   *
   * @param grantId the grant's id
   * @param grantee the grantee's signing key
   * @param ciphertext the version's ciphertext hash
   * @param out the file to write
   * @return SHA-256 of the bytes written
   * @throws ClientException with the node's code when it refuses (nothing is written to {@code out})
   * @throws IOException if {@code out} cannot be written
   */
  public Hash downloadCiphertext(String grantId, SigningKey grantee, Hash ciphertext, java.nio.file.Path out) throws IOException {
    String path = "/v1/grants/" + segment(grantId) + "/ciphertext";
    HttpRequest request = http.signed(path, "GET", grantee, ciphertext).GET().build();
    return http.download(request, out, got -> { });
  }

  /**
   * Asks the custodian of a compute-only grant's dataset version to train {@code recipeJson} on the
   * data itself and register the model as {@code modelId} with the node's own key; the grantee
   * never receives the data or its key. The request is signed by {@code grantee} as {@link
   * #releaseKey} (bound to the version's ciphertext hash), and its query {@code body=<SHA-256 of
   * the body>} binds the model id and the recipe to the signature. The recipe's {@code
   * data.reference} must be {@code dataset:<id>/<version>} and its {@code data.sha256} the version's
   * plaintext hash. The node answers once the model's registration is committed.
   *
   * @param grantId the compute-only grant's id
   * @param modelId the id to register the model under
   * @param recipeJson the training recipe, as JSON
   * @param grantee the grantee's signing key
   * @param ciphertext the version's ciphertext hash
   * @param wait how long to wait for the answer (training included)
   * @return the access and model transactions, the artifact's hash and the model's metrics
   * @throws IllegalArgumentException if {@code recipeJson} is not JSON
   * @throws ClientException with the node's code: {@code NOT_COMPUTE_GRANT}, {@code
   *     DATA_REFERENCE_MISMATCH}, {@code INVALID_RECIPE}, {@code MODEL_EXISTS}, {@code
   *     TRAINING_FAILED}, {@code READS_EXHAUSTED}, {@code GRANT_NOT_ACTIVE}, {@code SIGNATURE_*}, ...
   */
  public Responses.ComputeResult compute(String grantId, String modelId, String recipeJson, SigningKey grantee, Hash ciphertext,
      Duration wait) {
    String recipe;
    try {
      recipe = compact(recipeJson);
    } catch (IOException e) {
      throw new IllegalArgumentException("the recipe is not JSON: " + e.getMessage(), e);
    }
    byte[] bytes = write(new ComputeRequest(modelId, recipe)).getBytes(StandardCharsets.UTF_8);
    String query = "body=" + Hash.sha256(bytes).hex();
    HttpRequest request = http.signed("/v1/grants/" + segment(grantId) + "/compute", query, "POST", grantee, ciphertext, wait)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    return computeResult(read(http.send(request), ComputeResult.class), grantId);
  }
}
