package org.veriflow.client;

import static org.veriflow.client.Bodies.compact;
import static org.veriflow.client.Bodies.predictions;
import static org.veriflow.client.Bodies.parseModelDetail;
import static org.veriflow.client.Bodies.read;
import static org.veriflow.client.Bodies.write;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.veriflow.core.Hex;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.protocol.http.Model;
import org.veriflow.protocol.http.PredictAnswer;
import org.veriflow.protocol.http.PredictRequest;
import org.veriflow.protocol.http.ModelPage;

/**
 * A node's model registry and the decisions its models log: {@link VeriflowClient#models()}. It
 * shares its client's transport and is thread-safe like it.
 *
 * <p>Every method throws {@link ClientException} with the node's stable error code when the node
 * refuses a request, and with code {@code UNREACHABLE} when it cannot be reached.
 */
public final class ModelsClient {
  private final VeriflowClient chain;
  private final Http http;

  ModelsClient(VeriflowClient chain, Http http) {
    this.chain = chain;
    this.http = http;
  }

  /**
   * A model's record: provenance, stage, the history of its stages and its attestations ({@code GET
   * /v1/models/{id}}).
   *
   * @param id the model's id
   * @return the model
   * @throws ClientException {@code UNKNOWN_MODEL} if there is none
   */
  public Responses.Model model(String id) {
    return parseModelDetail(http.get("/v1/models/" + id)).model();
  }

  /**
   * A model's whole record ({@code GET /v1/models/{id}}): besides {@link #model}, the datasets' hashes,
   * the engine version, the loss curve's hash, the recipe bytes and, for each attestation, why the
   * validator's replay failed if it did.
   *
   * @param id the model's id
   * @return the model's whole record, from one answer
   * @throws ClientException {@code UNKNOWN_MODEL} if there is none
   */
  public Responses.ModelDetail modelDetail(String id) {
    return parseModelDetail(http.get("/v1/models/" + id));
  }

  /**
   * A page of every model record, in id order ({@code GET /v1/models}).
   *
   * @param limit at most this many per page (the node caps it)
   * @param cursor the previous page's {@code next}, or null for the first page
   * @return one page of whole records and the cursor of the next, if any
   * @throws ClientException if the node refuses or cannot be reached
   */
  public Responses.ModelPage models(int limit, String cursor) {
    ModelPage page = read(http.get("/v1/models?limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor)), ModelPage.class);
    return new Responses.ModelPage(page.models().stream().map(Bodies::modelDetail).toList(), Optional.ofNullable(page.next()));
  }

  /**
   * The canonical recipe bytes stored with a model, exactly as hashed on chain.
   *
   * @param id the model's id
   * @return the recipe's UTF-8 bytes
   * @throws ClientException {@code UNKNOWN_MODEL} if there is none
   */
  public byte[] modelRecipe(String id) {
    return read(http.get("/v1/models/" + id), Model.class).recipe().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Asks a verified model for answers; the node logs each as a decision on chain before it answers
   * ({@code POST /v1/models/{id}/predict}). The request is signed by {@code key}, whose identity is
   * recorded as each decision's requester; the node limits each identity's predictions and inputs
   * per minute.
   *
   * @param modelId the model's id
   * @param inputs JSON objects of feature values (one decision each, all under one batch root)
   * @param keepInput whether the chain may keep the inputs themselves (otherwise only their digests)
   * @param key the asking identity's key (a registered, active identity): it signs the request
   * @return the answers, with the logging transaction and the batch root
   * @throws ClientException {@code INVALID_INPUT} if an input is not JSON (nothing is sent) or the
   *     node refuses the inputs, {@code UNKNOWN_MODEL}, {@code RATE_LIMITED} if the identity asked
   *     too much in the last minute, {@code UNKNOWN_SIGNER} or {@code SIGNER_NOT_ACTIVE} for the
   *     key, {@code NOT_LOGGED} if the decisions were not committed in time, or the node's other code
   */
  public Responses.Predictions predict(String modelId, List<String> inputs, boolean keepInput, org.veriflow.core.crypto.SigningKey key) {
    List<String> texts = new ArrayList<>(inputs.size());
    for (String in : inputs) {
      try {
        texts.add(compact(in));
      } catch (IOException e) {
        throw new ClientException(400, "INVALID_INPUT", "the input is not JSON: " + in);
      }
    }
    byte[] body = write(new PredictRequest(keepInput, null, null, texts)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    JsonNode n = http.send(http.signed("/v1/models/" + modelId + "/predict", "POST", key, org.veriflow.core.crypto.Hash.sha256(body))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    return predictions(read(n, PredictAnswer.class));
  }

  /**
   * A logged decision with its proof in its batch ({@code GET /v1/decisions/{id}}), unchecked: see
   * {@link #verifyDecision}.
   *
   * @param id the decision's id
   * @return the decision, its bytes and its place in its batch
   * @throws ClientException {@code UNKNOWN_DECISION} if there is none
   */
  public Responses.Decision decision(String id) {
    org.veriflow.protocol.http.Decision d = read(http.get("/v1/decisions/" + id), org.veriflow.protocol.http.Decision.class);
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
   * and the transaction is in the orderer-signed log (checked as {@link
   * VeriflowClient#verifyInclusion(String)}).
   *
   * @param id the decision's id
   * @return the decision, checked
   * @throws ProofException naming the first link that fails
   * @throws ClientException {@code UNKNOWN_DECISION} if there is none
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
          chain.callArguments(d.txId(), "decisions", "log"));
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
    Responses.TxInfo info = chain.verifyInclusion(d.txId());
    if (!info.committed()) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.TX_NOT_COMMITTED, "transaction " + d.txId() + " is " + info.status() + ", its decisions were not logged");
    }
    return d;
  }
}
