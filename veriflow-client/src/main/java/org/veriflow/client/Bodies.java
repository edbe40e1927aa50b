package org.veriflow.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.veriflow.protocol.http.AccessPage;
import org.veriflow.protocol.http.BatchResults;
import org.veriflow.protocol.http.Block;
import org.veriflow.protocol.http.CheckpointSigner;
import org.veriflow.protocol.http.Cluster;
import org.veriflow.protocol.http.ComputeRequest;
import org.veriflow.protocol.http.ComputeResult;
import org.veriflow.protocol.http.DatasetPolicy;
import org.veriflow.protocol.http.DatasetQuality;
import org.veriflow.protocol.http.DatasetVersion;
import org.veriflow.protocol.http.Grant;
import org.veriflow.protocol.http.GrantPage;
import org.veriflow.protocol.http.FeatureAttribution;
import org.veriflow.protocol.http.Model;
import org.veriflow.protocol.http.PredictAnswer;
import org.veriflow.protocol.http.PredictRequest;
import org.veriflow.protocol.http.Predicted;
import org.veriflow.protocol.http.Problem;
import org.veriflow.protocol.http.Reading;
import org.veriflow.protocol.http.SignedCheckpoint;
import org.veriflow.protocol.http.StatusChange;
import org.veriflow.protocol.http.Transaction;
import org.veriflow.protocol.http.TxStatusAnswer;

/**
 * Reads a node's JSON bodies into the protocol's records ({@code org.veriflow.protocol.http}) and
 * maps those onto the SDK's {@link Responses} types; writes request bodies. Stateless, so
 * thread-safe.
 */
final class Bodies {
  /**
   * Reads the node's bodies into the protocol's records, as leniently as a node's answer allows:
   * fields a newer node adds are ignored, and an absent list reads as empty.
   */
  static final ObjectMapper MAPPER = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .addMixIn(Predicted.class, RawOutput.class)
      .addMixIn(PredictRequest.class, RawInputs.class)
      .addMixIn(ComputeRequest.class, RawRecipe.class);

  static {
    MAPPER.configOverride(List.class).setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY));
  }

  /** Writes request bodies as the node reads them: a null component (an optional field) left out. */
  private static final ObjectMapper WRITER = MAPPER.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private Bodies() {
  }

  /** A request body as JSON. */
  static String write(Object body) {
    try {
      return WRITER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a request body", e);
    }
  }

  /**
   * A JSON text as it goes on the wire inside a request: parsed and written compactly.
   *
   * @throws IOException if {@code json} is not JSON
   */
  static String compact(String json) throws IOException {
    return MAPPER.writeValueAsString(MAPPER.readTree(json));
  }

  /** A refusal's problem ({@code application/problem+json}), or empty if its body is not one. */
  static Optional<Problem> problem(JsonNode n) {
    if (n == null || !n.isObject()) {
      return Optional.empty();
    }
    try {
      return Optional.of(MAPPER.treeToValue(n, Problem.class));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Reads a node's answer into its record; an answer that does not fit is {@code BAD_RESPONSE}. */
  static <T> T read(JsonNode n, Class<T> type) {
    try {
      return MAPPER.treeToValue(n, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new ClientException(200, "BAD_RESPONSE", "the node's answer is not a " + type.getSimpleName() + ": " + e.getMessage());
    }
  }

  /** A required text field a node left out reads as empty, as every field read before records did. */
  static String text(String s) {
    return s == null ? "" : s;
  }

  /** A text field that may be absent, null or empty: all three are empty. */
  static Optional<String> optionalText(String s) {
    return Optional.ofNullable(s).filter(t -> !t.isEmpty());
  }

  /** A page's cursor: absent or empty is the last page. */
  static Optional<String> next(String next) {
    return Optional.ofNullable(next).filter(c -> !c.isEmpty());
  }

  // ------------------------------------------------------------ transactions, blocks, checkpoints

  static Responses.TxInfo parseTx(JsonNode n) {
    return txInfo(read(n, TxStatusAnswer.class));
  }

  static List<Responses.TxInfo> parseBatch(JsonNode n) {
    return read(n, BatchResults.class).results().stream().map(Bodies::txInfo).toList();
  }

  static Responses.TxInfo txInfo(TxStatusAnswer a) {
    // A batch entry that did not decode carries no id: shown as empty, as the node gave none.
    return new Responses.TxInfo(a.id() == null ? "" : a.id(), a.status(), Optional.ofNullable(a.height()), Optional.ofNullable(a.code()),
        Optional.ofNullable(a.message()), Optional.empty());
  }

  static Responses.TxInfo txInfo(Transaction t) {
    Optional<Responses.InclusionProof> proof = Optional.ofNullable(t.proof())
        .map(p -> new Responses.InclusionProof(p.leafIndex(), p.logSize(), p.blockHeight(), p.hashes()));
    return new Responses.TxInfo(t.id(), t.status(), Optional.ofNullable(t.height()), Optional.ofNullable(t.code()),
        Optional.ofNullable(t.message()), proof);
  }

  static Responses.BlockInfo parseBlock(JsonNode n) {
    Block b = read(n, Block.class);
    List<Responses.BlockSignature> sigs = b.signatures().stream()
        .map(s -> new Responses.BlockSignature(s.publicKey(), s.algorithm(), s.signature())).toList();
    return new Responses.BlockInfo(b.height(), text(b.hash()), text(b.previousHash()), b.timestamp(), b.logSize(), text(b.logRoot()),
        text(b.stateHash()), b.txCount(), text(b.header()), b.transactions(), sigs);
  }

  static Responses.SignedCheckpoint parseCheckpoint(JsonNode n) {
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

  // ------------------------------------------------------------ streams

  static Responses.StoredReading storedReading(Reading r) {
    return new Responses.StoredReading(r.digest(), r.deviceId(), r.sequence(), r.timestamp(), r.values(), r.txId(), r.index(), r.height());
  }

  // ------------------------------------------------------------ models and decisions

  static Responses.ModelDetail parseModelDetail(JsonNode n) {
    return modelDetail(read(n, Model.class));
  }

  /** Maps one answer, so that the record is one consistent state. */
  static Responses.ModelDetail modelDetail(Model m) {
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
        new TreeMap<>(m.metrics()), history, plain);
    return new Responses.ModelDetail(model, m.engineVersion(), m.lossCurveSha256(), m.registeredHeight(), datasets, attestations,
        m.recipe().getBytes(StandardCharsets.UTF_8), Optional.ofNullable(m.federatedTask()).filter(t -> !t.isEmpty()));
  }

  static List<Responses.FeatureAttribution> attributions(List<FeatureAttribution> attributions) {
    return attributions.stream().map(a -> new Responses.FeatureAttribution(text(a.feature()), a.value(), a.attribution())).toList();
  }

  static Responses.Predictions predictions(PredictAnswer a) {
    List<Responses.Prediction> out = a.decisions().stream().map(d -> new Responses.Prediction(text(d.decisionId()), text(d.output()),
        text(d.inputSha256()), attributions(d.attributions()))).toList();
    return new Responses.Predictions(text(a.modelId()), text(a.txId()), a.height(), text(a.batchRoot()), out);
  }

  static Responses.ComputeResult computeResult(ComputeResult c, String grantId) {
    return new Responses.ComputeResult(c.grantId() == null ? grantId : c.grantId(), text(c.modelId()), text(c.accessTx()), c.accessHeight(),
        text(c.modelTx()), c.modelHeight(), text(c.artifactSha256()), text(c.lossCurveSha256()), text(c.datasetId()), c.version(),
        text(c.plaintextSha256()), new TreeMap<>(c.metrics()));
  }

  // ------------------------------------------------------------ clusters

  static Responses.ClusterInfo cluster(Cluster c) {
    List<Responses.ClusterMember> members = c.members().stream()
        .map(m -> new Responses.ClusterMember(text(m.id()), text(m.raftAddress()), text(m.apiUrl()))).toList();
    List<Responses.ClusterFollower> followers = c.followers().stream()
        .map(f -> new Responses.ClusterFollower(text(f.id()), f.matchIndex(), f.lastContactMillis())).toList();
    return new Responses.ClusterInfo(c.clustered(), optionalText(c.self()), text(c.role()), optionalText(c.leader()), c.term(),
        c.commitIndex(), c.appliedIndex(), c.logStartIndex(), members, followers, text(c.chainId()), c.height(), text(c.blockHash()),
        text(c.stateHash()));
  }

  // ------------------------------------------------------------ JSON values held as text

  /** Reads any JSON value as its compact text. */
  static class JsonText extends JsonDeserializer<String> {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return p.readValueAsTree().toString();
    }
  }

  /** Writes a JSON value's text as the value itself. */
  static final class RawText extends JsonSerializer<String> {
    @Override
    public void serialize(String json, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeRawValue(json);
    }
  }

  /** {@code output} is a JSON value held as its text. */
  private interface RawOutput {
    @JsonRawValue
    @JsonDeserialize(using = JsonText.class)
    String output();
  }

  /** {@code input} and each of {@code inputs} are JSON values held as their text. */
  private interface RawInputs {
    @JsonRawValue
    @JsonDeserialize(using = JsonText.class)
    String input();

    @JsonSerialize(contentUsing = RawText.class)
    @JsonDeserialize(contentUsing = JsonText.class)
    List<String> inputs();
  }

  /** {@code recipe} is a JSON object held as its text. */
  private interface RawRecipe {
    @JsonRawValue
    @JsonDeserialize(using = JsonText.class)
    String recipe();
  }

  // ------------------------------------------------------------ datasets

  static List<Responses.StatusChange> changes(List<StatusChange> changes) {
    return changes.stream().map(c -> new Responses.StatusChange(c.from(), c.to(), c.by(), c.height(), c.reason(), c.txId())).toList();
  }

  static Responses.DatasetVersion datasetVersion(DatasetVersion n) {
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

  static Responses.Grant grant(Grant n) {
    return new Responses.Grant(n.grantId(), n.datasetId(), n.version(), n.grantee(), n.purpose(), n.status(), n.sequence(),
        n.requestedHeight(), n.requestedMillis(), n.price(), n.maxReads(), n.expiryHeight(), n.expiryMillis(), n.reads(), n.paid(),
        n.escrowed(), changes(n.history()));
  }

  static Responses.GrantPage parseGrantPage(JsonNode n) {
    GrantPage page = read(n, GrantPage.class);
    return new Responses.GrantPage(page.grants().stream().map(Bodies::grant).toList(), next(page.next()));
  }

  static Responses.AccessPage parseAccessPage(JsonNode n) {
    AccessPage page = read(n, AccessPage.class);
    List<Responses.Access> out = page.accesses().stream().map(a -> new Responses.Access(a.grantId(), a.grantee(), a.datasetId(),
        a.version(), a.kind(), a.purpose(), a.height(), a.timestampMillis(), a.txId(), a.custodian(), a.sequence(),
        a.granteeEncryptionKey(), a.wrappedKeySha256(), a.paid())).toList();
    return new Responses.AccessPage(out, next(page.next()));
  }
}
