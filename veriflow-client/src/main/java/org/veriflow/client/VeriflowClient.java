package org.veriflow.client;

import org.veriflow.protocol.Limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.veriflow.core.Hex;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.protocol.proto.BlockHeader;
import org.veriflow.protocol.http.Account;
import org.veriflow.protocol.http.BatchResults;
import org.veriflow.protocol.http.Block;
import org.veriflow.protocol.http.Chain;
import org.veriflow.protocol.http.CheckpointSigner;
import org.veriflow.protocol.http.SignedCheckpoint;
import org.veriflow.protocol.http.ConsistencyProof;
import org.veriflow.protocol.http.Health;
import org.veriflow.protocol.http.Identity;
import org.veriflow.protocol.http.AccessPage;
import org.veriflow.protocol.http.Dataset;
import org.veriflow.protocol.http.DatasetPage;
import org.veriflow.protocol.http.DatasetPolicy;
import org.veriflow.protocol.http.DatasetQuality;
import org.veriflow.protocol.http.DatasetVersion;
import org.veriflow.protocol.http.Grant;
import org.veriflow.protocol.http.GrantPage;
import org.veriflow.protocol.http.KeyRelease;
import org.veriflow.protocol.http.StatusChange;
import org.veriflow.protocol.http.StoredBlob;
import org.veriflow.protocol.http.Model;
import org.veriflow.protocol.http.ModelPage;
import org.veriflow.protocol.http.Reading;
import org.veriflow.protocol.http.ReadingPage;
import org.veriflow.protocol.http.Snapshot;
import org.veriflow.protocol.http.Stream;
import org.veriflow.protocol.http.StreamStats;
import org.veriflow.protocol.http.SubmitBatch;
import org.veriflow.protocol.http.SubmitTransaction;
import org.veriflow.protocol.http.Transaction;
import org.veriflow.protocol.http.TxStatusAnswer;

/**
 * The Java SDK over a node's HTTP API. Thread-safe; one instance per node is enough.
 *
 * <p>Every method throws {@link ClientException} with the node's stable error code when the node
 * refuses a request, and with code {@code UNREACHABLE} when it cannot be reached.
 */
public final class VeriflowClient {
  /**
   * Reads the node's bodies into the protocol's records, as leniently as a node's answer allows:
   * fields a newer node adds are ignored, and an absent list reads as empty.
   */
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  static {
    MAPPER.configOverride(List.class).setSetterInfo(
        com.fasterxml.jackson.annotation.JsonSetter.Value.forValueNulls(com.fasterxml.jackson.annotation.Nulls.AS_EMPTY));
  }

  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  public VeriflowClient(URI base) {
    this(base, Duration.ofSeconds(60));
  }

  public VeriflowClient(URI base, Duration timeout) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
  }

  public URI base() {
    return base;
  }

  /**
   * The chain the node serves ({@code GET /v1/chain}).
   *
   * @return the chain's id, genesis hash, height, limits and orderers
   * @throws ClientException if the node refuses or cannot be reached
   */
  public Responses.ChainInfo chain() {
    Chain c = read(get("/v1/chain"), Chain.class);
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
    Account a = read(get("/v1/accounts/" + id), Account.class);
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
    Identity i = read(get("/v1/identities/" + id), Identity.class);
    return new Responses.Identity(i.id(), i.kind(), i.name(), i.owner(), i.algorithm(), i.roles(), i.status(), i.registeredHeight(),
        Optional.ofNullable(i.revokedHeight()), Optional.ofNullable(i.revocationReason()),
        Optional.ofNullable(i.encryptionKey()).filter(k -> !k.isEmpty()));
  }

  /**
   * Submits a transaction. With {@code wait}, returns once its block is durable (status COMMITTED or
   * FAILED with its code), or PENDING if the node's wait timeout passed first.
   *
   * @throws ClientException with the rejection code if the node refused it
   */
  public Responses.TxInfo submit(SignedTransaction tx, boolean wait) {
    return parseTx(send(submitRequest(tx, wait)));
  }

  /** Like {@link #submit} but asynchronous, for load generation. */
  public CompletableFuture<Responses.TxInfo> submitAsync(SignedTransaction tx, boolean wait) {
    return http.sendAsync(submitRequest(tx, wait), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> parseTx(check(r)));
  }

  /**
   * Submits up to {@link Limits#TRANSACTIONS_PER_REQUEST} transactions in one request; each is checked and ordered on its own. Returns
   * one result per transaction, in order: status {@code REJECTED} with its code, or (with {@code
   * wait}) {@code COMMITTED}/{@code FAILED} once its block is durable, or {@code PENDING}.
   */
  public List<Responses.TxInfo> submitBatch(List<SignedTransaction> txs, boolean wait) {
    return parseBatch(send(batchRequest(txs, wait)));
  }

  /** Like {@link #submitBatch} but asynchronous, for load generation. */
  public CompletableFuture<List<Responses.TxInfo>> submitBatchAsync(List<SignedTransaction> txs, boolean wait) {
    return http.sendAsync(batchRequest(txs, wait), HttpResponse.BodyHandlers.ofString()).thenApply(r -> parseBatch(check(r)));
  }

  private HttpRequest batchRequest(List<SignedTransaction> txs, boolean wait) {
    SubmitBatch body = new SubmitBatch(txs.stream().map(VeriflowClient::body).toList());
    return HttpRequest.newBuilder(URI.create(base + "/v1/transactions/batch" + (wait ? "?wait=true" : "")))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(write(body)))
        .build();
  }

  private static List<Responses.TxInfo> parseBatch(JsonNode n) {
    return read(n, BatchResults.class).results().stream().map(VeriflowClient::txInfo).toList();
  }

  private HttpRequest submitRequest(SignedTransaction tx, boolean wait) {
    return HttpRequest.newBuilder(URI.create(base + "/v1/transactions" + (wait ? "?wait=true" : "")))
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(write(body(tx))))
        .build();
  }

  private static SubmitTransaction body(SignedTransaction tx) {
    return new SubmitTransaction(Base64.getEncoder().encodeToString(tx.payload()), Base64.getEncoder().encodeToString(tx.signature()));
  }

  private static String write(Object body) {
    try {
      return MAPPER.writeValueAsString(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a request body", e);
    }
  }

  /** Reads a node's answer into its record; an answer that does not fit is {@code BAD_RESPONSE}. */
  private static <T> T read(JsonNode n, Class<T> type) {
    try {
      return MAPPER.treeToValue(n, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new ClientException(200, "BAD_RESPONSE", "the node's answer is not a " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  /** The state of a transaction; status {@code UNKNOWN} if the node knows nothing of it. */
  public Responses.TxInfo transaction(String id) {
    try {
      return txInfo(read(get("/v1/transactions/" + id), Transaction.class));
    } catch (ClientException e) {
      if (e.code().equals("UNKNOWN_TRANSACTION")) {
        return new Responses.TxInfo(id, "UNKNOWN", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
      }
      throw e;
    }
  }

  public Responses.BlockInfo block(long height) {
    return parseBlock(get("/v1/blocks/" + height));
  }

  public Responses.BlockInfo latestBlock() {
    return parseBlock(get("/v1/blocks/latest"));
  }

  /**
   * The block at {@code height}, waiting up to {@code wait} (at most 30 seconds) for it to be
   * committed: a client following the chain long-polls instead of asking again and again.
   *
   * @return empty if the block is not committed within {@code wait}
   */
  public Optional<Responses.BlockInfo> awaitBlock(long height, Duration wait) {
    long ms = Math.min(30_000, Math.max(1, wait.toMillis()));
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/blocks/" + height + "?waitMs=" + ms)).timeout(timeout.plusMillis(ms)).GET().build();
    try {
      return Optional.of(parseBlock(send(request)));
    } catch (ClientException e) {
      if (e.status() == 404 && "UNKNOWN_BLOCK".equals(e.code())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  public Responses.ConsistencyProof consistency(long from, long to) {
    ConsistencyProof p = read(get("/v1/log/consistency?from=" + from + "&to=" + to), ConsistencyProof.class);
    return new Responses.ConsistencyProof(p.from(), p.to(), p.hashes());
  }

  /**
   * Fetches a committed transaction's inclusion proof and its block, checks the block's hash and
   * orderer signature against the chain's orderers, and checks the proof against the header's log
   * root. Returns the checked transaction.
   *
   * @throws ProofException if any check fails
   * @throws ClientException if the transaction is not in a block
   */
  public Responses.TxInfo verifyInclusion(String txId) throws ProofException {
    return verifyInclusion(txId, chain().orderers());
  }

  /**
   * Like {@link #verifyInclusion(String)}, but checks the block's signature against orderer keys the
   * caller trusts (e.g. read from the genesis file) rather than those the node reports.
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
   */
  public Responses.ConsistencyProof verifyConsistency(long fromHeight, long toHeight) throws ProofException {
    List<Responses.Orderer> orderers = chain().orderers();
    BlockHeader older = ProofChecks.checkBlock(block(fromHeight), orderers);
    BlockHeader newer = ProofChecks.checkBlock(block(toHeight), orderers);
    Responses.ConsistencyProof proof = consistency(older.getLogSize(), newer.getLogSize());
    ProofChecks.checkConsistency(proof, older, newer);
    return proof;
  }

  // ------------------------------------------------------------ models

  /** A model's record: provenance, stage, the history of its stages and its attestations. */
  public Responses.Model model(String id) {
    return parseModelDetail(get("/v1/models/" + id)).model();
  }

  /**
   * The canonical recipe bytes stored with a model, exactly as hashed on chain.
   *
   * @param id the model's id
   * @return the recipe's UTF-8 bytes
   * @throws ClientException {@code UNKNOWN_MODEL} if there is none
   */
  public byte[] modelRecipe(String id) {
    return read(get("/v1/models/" + id), Model.class).recipe().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The arguments of transaction {@code txId}, checked to be a {@code contract.method} call whose
   * payload, as the node returns it, hashes to that id (so the inclusion proof stands for it).
   *
   * @throws ProofException if the payload does not hash to the id or is another call
   */
  private com.google.protobuf.ByteString callArguments(String txId, String contract, String method) throws ProofException {
    byte[] payloadBytes = Base64.getDecoder().decode(get("/v1/transactions/" + txId).path("payload").asText());
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

  // ------------------------------------------------------------ decisions

  /**
   * Asks a verified model for answers; the node logs each as a decision on chain before it answers.
   *
   * @param inputs JSON objects of feature values (one decision each, all under one batch root)
   * @param keepInput whether the chain may keep the inputs themselves (otherwise only their digests)
   * @param requester the asking identity to record, or null
   */
  public Responses.Predictions predict(String modelId, List<String> inputs, boolean keepInput, String requester) {
    ObjectNode body = MAPPER.createObjectNode().put("keepInput", keepInput);
    if (requester != null) {
      body.put("requester", requester);
    }
    var arr = body.putArray("inputs");
    for (String in : inputs) {
      try {
        arr.add(MAPPER.readTree(in));
      } catch (IOException e) {
        throw new ClientException(400, "INVALID_INPUT", "the input is not JSON: " + in);
      }
    }
    JsonNode n = send(HttpRequest.newBuilder(URI.create(base + "/v1/models/" + modelId + "/predict")).timeout(timeout)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    List<Responses.Prediction> out = new ArrayList<>();
    for (JsonNode d : n.path("decisions")) {
      out.add(new Responses.Prediction(d.path("decisionId").asText(), d.path("output").toString(), d.path("inputSha256").asText(),
          attributions(d.path("attributions"))));
    }
    return new Responses.Predictions(n.path("modelId").asText(), n.path("txId").asText(), n.path("height").asLong(),
        n.path("batchRoot").asText(), out);
  }

  /** A logged decision with its proof in its batch ({@code GET /v1/decisions/{id}}). */
  public Responses.Decision decision(String id) {
    org.veriflow.protocol.http.Decision d = read(get("/v1/decisions/" + id), org.veriflow.protocol.http.Decision.class);
    List<Responses.FeatureAttribution> attributions = d.attributions().stream()
        .map(a -> new Responses.FeatureAttribution(a.feature(), a.value(), a.attribution())).toList();
    return new Responses.Decision(d.decisionId(), d.modelId(), d.modelSha256(), d.inputSha256(), Optional.ofNullable(d.input()), d.output(),
        attributions, d.requester(), d.requestId(), d.agent(), d.txId(), d.height(), d.index(), d.batchSize(), d.batchRoot(),
        Base64.getDecoder().decode(d.decision()), d.proof());
  }

  /**
   * Checks a decision's place on the record: its bytes hash to its id (the RFC 6962 leaf hash), the
   * fields shown are the ones in those bytes, its inclusion proof leads to its batch root, the
   * logging transaction carries exactly those bytes at that index and its leaves give that root,
   * and the transaction is in the orderer-signed log.
   *
   * @throws ProofException naming the first link that fails
   */
  public Responses.Decision verifyDecision(String id) throws ProofException {
    Responses.Decision d = decision(id);
    org.veriflow.core.crypto.Hash leaf = org.veriflow.core.merkle.MerkleHashes.leafHash(d.decisionBytes());
    if (!leaf.hex().equals(d.decisionId())) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.PAYLOAD_HASH_MISMATCH, "the decision's bytes do not hash to its id " + d.decisionId());
    }
    org.veriflow.protocol.proto.decisions.Decision signed;
    try {
      signed = org.veriflow.protocol.proto.decisions.Decision.parseFrom(d.decisionBytes());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.MALFORMED_PAYLOAD, "the decision's bytes do not decode");
    }
    if (!signed.getModelId().equals(d.modelId()) || !Hex.encode(signed.getModelSha256().toByteArray()).equals(d.modelSha256())
        || !Hex.encode(signed.getInputSha256().toByteArray()).equals(d.inputSha256())
        || !signed.getOutput().toStringUtf8().equals(d.output())
        || !d.input().map(i -> i.equals(signed.getInput().toStringUtf8())).orElse(signed.getInput().isEmpty())) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.CONTENT_MISMATCH, "the decision shown differs from the logged bytes");
    }
    List<org.veriflow.core.crypto.Hash> proof = d.proof().stream().map(org.veriflow.core.crypto.Hash::fromHex).toList();
    org.veriflow.core.merkle.MerkleVerifier.verifyInclusion(d.index(), d.batchSize(), leaf, proof, org.veriflow.core.crypto.Hash.fromHex(d.batchRoot()));
    try {
      org.veriflow.protocol.proto.decisions.LogDecisions batch = org.veriflow.protocol.proto.decisions.LogDecisions.parseFrom(
          callArguments(d.txId(), "decisions", "log"));
      if (batch.getDecisionsCount() != d.batchSize() || !java.util.Arrays.equals(batch.getDecisions(d.index()).toByteArray(), d.decisionBytes())) {
        throw new ProofException(org.veriflow.core.merkle.ProofFailure.TX_NOT_IN_BATCH, "transaction " + d.txId() + " does not carry the decision at index " + d.index());
      }
      org.veriflow.core.merkle.MerkleTree tree = new org.veriflow.core.merkle.MerkleTree();
      for (com.google.protobuf.ByteString b : batch.getDecisionsList()) {
        tree.append(org.veriflow.core.merkle.MerkleHashes.leafHash(b.toByteArray()));
      }
      if (!tree.root().hex().equals(d.batchRoot())) {
        throw new ProofException(org.veriflow.core.merkle.ProofFailure.BATCH_ROOT_MISMATCH, "the batch's decisions give root " + tree.root().hex() + ", not " + d.batchRoot());
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException | IndexOutOfBoundsException e) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.UNEXPECTED_CALL, "transaction " + d.txId() + " is not a batch of decisions");
    }
    Responses.TxInfo info = verifyInclusion(d.txId());
    if (!info.committed()) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.TX_NOT_COMMITTED, "transaction " + d.txId() + " is " + info.status() + ", its decisions were not logged");
    }
    return d;
  }

  private static List<Responses.FeatureAttribution> attributions(JsonNode arr) {
    List<Responses.FeatureAttribution> out = new ArrayList<>();
    arr.forEach(a -> out.add(new Responses.FeatureAttribution(a.path("feature").asText(), a.path("value").asDouble(), a.path("attribution").asDouble())));
    return out;
  }

  // ------------------------------------------------------------ streams

  /**
   * A stream's record with its schema and devices ({@code GET /v1/streams/{id}}).
   *
   * @param id the stream's id
   * @return the stream
   * @throws ClientException {@code UNKNOWN_STREAM} if there is none
   */
  public Responses.Stream stream(String id) {
    Stream st = read(get("/v1/streams/" + id), Stream.class);
    List<Responses.Field> fields = st.fields().stream()
        .map(f -> new Responses.Field(f.name(), f.unit(), f.min(), f.max(), f.decimals())).toList();
    List<Responses.Device> devices = st.devices().stream()
        .map(d -> new Responses.Device(d.deviceId(), d.name(), d.algorithm(), d.publicKey(), d.status(), d.lastSequence())).toList();
    return new Responses.Stream(st.streamId(), st.owner(), st.description(), fields, st.samplingIntervalMillis(), st.timeWindowMillis(), devices);
  }

  /**
   * Legal readings of {@code stream} with {@code from <= time < to}, optionally of one device
   * ({@code null}: all), in time order; {@code cursor} is a previous page's {@code next}.
   */
  public Responses.ReadingPage readings(String stream, String device, long fromMillis, long toMillis, int limit, String cursor) {
    StringBuilder q = new StringBuilder("/v1/streams/" + stream + "/readings?from=" + fromMillis + "&to=" + toMillis + "&limit=" + limit);
    if (device != null) {
      q.append("&device=").append(device);
    }
    if (cursor != null) {
      q.append("&cursor=").append(cursor);
    }
    ReadingPage page = read(get(q.toString()), ReadingPage.class);
    return new Responses.ReadingPage(page.readings().stream().map(VeriflowClient::storedReading).toList(), Optional.ofNullable(page.next()));
  }

  private static Responses.StoredReading storedReading(Reading r) {
    return new Responses.StoredReading(r.digest(), r.deviceId(), r.sequence(), r.timestamp(), r.values(), r.txId(), r.index(), r.height());
  }

  /**
   * A stream's readings by verdict, per device and in total ({@code GET /v1/streams/{id}/stats}).
   *
   * @param stream the stream's id
   * @return the counts
   * @throws ClientException {@code UNKNOWN_STREAM} if there is none
   */
  public Responses.StreamStats streamStats(String stream) {
    StreamStats st = read(get("/v1/streams/" + stream + "/stats"), StreamStats.class);
    java.util.Map<String, java.util.Map<String, Long>> devices = new java.util.TreeMap<>(st.devices());
    return new Responses.StreamStats(devices, new java.util.TreeMap<>(st.totals()));
  }

  /**
   * A snapshot's on-chain record ({@code GET /v1/snapshots/{id}}).
   *
   * @param id the snapshot's id
   * @return the snapshot
   * @throws ClientException {@code UNKNOWN_SNAPSHOT} if there is none
   */
  public Responses.Snapshot snapshot(String id) {
    Snapshot sn = read(get("/v1/snapshots/" + id), Snapshot.class);
    return new Responses.Snapshot(sn.snapshotId(), sn.streamId(), sn.from(), sn.to(), sn.title(), sn.rowCount(), sn.csvSha256(),
        sn.readingsRoot(), sn.creator(), sn.height());
  }

  /**
   * Checks a legal reading end to end: its bytes hash to {@code digest}, its device signed them, the
   * batch transaction at its place carries exactly those bytes, and that transaction is in the log
   * recorded by its block's orderer-signed header.
   *
   * @throws ProofException if any link fails
   */
  public Responses.StoredReading verifyReading(String digestHex) throws ProofException {
    String digest = digestHex.toLowerCase(java.util.Locale.ROOT);
    Reading r = read(get("/v1/readings/" + digest), Reading.class);
    Responses.StoredReading stored = storedReading(r);
    byte[] bytes = Base64.getDecoder().decode(r.reading() == null ? "" : r.reading());
    byte[] signature = Base64.getDecoder().decode(r.signature() == null ? "" : r.signature());
    if (!org.veriflow.core.crypto.Hash.sha256(bytes).hex().equals(digest)) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.PAYLOAD_HASH_MISMATCH, "the reading's bytes do not hash to " + digest);
    }
    org.veriflow.protocol.proto.streams.Reading reading;
    try {
      reading = org.veriflow.protocol.proto.streams.Reading.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.MALFORMED_PAYLOAD, "the reading's bytes do not decode");
    }
    if (!reading.getDeviceId().equals(stored.deviceId()) || reading.getSequence() != stored.sequence()
        || reading.getTimestampMillis() != stored.timestamp() || !reading.getValuesList().equals(stored.values())) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.CONTENT_MISMATCH, "the stored reading differs from the signed one");
    }
    Responses.Device device = stream(reading.getStreamId()).devices().stream().filter(d -> d.deviceId().equals(reading.getDeviceId())).findFirst()
        .orElseThrow(() -> new ProofException(org.veriflow.core.merkle.ProofFailure.UNKNOWN_DEVICE, "device " + reading.getDeviceId() + " is not in the stream"));
    org.veriflow.core.crypto.PublicKey key = org.veriflow.core.crypto.PublicKey.decode(
        org.veriflow.core.crypto.SignatureAlgorithm.valueOf(device.algorithm()), org.veriflow.core.Hex.decode(device.publicKeyHex()));
    if (!key.id().value().equals(device.deviceId()) || !key.verify(bytes, signature).isValid()) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.SIGNATURE_INVALID, "the device's signature over the reading does not verify");
    }
    try {
      org.veriflow.protocol.proto.streams.SubmitReadings batch = org.veriflow.protocol.proto.streams.SubmitReadings.parseFrom(
          callArguments(stored.txId(), "streams", "submit"));
      if (stored.index() >= batch.getReadingsCount() || !java.util.Arrays.equals(batch.getReadings(stored.index()).getReading().toByteArray(), bytes)) {
        throw new ProofException(org.veriflow.core.merkle.ProofFailure.TX_NOT_IN_BATCH, "transaction " + stored.txId() + " does not carry the reading at index " + stored.index());
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.UNEXPECTED_CALL, "transaction " + stored.txId() + " is not a batch of readings");
    }
    verifyInclusion(stored.txId());
    return stored;
  }

  /**
   * Writes a snapshot's canonical CSV to {@code out} (from the chain's readings), recomputes its
   * SHA-256 and the RFC 6962 root over the readings' digests, and checks both and the row count
   * against the snapshot's on-chain record.
   *
   * @throws ProofException if anything differs (the file is still written, for inspection)
   */
  public Responses.SnapshotExport exportSnapshot(String snapshotId, java.nio.file.Path out) throws ProofException, IOException {
    Responses.Snapshot snap = snapshot(snapshotId);
    Responses.Stream stream = stream(snap.streamId());
    List<org.veriflow.protocol.proto.streams.FieldSpec> fields = new ArrayList<>();
    for (Responses.Field f : stream.fields()) {
      fields.add(org.veriflow.protocol.proto.streams.FieldSpec.newBuilder().setName(f.name()).setUnit(f.unit()).setMin(f.min()).setMax(f.max()).setDecimals(f.decimals()).build());
    }
    org.veriflow.protocol.streams.SnapshotFormat format = new org.veriflow.protocol.streams.SnapshotFormat(fields);
    try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(out, java.nio.charset.StandardCharsets.UTF_8)) {
      w.write(format.header());
      String cursor = null;
      do {
        Responses.ReadingPage page = readings(snap.streamId(), null, snap.from(), snap.to(), Limits.MAX_PAGE, cursor);
        for (Responses.StoredReading r : page.readings()) {
          if (r.height() >= snap.height()) {
            continue; // arrived with or after the snapshot: not part of it
          }
          w.write(format.add(org.veriflow.protocol.proto.streams.StoredReading.newBuilder()
              .setDigest(com.google.protobuf.ByteString.copyFrom(org.veriflow.core.Hex.decode(r.digest())))
              .setDeviceId(r.deviceId()).setSequence(r.sequence()).setTimestampMillis(r.timestamp()).addAllValues(r.values()).build()));
        }
        cursor = page.next().orElse(null);
      } while (cursor != null);
    }
    Responses.SnapshotExport export = new Responses.SnapshotExport(snap, format.rowCount(), format.csvSha256().hex(), format.readingsRoot().hex());
    if (export.rows() != snap.rowCount() || !export.csvSha256().equals(snap.csvSha256()) || !export.readingsRoot().equals(snap.readingsRoot())) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.SNAPSHOT_MISMATCH, "export of snapshot " + snapshotId + " gives " + export.rows()
          + " rows, CSV SHA-256 " + export.csvSha256() + ", readings root " + export.readingsRoot() + "; the chain records "
          + snap.rowCount() + ", " + snap.csvSha256() + ", " + snap.readingsRoot());
    }
    return export;
  }

  // ------------------------------------------------------------ blobs

  /**
   * Uploads a file to the node's blob store under its SHA-256, computed here first; the file is
   * streamed, never read whole into memory. Uploading a blob the node already has is harmless.
   *
   * @return the blob's hash
   * @throws ClientException {@code HASH_MISMATCH} if the file changed while it was sent, {@code
   *     TOO_LARGE} if it exceeds the node's limit, or {@code BAD_RESPONSE} if the node acknowledged
   *     another hash
   * @throws IOException if the file cannot be read
   */
  public org.veriflow.core.crypto.Hash putBlob(java.nio.file.Path file) throws IOException {
    java.security.MessageDigest md = org.veriflow.core.crypto.Hash.digest();
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) != -1) {
        md.update(buf, 0, n);
      }
    }
    org.veriflow.core.crypto.Hash hash = org.veriflow.core.crypto.Hash.of(md.digest());
    StoredBlob stored = read(send(HttpRequest.newBuilder(URI.create(base + "/v1/blobs/" + hash.hex()))
        .timeout(timeout)
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
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/blobs/" + expected.hex())).timeout(timeout).GET().build();
    HttpResponse<java.io.InputStream> r = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    try (java.io.InputStream body = r.body()) {
      if (r.statusCode() != 200) {
        String text = new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        JsonNode problem;
        try {
          problem = MAPPER.readTree(text);
        } catch (IOException e) {
          problem = MAPPER.createObjectNode();
        }
        throw new ClientException(r.statusCode(), problem.path("code").asText("HTTP_" + r.statusCode()), problem.path("detail").asText(text));
      }
      java.nio.file.Path target = out.toAbsolutePath();
      java.nio.file.Path temp = java.nio.file.Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
      boolean moved = false;
      try {
        java.security.MessageDigest md = org.veriflow.core.crypto.Hash.digest();
        try (java.io.OutputStream w = java.nio.file.Files.newOutputStream(temp)) {
          byte[] buf = new byte[64 * 1024];
          int n;
          while ((n = body.read(buf)) != -1) {
            md.update(buf, 0, n);
            w.write(buf, 0, n);
          }
        }
        org.veriflow.core.crypto.Hash got = org.veriflow.core.crypto.Hash.of(md.digest());
        if (!got.equals(expected)) {
          throw new ClientException(r.statusCode(), "HASH_MISMATCH", "the node sent bytes hashing to " + got.hex() + " for blob " + expected.hex());
        }
        java.nio.file.Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        moved = true;
      } finally {
        if (!moved) {
          java.nio.file.Files.deleteIfExists(temp);
        }
      }
    }
  }

  /**
   * The node's health ({@code GET /health}).
   *
   * @return its status ({@code UP} while it serves), chain id and height
   * @throws ClientException if the node cannot be reached or answers with an error
   */
  public Health health() {
    return read(get("/health"), Health.class);
  }

  // ------------------------------------------------------------ clusters

  /**
   * The node's view of its Raft cluster and its own head ({@code GET /v1/cluster}). A single node
   * answers with {@code clustered} false and role {@code SOLO}.
   */
  public Responses.ClusterInfo cluster() {
    JsonNode n = get("/v1/cluster");
    List<Responses.ClusterMember> members = new ArrayList<>();
    n.path("members").forEach(m -> members.add(new Responses.ClusterMember(m.path("id").asText(), m.path("raftAddress").asText(),
        m.path("apiUrl").asText())));
    List<Responses.ClusterFollower> followers = new ArrayList<>();
    n.path("followers").forEach(f -> followers.add(new Responses.ClusterFollower(f.path("id").asText(), f.path("matchIndex").asLong(),
        f.path("lastContactMillis").asLong())));
    return new Responses.ClusterInfo(n.path("clustered").asBoolean(), optionalText(n, "self"), n.path("role").asText(),
        optionalText(n, "leader"), n.path("term").asLong(), n.path("commitIndex").asLong(), n.path("appliedIndex").asLong(),
        n.path("logStartIndex").asLong(), members,
        followers, n.path("chainId").asText(), n.path("height").asLong(), n.path("blockHash").asText(), n.path("stateHash").asText());
  }

  /**
   * The node's signed checkpoint at {@code height} ({@code GET /v1/checkpoints/{height}}), unchecked:
   * call {@link Responses.SignedCheckpoint#verify()}.
   *
   * @throws IllegalArgumentException if {@code height} is negative
   * @throws ClientException with status 404 if the height is above the node's head, {@code
   *     BAD_RESPONSE} if the checkpoint or signature is not base64
   */
  public Responses.SignedCheckpoint checkpoint(long height) {
    if (height < 0) {
      throw new IllegalArgumentException("height must not be negative, not " + height);
    }
    return parseCheckpoint(get("/v1/checkpoints/" + height));
  }

  /** Like {@link #checkpoint(long)}, at the node's head ({@code GET /v1/checkpoints/latest}). */
  public Responses.SignedCheckpoint checkpointLatest() {
    return parseCheckpoint(get("/v1/checkpoints/latest"));
  }

  private static Responses.SignedCheckpoint parseCheckpoint(JsonNode n) {
    SignedCheckpoint c = read(n, SignedCheckpoint.class);
    byte[] checkpoint;
    byte[] signature;
    try {
      checkpoint = Base64.getDecoder().decode(c.checkpoint() == null ? "" : c.checkpoint());
      signature = Base64.getDecoder().decode(c.signature() == null ? "" : c.signature());
    } catch (IllegalArgumentException e) {
      throw new ClientException(200, "BAD_RESPONSE", "the node's checkpoint or signature is not base64");
    }
    CheckpointSigner s = c.signer() == null ? new CheckpointSigner("", "", "") : c.signer();
    return new Responses.SignedCheckpoint(c.chainId(), c.height(), c.blockHash(), c.stateHash(),
        new Responses.CheckpointSigner(s.id(), s.algorithm(), s.publicKey()), checkpoint, signature);
  }

  /** A text field that may be absent, null or empty: all three are empty. */
  private static Optional<String> optionalText(JsonNode n, String field) {
    return n.hasNonNull(field) && !n.get(field).asText().isEmpty() ? Optional.of(n.get(field).asText()) : Optional.empty();
  }

  // ------------------------------------------------------------ plumbing

  private JsonNode get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET().build());
  }

  private JsonNode send(HttpRequest request) {
    return check(exchange(request, HttpResponse.BodyHandlers.ofString()));
  }

  /** Sends a request; a node that cannot be reached, or an interrupted wait, is a {@link ClientException}. */
  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request, body);
    } catch (IOException e) {
      throw new ClientException("cannot reach the node at " + base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException("interrupted while talking to " + base, e);
    }
  }

  private static JsonNode check(HttpResponse<String> r) {
    JsonNode n;
    try {
      n = MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new ClientException(r.statusCode(), "BAD_RESPONSE", "the node answered " + r.statusCode() + " with a body that is not JSON");
    }
    if (r.statusCode() >= 400) {
      throw new ClientException(r.statusCode(), n.path("code").asText("HTTP_" + r.statusCode()), n.path("detail").asText(r.body()));
    }
    return n;
  }

  private static Responses.TxInfo parseTx(JsonNode n) {
    return txInfo(read(n, TxStatusAnswer.class));
  }

  private static Responses.TxInfo txInfo(TxStatusAnswer a) {
    // A batch entry that did not decode carries no id: shown as empty, as the node gave none.
    return new Responses.TxInfo(a.id() == null ? "" : a.id(), a.status(), Optional.ofNullable(a.height()), Optional.ofNullable(a.code()),
        Optional.ofNullable(a.message()), Optional.empty());
  }

  private static Responses.TxInfo txInfo(Transaction t) {
    Optional<Responses.InclusionProof> proof = Optional.ofNullable(t.proof())
        .map(p -> new Responses.InclusionProof(p.leafIndex(), p.logSize(), p.blockHeight(), p.hashes()));
    return new Responses.TxInfo(t.id(), t.status(), Optional.ofNullable(t.height()), Optional.ofNullable(t.code()),
        Optional.ofNullable(t.message()), proof);
  }

  private static Responses.BlockInfo parseBlock(JsonNode n) {
    Block b = read(n, Block.class);
    List<Responses.BlockSignature> sigs = b.signatures().stream()
        .map(s -> new Responses.BlockSignature(s.publicKey(), s.algorithm(), s.signature())).toList();
    return new Responses.BlockInfo(b.height(), text(b.hash()), text(b.previousHash()), b.timestamp(), b.logSize(), text(b.logRoot()),
        text(b.stateHash()), b.txCount(), text(b.header()), b.transactions(), sigs);
  }

  /** A required text field a node left out reads as empty, as every field read before records did. */
  private static String text(String s) {
    return s == null ? "" : s;
  }

  private static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(h -> out.add(h.asText()));
    return out;
  }

  // ------------------------------------------------------------ audits: signed readings, transaction bytes, whole model records

  /**
   * Like {@link #readings} for all devices, but each reading also carries the bytes its device signed
   * and the signature, as its batch transaction holds them ({@code signed=true}), so that a whole
   * snapshot can be checked offline without one request per reading. Nothing is checked here: the
   * caller hashes the bytes, verifies the signature and compares the batch transaction.
   */
  public Responses.SignedReadingPage signedReadings(String stream, long fromMillis, long toMillis, int limit, String cursor) {
    StringBuilder q = new StringBuilder("/v1/streams/" + stream + "/readings?signed=true&from=" + fromMillis + "&to=" + toMillis + "&limit=" + limit);
    if (cursor != null) {
      q.append("&cursor=").append(cursor);
    }
    ReadingPage page = read(get(q.toString()), ReadingPage.class);
    Base64.Decoder b64 = Base64.getDecoder();
    List<Responses.SignedReading> out = new ArrayList<>();
    for (Reading r : page.readings()) {
      out.add(new Responses.SignedReading(storedReading(r), b64.decode(r.reading() == null ? "" : r.reading()),
          b64.decode(r.signature() == null ? "" : r.signature())));
    }
    return new Responses.SignedReadingPage(out, Optional.ofNullable(page.next()));
  }

  /**
   * A transaction in a block: its state and inclusion proof (as {@link #transaction}) with its payload
   * and signature exactly as the node keeps them, in one request. Nothing is checked: the caller
   * compares SHA-256 of the payload with {@code id} and checks the proof (see {@link ProofChecks}).
   *
   * @throws ClientException {@code UNKNOWN_TRANSACTION} if the node knows nothing of it, {@code
   *     NOT_IN_BLOCK} if it is still pending
   */
  public Responses.TxBytes transactionBytes(String id) {
    Transaction t = read(get("/v1/transactions/" + id), Transaction.class);
    if (t.payload() == null || t.proof() == null) {
      throw new ClientException(404, "NOT_IN_BLOCK", "transaction " + id + " is " + t.status() + ", not in a block");
    }
    return new Responses.TxBytes(txInfo(t), Base64.getDecoder().decode(t.payload()), Base64.getDecoder().decode(t.signature()));
  }

  /**
   * A model's whole record ({@code GET /v1/models/{id}}): besides {@link #model}, the datasets' hashes,
   * the engine version, the loss curve's hash, the recipe bytes and, for each attestation, why the
   * validator's replay failed if it did.
   */
  public Responses.ModelDetail modelDetail(String id) {
    return parseModelDetail(get("/v1/models/" + id));
  }

  /** A page of every model record, in id order ({@code GET /v1/models}); {@code cursor} null for the first. */
  public Responses.ModelPage models(int limit, String cursor) {
    ModelPage page = read(get("/v1/models?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor)), ModelPage.class);
    return new Responses.ModelPage(page.models().stream().map(VeriflowClient::modelDetail).toList(), Optional.ofNullable(page.next()));
  }

  private static Responses.ModelDetail parseModelDetail(JsonNode n) {
    return modelDetail(read(n, Model.class));
  }

  /** Maps one answer, so that the record is one consistent state. */
  private static Responses.ModelDetail modelDetail(Model m) {
    List<Responses.DatasetHashes> datasets = m.datasets().stream()
        .map(d -> new Responses.DatasetHashes(d.snapshotId(), d.csvSha256(), d.readingsRoot())).toList();
    List<Responses.AttestationDetail> attestations = m.attestations().stream()
        .map(a -> new Responses.AttestationDetail(a.validator(), a.artifactSha256(), a.match(), a.height(),
            Optional.ofNullable(a.failure()).filter(f -> !f.isEmpty()))).toList();
    List<String> snapshots = datasets.stream().map(Responses.DatasetHashes::snapshotId).toList();
    List<Responses.StageChange> history = m.history().stream()
        .map(c -> new Responses.StageChange(c.from(), c.to(), c.by(), c.height(), c.reason(), c.txId())).toList();
    List<Responses.Attestation> plain = attestations.stream()
        .map(a -> new Responses.Attestation(a.validator(), a.artifactSha256(), a.match(), a.height())).toList();
    Responses.Model model = new Responses.Model(m.modelId(), m.stage(), m.trainer(), m.recipeSha256(), m.artifactSha256(), snapshots,
        new java.util.TreeMap<>(m.metrics()), history, plain);
    return new Responses.ModelDetail(model, m.engineVersion(), m.lossCurveSha256(), m.registeredHeight(), datasets, attestations,
        m.recipe().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  // --- datasets

  /**
   * Dataset versions, every version of every dataset in key order, kept by the criteria given (null:
   * any): {@code tag} among its tags, owned by {@code owner}, with a schema column named {@code field}.
   *
   * @param limit at most this many per page (the node caps it)
   * @param cursor the previous page's {@code next}, or null for the first page
   */
  public Responses.DatasetPage datasets(String tag, String owner, String field, int limit, String cursor) {
    String q = query("tag", tag, "owner", owner, "field", field, "limit", limit > 0 ? Integer.toString(limit) : null, "cursor", cursor);
    DatasetPage page = read(get("/v1/datasets" + q), DatasetPage.class);
    return new Responses.DatasetPage(page.datasets().stream().map(VeriflowClient::datasetVersion).toList(), next(page.next()));
  }

  /** A dataset's latest version and the numbers of all its versions. */
  public Responses.Dataset dataset(String datasetId) {
    Dataset d = read(get("/v1/datasets/" + segment(datasetId)), Dataset.class);
    return new Responses.Dataset(datasetVersion(d.latest()), d.versions());
  }

  /** One version of a dataset. */
  public Responses.DatasetVersion datasetVersion(String datasetId, long version) {
    return datasetVersion(read(get("/v1/datasets/" + segment(datasetId) + "/versions/" + version), DatasetVersion.class));
  }

  /** The grants asked for a dataset version, in request order. */
  public Responses.GrantPage datasetGrants(String datasetId, long version, int limit, String cursor) {
    return parseGrantPage(get("/v1/datasets/" + segment(datasetId) + "/versions/" + version + "/grants" + page(limit, cursor)));
  }

  /** A grant; its id is the id of the {@code datasets.request} transaction. */
  public Responses.Grant grant(String grantId) {
    return grant(read(get("/v1/grants/" + segment(grantId)), Grant.class));
  }

  /** The grants an identity asked for, in request order. */
  public Responses.GrantPage identityGrants(String identityId, int limit, String cursor) {
    return parseGrantPage(get("/v1/identities/" + segment(identityId) + "/grants" + page(limit, cursor)));
  }

  /** The access log of a dataset version, oldest first. */
  public Responses.AccessPage datasetAccesses(String datasetId, long version, int limit, String cursor) {
    return parseAccessPage(get("/v1/datasets/" + segment(datasetId) + "/versions/" + version + "/accesses" + page(limit, cursor)));
  }

  /** The accesses made under an identity's grants, oldest first. */
  public Responses.AccessPage identityAccesses(String identityId, int limit, String cursor) {
    return parseAccessPage(get("/v1/identities/" + segment(identityId) + "/accesses" + page(limit, cursor)));
  }

  /**
   * Asks the version's custodian node to release a grant's data key, wrapped for the grantee's
   * encryption key. The request is signed by {@code grantee} (RFC 9421 subset, see {@link
   * org.veriflow.core.crypto.RequestSignature}) and bound to the version's ciphertext hash. The node
   * records the release on chain (and pays the owner at the first one) before it answers.
   *
   * @throws ClientException with the node's code: {@code NOT_CUSTODIAN}, {@code GRANT_NOT_ACTIVE},
   *     {@code GRANT_EXPIRED}, {@code READS_EXHAUSTED}, {@code DATASET_ERASED}, {@code
   *     NO_ENCRYPTION_KEY}, {@code BLOB_MISMATCH}, {@code FOREIGN_SIGNER}, {@code SIGNATURE_*}, ...
   */
  public Responses.KeyRelease releaseKey(String grantId, org.veriflow.core.crypto.SigningKey grantee,
      org.veriflow.core.crypto.Hash ciphertext) {
    String path = "/v1/grants/" + segment(grantId) + "/key";
    HttpRequest request = signed(path, "POST", grantee, ciphertext).POST(HttpRequest.BodyPublishers.noBody()).build();
    KeyRelease k = read(send(request), KeyRelease.class);
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
   * @return SHA-256 of the bytes written
   * @throws ClientException with the node's code when it refuses (nothing is written to {@code out})
   * @throws IOException if {@code out} cannot be written
   */
  public org.veriflow.core.crypto.Hash downloadCiphertext(String grantId, org.veriflow.core.crypto.SigningKey grantee,
      org.veriflow.core.crypto.Hash ciphertext, java.nio.file.Path out) throws IOException {
    String path = "/v1/grants/" + segment(grantId) + "/ciphertext";
    HttpRequest request = signed(path, "GET", grantee, ciphertext).GET().build();
    HttpResponse<java.io.InputStream> r = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    try (java.io.InputStream body = r.body()) {
      if (r.statusCode() != 200) {
        throw problem(r.statusCode(), new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
      java.nio.file.Path target = out.toAbsolutePath();
      java.nio.file.Path temp = java.nio.file.Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
      boolean moved = false;
      try {
        java.security.MessageDigest md = org.veriflow.core.crypto.Hash.digest();
        try (java.io.OutputStream w = java.nio.file.Files.newOutputStream(temp)) {
          byte[] buf = new byte[64 * 1024];
          int n;
          while ((n = body.read(buf)) != -1) {
            md.update(buf, 0, n);
            w.write(buf, 0, n);
          }
        }
        java.nio.file.Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        moved = true;
        return org.veriflow.core.crypto.Hash.of(md.digest());
      } finally {
        if (!moved) {
          java.nio.file.Files.deleteIfExists(temp);
        }
      }
    }
  }

  private static final java.security.SecureRandom NONCES = new java.security.SecureRandom();

  /** A request signed by {@code key} now, with a fresh nonce, asking for the blob {@code blob}. */
  private HttpRequest.Builder signed(String path, String method, org.veriflow.core.crypto.SigningKey key, org.veriflow.core.crypto.Hash blob) {
    URI uri = URI.create(base + path);
    byte[] nonce = new byte[16];
    NONCES.nextBytes(nonce);
    org.veriflow.core.crypto.RequestSignature sig = org.veriflow.core.crypto.RequestSignature.sign(key, method, uri.getRawPath(), "", blob,
        java.time.Instant.now().getEpochSecond(), nonce);
    return HttpRequest.newBuilder(uri).timeout(timeout)
        .header(org.veriflow.core.crypto.RequestSignature.BLOB_HEADER, blob.hex())
        .header("Signature-Input", sig.signatureInput())
        .header("Signature", sig.signatureHeader());
  }

  private static ClientException problem(int status, String text) {
    JsonNode problem;
    try {
      problem = MAPPER.readTree(text);
    } catch (IOException e) {
      problem = MAPPER.createObjectNode();
    }
    if (problem == null) {
      problem = MAPPER.createObjectNode();
    }
    return new ClientException(status, problem.path("code").asText("HTTP_" + status), problem.path("detail").asText(text));
  }

  /** A path segment: ids are plain, but a stray '/' or '?' must not change the route. */
  private static String segment(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String page(int limit, String cursor) {
    return query("limit", limit > 0 ? Integer.toString(limit) : null, "cursor", cursor);
  }

  /** {@code ?k=v&...} over the pairs whose value is not null, or empty. */
  private static String query(String... pairs) {
    StringBuilder q = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        q.append(q.length() == 0 ? '?' : '&').append(pairs[i]).append('=')
            .append(java.net.URLEncoder.encode(pairs[i + 1], java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return q.toString();
  }

  private static Optional<String> next(String next) {
    return Optional.ofNullable(next).filter(c -> !c.isEmpty());
  }

  private static List<Responses.StatusChange> changes(List<StatusChange> changes) {
    return changes.stream().map(c -> new Responses.StatusChange(c.from(), c.to(), c.by(), c.height(), c.reason(), c.txId())).toList();
  }

  private static Responses.DatasetVersion datasetVersion(DatasetVersion n) {
    List<Responses.Column> schema = n.schema().stream().map(c -> new Responses.Column(c.name(), c.type())).toList();
    DatasetPolicy p = n.policy();
    Responses.Policy policy = new Responses.Policy(p.identities(), p.organisations(), p.roles(), p.purposes(), p.expiryHeight(),
        p.expiryMillis(), p.price(), p.maxReads(), p.autoGrant());
    DatasetQuality q = n.quality();
    List<Responses.LabelCount> labels = q.labelBalance().stream().map(l -> new Responses.LabelCount(l.label(), l.count())).toList();
    Responses.Quality quality = new Responses.Quality(q.rows(), q.columns(), q.missing(), q.duplicates(), q.outliers(), labels,
        q.illegalReadingRate());
    return new Responses.DatasetVersion(n.datasetId(), n.version(), n.owner(), n.status(), n.title(), n.description(), n.tags(), schema,
        n.licence(), policy, n.plaintextSha256(), n.ciphertextSha256(), n.plaintextBytes(), n.ciphertextBytes(), n.snapshotId(),
        n.readingsRoot(), n.custodian(), n.custodyKey(), quality, n.qualityReportSha256(), n.previousVersion(), n.nextVersion(),
        n.publishedHeight(), n.publishedMillis(), changes(n.history()));
  }

  private static Responses.Grant grant(Grant n) {
    return new Responses.Grant(n.grantId(), n.datasetId(), n.version(), n.grantee(), n.purpose(), n.status(), n.sequence(),
        n.requestedHeight(), n.requestedMillis(), n.price(), n.maxReads(), n.expiryHeight(), n.expiryMillis(), n.reads(), n.paid(),
        n.escrowed(), changes(n.history()));
  }

  private static Responses.GrantPage parseGrantPage(JsonNode n) {
    GrantPage page = read(n, GrantPage.class);
    return new Responses.GrantPage(page.grants().stream().map(VeriflowClient::grant).toList(), next(page.next()));
  }

  private static Responses.AccessPage parseAccessPage(JsonNode n) {
    AccessPage page = read(n, AccessPage.class);
    List<Responses.Access> out = page.accesses().stream().map(a -> new Responses.Access(a.grantId(), a.grantee(), a.datasetId(),
        a.version(), a.kind(), a.purpose(), a.height(), a.timestampMillis(), a.txId(), a.custodian(), a.sequence(),
        a.granteeEncryptionKey(), a.wrappedKeySha256(), a.paid())).toList();
    return new Responses.AccessPage(out, next(page.next()));
  }

  // ------------------------------------------------------------ compute-to-data

  /**
   * Asks the custodian of a compute-only grant's dataset version to train {@code recipeJson} on the
   * data itself and register the model as {@code modelId} with the node's own key; the grantee
   * never receives the data or its key. The request is signed by {@code grantee} as {@link
   * #releaseKey} (bound to the version's ciphertext hash), and its query {@code body=<SHA-256 of
   * the body>} binds the model id and the recipe to the signature. The recipe's {@code
   * data.reference} must be {@code dataset:<id>/<version>} and its {@code data.sha256} the version's
   * plaintext hash. The node answers once the model's registration is committed.
   *
   * @param wait how long to wait for the answer (training included)
   * @throws ClientException with the node's code: {@code NOT_COMPUTE_GRANT}, {@code
   *     DATA_REFERENCE_MISMATCH}, {@code INVALID_RECIPE}, {@code MODEL_EXISTS}, {@code
   *     TRAINING_FAILED}, {@code READS_EXHAUSTED}, {@code GRANT_NOT_ACTIVE}, {@code SIGNATURE_*}, ...
   */
  public Responses.ComputeResult compute(String grantId, String modelId, String recipeJson, org.veriflow.core.crypto.SigningKey grantee,
      org.veriflow.core.crypto.Hash ciphertext, Duration wait) {
    com.fasterxml.jackson.databind.node.ObjectNode body = MAPPER.createObjectNode().put("modelId", modelId);
    try {
      body.set("recipe", MAPPER.readTree(recipeJson));
    } catch (IOException e) {
      throw new IllegalArgumentException("the recipe is not JSON: " + e.getMessage(), e);
    }
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise a compute request", e);
    }
    String query = "body=" + org.veriflow.core.crypto.Hash.sha256(bytes).hex();
    URI uri = URI.create(base + "/v1/grants/" + segment(grantId) + "/compute?" + query);
    byte[] nonce = new byte[16];
    NONCES.nextBytes(nonce);
    org.veriflow.core.crypto.RequestSignature sig = org.veriflow.core.crypto.RequestSignature.sign(grantee, "POST", uri.getRawPath(), query,
        ciphertext, java.time.Instant.now().getEpochSecond(), nonce);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(wait)
        .header(org.veriflow.core.crypto.RequestSignature.BLOB_HEADER, ciphertext.hex())
        .header("Signature-Input", sig.signatureInput())
        .header("Signature", sig.signatureHeader())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    JsonNode n = send(request);
    java.util.SortedMap<String, Double> metrics = new java.util.TreeMap<>();
    n.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
    return new Responses.ComputeResult(n.path("grantId").asText(grantId), n.path("modelId").asText(), n.path("accessTx").asText(),
        n.path("accessHeight").asLong(), n.path("modelTx").asText(), n.path("modelHeight").asLong(), n.path("artifactSha256").asText(),
        n.path("lossCurveSha256").asText(), n.path("datasetId").asText(), n.path("version").asLong(), n.path("plaintextSha256").asText(),
        metrics);
  }
}
