package org.veriflow.client;

import static org.veriflow.client.Bodies.parseBlock;
import static org.veriflow.client.Bodies.parseCheckpoint;
import static org.veriflow.client.Bodies.read;
import static org.veriflow.client.Bodies.text;
import static org.veriflow.client.Bodies.txInfo;
import static org.veriflow.client.Bodies.write;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.http.Account;
import org.veriflow.protocol.http.Chain;
import org.veriflow.protocol.http.Cluster;
import org.veriflow.protocol.http.ConsistencyProof;
import org.veriflow.protocol.http.Health;
import org.veriflow.protocol.http.Identity;
import org.veriflow.protocol.http.StoredBlob;
import org.veriflow.protocol.http.SubmitBatch;
import org.veriflow.protocol.http.SubmitTransaction;
import org.veriflow.protocol.http.Transaction;
import org.veriflow.protocol.proto.BlockHeader;

/**
 * The Java SDK over a node's HTTP API. This class holds the chain's own operations (chain,
 * accounts, identities, transactions, blocks, the log's proofs, blobs, health, cluster and
 * checkpoints); the rest of the API is grouped in facets over the same transport: {@link
 * #streams()}, {@link #models()} and {@link #datasets()}; federated learning's facet,
 * {@link org.veriflow.client.federated.FederatedClient}, is made over a client and reads through {@link #get}.
 *
 * <p>Thread-safe, and so are its facets; one instance per node is enough. Every method throws
 * {@link ClientException} with the node's stable error code when the node refuses a request, and
 * with code {@code UNREACHABLE} when it cannot be reached.
 */
public final class VeriflowClient {
  private final Http http;
  private final StreamsClient streams;
  private final ModelsClient models;
  private final DatasetsClient datasets;

  /**
   * A client of the node at {@code base}, whose requests may each take up to 60 seconds.
   *
   * @param base the node's address, e.g. {@code http://127.0.0.1:7070}
   */
  public VeriflowClient(URI base) {
    this(base, Duration.ofSeconds(60));
  }

  /**
   * A client of the node at {@code base}.
   *
   * @param base the node's address, e.g. {@code http://127.0.0.1:7070}; a trailing '/' is dropped
   * @param timeout how long a request may take, unless the method says otherwise
   */
  public VeriflowClient(URI base, Duration timeout) {
    this(base, timeout, TlsOptions.defaults());
  }

  /**
   * A client of the node at {@code base} whose TLS (for an {@code https} address) follows {@code tls}:
   * the node's certificate is verified against the given CA file, host name included, and the client
   * certificate is presented when the node asks for one. A handshake that fails makes each call throw
   * a {@link ClientException} whose code is a {@link TlsFailure} ({@code TLS_UNTRUSTED}, {@code TLS_REFUSED}).
   *
   * @param base the node's address, e.g. {@code https://127.0.0.1:7070}; a trailing '/' is dropped
   * @param timeout how long a request may take, unless the method says otherwise
   * @param tls the trusted CA and the client certificate
   * @throws ClientException {@code TLS_CONFIG} if the TLS files cannot be read or used
   */
  public VeriflowClient(URI base, Duration timeout, TlsOptions tls) {
    this.http = new Http(base, timeout, tls);
    this.streams = new StreamsClient(this, http);
    this.models = new ModelsClient(this, http);
    this.datasets = new DatasetsClient(http);
  }

  /**
   * The node's address.
   *
   * @return the address given, without a trailing '/'
   */
  public URI base() {
    return http.base();
  }

  /**
   * The node's sensor streams, readings and snapshots, over this client's transport.
   *
   * @return the same facet at every call
   */
  public StreamsClient streams() {
    return streams;
  }

  /**
   * The node's model registry and logged decisions, over this client's transport.
   *
   * @return the same facet at every call
   */
  public ModelsClient models() {
    return models;
  }

  /**
   * The node's datasets, grants, access logs and custodian endpoints, over this client's transport.
   *
   * @return the same facet at every call
   */
  public DatasetsClient datasets() {
    return datasets;
  }

  /**
   * A {@code GET} of the node's API read into one of the protocol's HTTP records ({@code
   * org.veriflow.protocol.http}): the transport through which the SDK's facets in other packages
   * (such as {@link org.veriflow.client.federated.FederatedClient}) read. Fields the record lacks
   * are ignored and an absent list reads as empty, as for every answer this client reads.
   *
   * @param <T> the record's type
   * @param path the path from the node's base, its segments escaped, with its query if any (e.g.
   *     {@code /v1/fl/tasks/t1/rounds})
   * @param type the record the answer is read into
   * @return the answer
   * @throws ClientException with the node's code if it refuses the request, {@code BAD_RESPONSE} if
   *     the answer does not fit {@code type}, {@code UNREACHABLE} if the node cannot be reached
   */
  public <T> T get(String path, Class<T> type) {
    return read(http.get(path), type);
  }

  /**
   * The chain the node serves ({@code GET /v1/chain}).
   *
   * @return the chain's id, genesis hash, height, limits and orderers
   * @throws ClientException if the node refuses or cannot be reached
   */
  public Responses.ChainInfo chain() {
    Chain c = read(http.get("/v1/chain"), Chain.class);
    List<Responses.Orderer> orderers = c.orderers().stream()
        .map(o -> new Responses.Orderer(o.id(), o.algorithm(), o.publicKey())).toList();
    return new Responses.ChainInfo(c.chainId(), c.genesisHash(), c.height(), c.maxTxBytes(), orderers);
  }

  /**
   * An identity's account ({@code GET /v1/accounts/{id}}): the next nonce its transactions must carry
   * (as of the latest commit) and its credits.
   *
   * @param id the identity id
   * @return the account
   * @throws ClientException if the id is malformed, the node has no quorum, or it cannot be reached
   */
  public Responses.Account account(String id) {
    Account a = read(http.get("/v1/accounts/" + id), Account.class);
    return new Responses.Account(a.id(), a.nonce(), a.balance());
  }

  /**
   * A registered identity ({@code GET /v1/identities/{id}}).
   *
   * @param id the identity id
   * @return the identity as the chain records it
   * @throws ClientException {@code UNKNOWN_IDENTITY} if none is registered under {@code id}
   */
  public Responses.Identity identity(String id) {
    Identity i = read(http.get("/v1/identities/" + id), Identity.class);
    return new Responses.Identity(i.id(), i.kind(), i.name(), i.owner(), i.algorithm(), i.roles(), i.status(), i.registeredHeight(),
        Optional.ofNullable(i.revokedHeight()), Optional.ofNullable(i.revocationReason()),
        Optional.ofNullable(i.encryptionKey()).filter(k -> !k.isEmpty()));
  }

  /**
   * Submits a transaction. With {@code wait}, returns once its block is durable (status COMMITTED or
   * FAILED with its code), or PENDING if the node's wait timeout passed first.
   *
   * @param tx the signed transaction
   * @param wait whether to wait for its block
   * @return its state: PENDING, or with {@code wait} COMMITTED or FAILED
   * @throws ClientException with the rejection code if the node refused it
   */
  public Responses.TxInfo submit(SignedTransaction tx, boolean wait) {
    return Bodies.parseTx(http.send(submitRequest(tx, wait)));
  }

  /**
   * Like {@link #submit} but asynchronous, for load generation.
   *
   * @param tx the signed transaction
   * @param wait whether to wait for its block
   * @return its state, once the node answers
   * @throws ClientException (completing the future) as {@link #submit}
   */
  public CompletableFuture<Responses.TxInfo> submitAsync(SignedTransaction tx, boolean wait) {
    return http.sendAsync(submitRequest(tx, wait)).thenApply(Bodies::parseTx);
  }

  /**
   * Submits up to {@link Limits#TRANSACTIONS_PER_REQUEST} transactions in one request; each is checked and ordered on its own. Returns
   * one result per transaction, in order: status {@code REJECTED} with its code, or (with {@code
   * wait}) {@code COMMITTED}/{@code FAILED} once its block is durable, or {@code PENDING}.
   *
   * @param txs the signed transactions
   * @param wait whether to wait for their blocks
   * @return one state per transaction, in order
   * @throws ClientException if the node refused the request as a whole
   */
  public List<Responses.TxInfo> submitBatch(List<SignedTransaction> txs, boolean wait) {
    return Bodies.parseBatch(http.send(batchRequest(txs, wait)));
  }

  /**
   * Like {@link #submitBatch} but asynchronous, for load generation.
   *
   * @param txs the signed transactions
   * @param wait whether to wait for their blocks
   * @return one state per transaction, in order, once the node answers
   * @throws ClientException (completing the future) as {@link #submitBatch}
   */
  public CompletableFuture<List<Responses.TxInfo>> submitBatchAsync(List<SignedTransaction> txs, boolean wait) {
    return http.sendAsync(batchRequest(txs, wait)).thenApply(Bodies::parseBatch);
  }

  private HttpRequest batchRequest(List<SignedTransaction> txs, boolean wait) {
    SubmitBatch body = new SubmitBatch(txs.stream().map(VeriflowClient::body).toList());
    return http.request("/v1/transactions/batch" + (wait ? "?wait=true" : ""))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(write(body)))
        .build();
  }

  private HttpRequest submitRequest(SignedTransaction tx, boolean wait) {
    return http.request("/v1/transactions" + (wait ? "?wait=true" : ""))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(write(body(tx))))
        .build();
  }

  private static SubmitTransaction body(SignedTransaction tx) {
    return new SubmitTransaction(Base64.getEncoder().encodeToString(tx.payload()), Base64.getEncoder().encodeToString(tx.signature()));
  }

  /**
   * The state of a transaction ({@code GET /v1/transactions/{id}}), with its inclusion proof once it
   * is in a block.
   *
   * @param id the transaction's id
   * @return its state; status {@code UNKNOWN} if the node knows nothing of it
   * @throws ClientException if the node refuses otherwise or cannot be reached
   */
  public Responses.TxInfo transaction(String id) {
    try {
      return txInfo(read(http.get("/v1/transactions/" + id), Transaction.class));
    } catch (ClientException e) {
      if (e.code().equals("UNKNOWN_TRANSACTION")) {
        return new Responses.TxInfo(id, "UNKNOWN", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
      }
      throw e;
    }
  }

  /**
   * A transaction in a block: its state and inclusion proof (as {@link #transaction}) with its payload
   * and signature exactly as the node keeps them, in one request. Nothing is checked: the caller
   * compares SHA-256 of the payload with {@code id} and checks the proof (see {@link ProofChecks}).
   *
   * @param id the transaction's id
   * @return its state, proof, payload and signature
   * @throws ClientException {@code UNKNOWN_TRANSACTION} if the node knows nothing of it, {@code
   *     NOT_IN_BLOCK} if it is still pending
   */
  public Responses.TxBytes transactionBytes(String id) {
    Transaction t = read(http.get("/v1/transactions/" + id), Transaction.class);
    if (t.payload() == null || t.proof() == null) {
      throw new ClientException(404, "NOT_IN_BLOCK", "transaction " + id + " is " + t.status() + ", not in a block");
    }
    return new Responses.TxBytes(txInfo(t), Base64.getDecoder().decode(t.payload()), Base64.getDecoder().decode(t.signature()));
  }

  /**
   * The arguments of transaction {@code txId}, checked to be a {@code contract.method} call whose
   * payload, as the node returns it, hashes to that id (so the inclusion proof stands for it).
   *
   * @throws ProofException if the payload does not hash to the id or is another call
   */
  com.google.protobuf.ByteString callArguments(String txId, String contract, String method) throws ProofException {
    byte[] payloadBytes = Base64.getDecoder().decode(text(read(http.get("/v1/transactions/" + txId), Transaction.class).payload()));
    if (!org.veriflow.core.crypto.Hash.sha256(payloadBytes).hex().equals(txId)) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.PAYLOAD_HASH_MISMATCH, "the payload returned for " + txId + " does not hash to that id");
    }
    org.veriflow.protocol.proto.TxPayload payload;
    try {
      payload = org.veriflow.protocol.proto.TxPayload.parseFrom(payloadBytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.MALFORMED_PAYLOAD, "transaction " + txId + " does not decode");
    }
    if (!payload.getContract().equals(contract) || !payload.getMethod().equals(method)) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.UNEXPECTED_CALL, "transaction " + txId + " is not a " + contract + "." + method + " call");
    }
    return payload.getArguments();
  }

  /**
   * A committed block ({@code GET /v1/blocks/{height}}), unchecked: see {@link ProofChecks}.
   *
   * @param height the block's height
   * @return the block's header fields, signatures and transaction ids
   * @throws ClientException {@code UNKNOWN_BLOCK} if none is committed at that height
   */
  public Responses.BlockInfo block(long height) {
    return parseBlock(http.get("/v1/blocks/" + height));
  }

  /**
   * The node's latest committed block ({@code GET /v1/blocks/latest}), unchecked.
   *
   * @return the block's header fields, signatures and transaction ids
   * @throws ClientException if the node refuses or cannot be reached
   */
  public Responses.BlockInfo latestBlock() {
    return parseBlock(http.get("/v1/blocks/latest"));
  }

  /**
   * The block at {@code height}, waiting up to {@code wait} (at most 30 seconds) for it to be
   * committed: a client following the chain long-polls instead of asking again and again.
   *
   * @param height the block's height
   * @param wait how long to wait for it (at least 1 ms, at most 30 seconds)
   * @return empty if the block is not committed within {@code wait}
   * @throws ClientException if the node refuses otherwise or cannot be reached
   */
  public Optional<Responses.BlockInfo> awaitBlock(long height, Duration wait) {
    long ms = Math.min(30_000, Math.max(1, wait.toMillis()));
    HttpRequest request = HttpRequest.newBuilder(URI.create(http.base() + "/v1/blocks/" + height + "?waitMs=" + ms))
        .timeout(http.timeout().plusMillis(ms)).GET().build();
    try {
      return Optional.of(parseBlock(http.send(request)));
    } catch (ClientException e) {
      if (e.status() == 404 && "UNKNOWN_BLOCK".equals(e.code())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * The consistency proof between the log at two sizes ({@code GET /v1/log/consistency}), unchecked:
   * see {@link #verifyConsistency}.
   *
   * @param from the older log's size
   * @param to the newer log's size
   * @return the proof's hashes
   * @throws ClientException if the sizes are out of order or beyond the log
   */
  public Responses.ConsistencyProof consistency(long from, long to) {
    ConsistencyProof p = read(http.get("/v1/log/consistency?from=" + from + "&to=" + to), ConsistencyProof.class);
    return new Responses.ConsistencyProof(p.from(), p.to(), p.hashes());
  }

  /**
   * Fetches a committed transaction's inclusion proof and its block, checks the block's hash and
   * orderer signature against the chain's orderers, and checks the proof against the header's log
   * root. Returns the checked transaction.
   *
   * @param txId the transaction's id
   * @return the transaction's state and proof, checked
   * @throws ProofException if any check fails
   * @throws ClientException {@code NOT_IN_BLOCK} if the transaction is not in a block
   */
  public Responses.TxInfo verifyInclusion(String txId) throws ProofException {
    return verifyInclusion(txId, chain().orderers());
  }

  /**
   * Like {@link #verifyInclusion(String)}, but checks the block's signature against orderer keys the
   * caller trusts (e.g. read from the genesis file) rather than those the node reports.
   *
   * @param txId the transaction's id
   * @param trustedOrderers the orderers whose signature a block must carry
   * @return the transaction's state and proof, checked
   * @throws ProofException if any check fails
   * @throws ClientException {@code NOT_IN_BLOCK} if the transaction is not in a block
   */
  public Responses.TxInfo verifyInclusion(String txId, List<Responses.Orderer> trustedOrderers) throws ProofException {
    Responses.TxInfo tx = transaction(txId);
    if (tx.proof().isEmpty()) {
      throw new ClientException(404, "NOT_IN_BLOCK", "transaction " + txId + " is " + tx.status() + ", not in a block");
    }
    Responses.BlockInfo block = block(tx.proof().get().blockHeight());
    BlockHeader header = ProofChecks.checkBlock(block, trustedOrderers);
    ProofChecks.checkInclusion(txId, tx.proof().get(), header);
    return tx;
  }

  /**
   * Checks that the log at block {@code toHeight} extends the log at block {@code fromHeight}: both
   * headers against their hashes and signatures, then the consistency proof between their logs.
   *
   * @param fromHeight the older block's height
   * @param toHeight the newer block's height
   * @return the consistency proof, checked
   * @throws ProofException if any check fails
   * @throws ClientException {@code UNKNOWN_BLOCK} if either block is not committed
   */
  public Responses.ConsistencyProof verifyConsistency(long fromHeight, long toHeight) throws ProofException {
    List<Responses.Orderer> orderers = chain().orderers();
    BlockHeader older = ProofChecks.checkBlock(block(fromHeight), orderers);
    BlockHeader newer = ProofChecks.checkBlock(block(toHeight), orderers);
    Responses.ConsistencyProof proof = consistency(older.getLogSize(), newer.getLogSize());
    ProofChecks.checkConsistency(proof, older, newer);
    return proof;
  }

  // ------------------------------------------------------------ blobs

  /**
   * Uploads a file to the node's blob store under its SHA-256, computed here first, in a request
   * signed by {@code key} (the node charges the blob to that identity's quota); the file is
   * streamed, never read whole into memory. Uploading a blob the node already has is harmless.
   * A blob that nothing on chain names is deleted by the node some time after its upload (24 hours
   * by default): register what names it before then.
   *
   * @param file the file to upload
   * @param key the uploading identity's key; the identity must be registered and active
   * @return the blob's hash
   * @throws ClientException {@code HASH_MISMATCH} if the file changed while it was sent, {@code
   *     TOO_LARGE} if it exceeds the node's limit, {@code QUOTA_EXCEEDED} if the identity keeps too
   *     many bytes or blobs on the node, {@code STORAGE_FULL} if the node cannot store it, {@code
   *     UNKNOWN_SIGNER} or {@code SIGNER_NOT_ACTIVE} for the key, or {@code BAD_RESPONSE} if the
   *     node acknowledged another hash
   * @throws IOException if the file cannot be read
   */
  public org.veriflow.core.crypto.Hash putBlob(java.nio.file.Path file, org.veriflow.core.crypto.SigningKey key) throws IOException {
    java.security.MessageDigest md = org.veriflow.core.crypto.Hash.digest();
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) != -1) {
        md.update(buf, 0, n);
      }
    }
    org.veriflow.core.crypto.Hash hash = org.veriflow.core.crypto.Hash.of(md.digest());
    StoredBlob stored = read(http.send(http.signed("/v1/blobs/" + hash.hex(), "PUT", key, hash)
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofFile(file))
        .build()), StoredBlob.class);
    if (!hash.hex().equals(stored.hash())) {
      throw new ClientException(200, "BAD_RESPONSE", "the node stored blob " + text(stored.hash()) + ", not " + hash.hex());
    }
    return hash;
  }

  /**
   * Downloads a blob to {@code out} (replaced if it exists), checking while writing that the bytes
   * hash to {@code hash}. The bytes go to a temporary file next to {@code out} and are moved into
   * place only once checked, so {@code out} never holds unchecked bytes.
   *
   * @param hash the blob's SHA-256, 64 hex characters
   * @param out the file to write
   * @throws ClientException {@code HASH_MISMATCH} if the node sent other bytes (nothing is written
   *     to {@code out}), {@code INVALID_ID} or {@code UNKNOWN_BLOB} if the node refused
   * @throws IOException if {@code out} cannot be written
   */
  public void getBlob(String hash, java.nio.file.Path out) throws IOException {
    org.veriflow.core.crypto.Hash expected;
    try {
      expected = org.veriflow.core.crypto.Hash.fromHex(hash);
    } catch (IllegalArgumentException e) {
      throw new ClientException(0, "INVALID_ID", "blob hash must be 64 hex characters, not '" + hash + "'");
    }
    HttpRequest request = http.request("/v1/blobs/" + expected.hex()).GET().build();
    http.download(request, out, got -> {
      if (!got.equals(expected)) {
        throw new ClientException(200, "HASH_MISMATCH", "the node sent bytes hashing to " + got.hex() + " for blob " + expected.hex());
      }
    });
  }

  /**
   * The node's health ({@code GET /health}).
   *
   * @return its status ({@code UP} while it serves), chain id and height
   * @throws ClientException if the node cannot be reached or answers with an error
   */
  public Health health() {
    return read(http.get("/health"), Health.class);
  }

  // ------------------------------------------------------------ clusters

  /**
   * The node's view of its Raft cluster and its own head ({@code GET /v1/cluster}). A single node
   * answers with {@code clustered} false and role {@code SOLO}.
   *
   * @return the cluster's members, leader, term and indexes, and the node's head
   * @throws ClientException if the node refuses or cannot be reached
   */
  public Responses.ClusterInfo cluster() {
    return Bodies.cluster(read(http.get("/v1/cluster"), Cluster.class));
  }

  /**
   * The node's signed checkpoint at {@code height} ({@code GET /v1/checkpoints/{height}}), unchecked:
   * call {@link Responses.SignedCheckpoint#verify()}.
   *
   * @param height the checkpoint's height
   * @return the checkpoint and its signature, as the node sent them
   * @throws IllegalArgumentException if {@code height} is negative
   * @throws ClientException with status 404 if the height is above the node's head, {@code
   *     BAD_RESPONSE} if the checkpoint or signature is not base64
   */
  public Responses.SignedCheckpoint checkpoint(long height) {
    if (height < 0) {
      throw new IllegalArgumentException("height must not be negative, not " + height);
    }
    return parseCheckpoint(http.get("/v1/checkpoints/" + height));
  }

  /**
   * Like {@link #checkpoint(long)}, at the node's head ({@code GET /v1/checkpoints/latest}).
   *
   * @return the checkpoint and its signature, as the node sent them
   * @throws ClientException {@code BAD_RESPONSE} if the checkpoint or signature is not base64
   */
  public Responses.SignedCheckpoint checkpointLatest() {
    return parseCheckpoint(http.get("/v1/checkpoints/latest"));
  }
}
