package org.veriflow.contracts.decisions;

import static org.veriflow.protocol.decisions.DecisionsFailure.BAD_ARGUMENTS;
import static org.veriflow.protocol.decisions.DecisionsFailure.DECISION_EXISTS;
import static org.veriflow.protocol.decisions.DecisionsFailure.INPUT_DIGEST_MISMATCH;
import static org.veriflow.protocol.decisions.DecisionsFailure.MODEL_MISMATCH;
import static org.veriflow.protocol.decisions.DecisionsFailure.MODEL_NOT_SERVABLE;
import static org.veriflow.protocol.decisions.DecisionsFailure.NOT_AUTHORISED;
import static org.veriflow.protocol.decisions.DecisionsFailure.UNKNOWN_MODEL;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.veriflow.contracts.SystemContract;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.contracts.models.Models;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.merkle.MerkleHashes;
import org.veriflow.core.merkle.MerkleTree;
import org.veriflow.protocol.proto.decisions.Attribution;
import org.veriflow.protocol.proto.decisions.Decision;
import org.veriflow.protocol.proto.decisions.DecisionRecord;
import org.veriflow.protocol.proto.decisions.LogDecisions;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.protocol.Limits;

/**
 * The decisions contract: what a served model answered, to whom, on which input and with which
 * explanation, logged by the agent that served it (DESIGN.md, "Decisions").
 *
 * <p>{@code log} takes 1 to {@value #MAX_BATCH} serialised {@link Decision}s from any active identity
 * (the agent). A decision's id is its RFC 6962 leaf hash, {@code SHA-256(0x00 || bytes)} (RFC 6962
 * section 2.1), over its bytes exactly as carried in the batch: they are never re-serialised. The
 * batch's leaves, in order, form an RFC 6962 tree whose root is the transaction's output; a client
 * holding the root proves any one decision's place in the batch with an inclusion proof.
 *
 * <p>Each decision must name a model that exists ({@code UNKNOWN_MODEL}), is {@code VERIFIED} or
 * {@code APPROVED} ({@code MODEL_NOT_SERVABLE}) and whose recorded artifact is the decision's {@code
 * model_sha256} ({@code MODEL_MISMATCH}); a kept input must hash to its {@code input_sha256} ({@code
 * INPUT_DIGEST_MISMATCH}); and its id must be new, both on chain and within the batch ({@code
 * DECISION_EXISTS}). The first failing decision fails the whole transaction, which then stores
 * nothing. Arguments that do not decode or break a size rule are rejected at admission with {@code
 * BAD_ARGUMENTS}, naming the decision's index. The digest and uniqueness checks run at execution
 * rather than decoding, so that their own codes reach the client (a decoding failure is always
 * reported as {@code BAD_ARGUMENTS}).
 *
 * <p>Output: the batch root's 32 bytes. Event {@code decisions_logged}, whose data is the number of
 * decisions in the batch as a decimal string (UTF-8).
 *
 * <p>State: {@code d/<id, lower-case hex>} → {@link DecisionRecord}.
 */
public final class Decisions extends SystemContract {
  public static final String NAME = "decisions";
  /** Most decisions in one {@code log}. */
  public static final int MAX_BATCH = Limits.DECISIONS_PER_BATCH;
  private static final int MAX_INPUT_BYTES = 16 * 1024;
  private static final int MAX_OUTPUT_BYTES = 4096;
  private static final int MAX_ATTRIBUTIONS = 256;
  private static final int MAX_REQUESTER_CHARS = 64;
  private static final int MAX_REQUEST_ID_CHARS = 64;

  public Decisions() {
    super(NAME, Map.of("log", new Log()));
  }

  static byte[] key(Hash id) {
    return ("d/" + id.hex()).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The id of a decision: its RFC 6962 leaf hash, {@code SHA-256(0x00 || decisionBytes)}, over the
   * serialised bytes exactly as logged.
   */
  public static Hash decisionId(byte[] decisionBytes) {
    return MerkleHashes.leafHash(decisionBytes);
  }

  /**
   * A logged decision's record.
   *
   * @param state the decisions namespace
   * @param idHex the decision id, 64 hex characters in either case
   * @throws IllegalArgumentException if {@code idHex} is not 64 hex characters
   */
  public static Optional<DecisionRecord> find(StateView state, String idHex) {
    return state.get(key(Hash.fromHex(idHex))).map(b -> parseStored(DecisionRecord.parser(), b));
  }

  /** One decision of a batch: its bytes as carried, what they decode to, and its id. */
  record Entry(ByteString bytes, Decision decision, Hash id) {}

  /** Decoded arguments of {@code log}, in batch order. */
  record Batch(List<Entry> entries) {
    Batch {
      entries = List.copyOf(entries);
    }
  }

  private static ContractException bad(int index, String message) {
    return new ContractException(BAD_ARGUMENTS, "decision " + index + ": " + message);
  }

  private static Decision decodeOne(int index, ByteString bytes) throws ContractException {
    Decision d;
    try {
      d = Decision.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw bad(index, "does not decode as a Decision message");
    }
    try {
      requireId(d.getModelId(), "model", BAD_ARGUMENTS);
      requireHash(d.getModelSha256(), "model hash", BAD_ARGUMENTS);
      requireHash(d.getInputSha256(), "input hash", BAD_ARGUMENTS);
    } catch (ContractException e) {
      throw bad(index, e.getMessage());
    }
    if (d.getInput().size() > MAX_INPUT_BYTES) {
      throw bad(index, "the input holds " + d.getInput().size() + " bytes, more than " + MAX_INPUT_BYTES);
    }
    if (d.getOutput().isEmpty() || d.getOutput().size() > MAX_OUTPUT_BYTES) {
      throw bad(index, "the output must hold 1 to " + MAX_OUTPUT_BYTES + " bytes, not " + d.getOutput().size());
    }
    if (d.getAttributionsCount() > MAX_ATTRIBUTIONS) {
      throw bad(index, "at most " + MAX_ATTRIBUTIONS + " attributions, not " + d.getAttributionsCount());
    }
    for (int i = 0; i < d.getAttributionsCount(); i++) {
      Attribution a = d.getAttributions(i);
      if (a.getFeature().isEmpty()) {
        throw bad(index, "attribution " + i + " names no feature");
      }
      if (!Double.isFinite(a.getValue()) || !Double.isFinite(a.getAttribution())) {
        throw bad(index, "attribution of feature " + a.getFeature() + " is not finite");
      }
    }
    if (d.getRequester().length() > MAX_REQUESTER_CHARS) {
      throw bad(index, "the requester is longer than " + MAX_REQUESTER_CHARS + " characters");
    }
    if (d.getRequestId().isEmpty() || d.getRequestId().length() > MAX_REQUEST_ID_CHARS) {
      throw bad(index, "the request id must be 1 to " + MAX_REQUEST_ID_CHARS + " characters");
    }
    return d;
  }

  // ------------------------------------------------------------------ log

  static final class Log implements ContractMethod<Batch> {
    @Override
    public Batch decode(byte[] arguments) throws ContractException {
      LogDecisions m = parse(LogDecisions.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      if (m.getDecisionsCount() == 0 || m.getDecisionsCount() > MAX_BATCH) {
        throw new ContractException(BAD_ARGUMENTS, "a batch holds 1 to " + MAX_BATCH + " decisions, not " + m.getDecisionsCount());
      }
      List<Entry> entries = new ArrayList<>(m.getDecisionsCount());
      for (int i = 0; i < m.getDecisionsCount(); i++) {
        ByteString bytes = m.getDecisions(i);
        entries.add(new Entry(bytes, decodeOne(i, bytes), decisionId(bytes.toByteArray())));
      }
      return new Batch(entries);
    }

    @Override
    public void authorise(ContractContext ctx, Batch args) throws ContractException {
      Identities.activeSender(ctx, NOT_AUTHORISED);
    }

    @Override
    public void execute(ExecutionContext ctx, Batch args) throws ContractException {
      StateView models = ctx.state(Models.NAME);
      // Both maps are only looked up, never iterated.
      TreeMap<String, ModelRecord> seenModels = new TreeMap<>();
      TreeMap<Hash, Integer> seenIds = new TreeMap<>();
      List<Hash> leaves = new ArrayList<>(args.entries().size());
      for (int i = 0; i < args.entries().size(); i++) {
        Entry e = args.entries().get(i);
        Decision d = e.decision();
        ModelRecord model = seenModels.get(d.getModelId());
        if (model == null) {
          model = Models.find(models, d.getModelId())
              .orElseThrow(() -> new ContractException(UNKNOWN_MODEL, "decision " + e.id() + " names unknown model " + d.getModelId()));
          seenModels.put(d.getModelId(), model);
        }
        if (model.getStage() != ModelStage.VERIFIED && model.getStage() != ModelStage.APPROVED) {
          throw new ContractException(MODEL_NOT_SERVABLE, "decision " + e.id() + ": model " + d.getModelId() + " is "
              + model.getStage() + "; only a VERIFIED or APPROVED model may serve decisions");
        }
        if (!d.getModelSha256().equals(model.getArtifactSha256())) {
          throw new ContractException(MODEL_MISMATCH, "decision " + e.id() + " was answered by model file "
              + Hash.of(d.getModelSha256().toByteArray()) + ", but model " + d.getModelId() + " records artifact "
              + Hash.of(model.getArtifactSha256().toByteArray()));
        }
        if (!d.getInput().isEmpty() && !Hash.sha256(d.getInput().toByteArray()).equals(Hash.of(d.getInputSha256().toByteArray()))) {
          throw new ContractException(INPUT_DIGEST_MISMATCH, "decision " + e.id() + ": the input kept does not hash to its input hash");
        }
        Integer first = seenIds.putIfAbsent(e.id(), i);
        if (first != null) {
          throw new ContractException(DECISION_EXISTS, "decision " + e.id() + " appears twice in the batch, at indexes " + first + " and " + i);
        }
        Optional<DecisionRecord> logged = find(ctx.state(), e.id().hex());
        if (logged.isPresent()) {
          throw new ContractException(DECISION_EXISTS, "decision " + e.id() + " was logged at height " + logged.get().getHeight());
        }
        leaves.add(e.id());
      }
      Hash root = MerkleTree.ofLeafHashes(leaves).root();
      ByteString rootBytes = ByteString.copyFrom(root.bytes());
      ByteString txId = ByteString.copyFrom(ctx.txId().bytes());
      for (int i = 0; i < args.entries().size(); i++) {
        Entry e = args.entries().get(i);
        DecisionRecord record = DecisionRecord.newBuilder()
            .setDecision(e.bytes())
            .setAgent(ctx.sender().value())
            .setTxId(txId)
            .setHeight(ctx.height())
            .setIndex(i)
            .setBatchSize(args.entries().size())
            .setBatchRoot(rootBytes)
            .build();
        ctx.put(key(e.id()), record.toByteArray());
      }
      ctx.output(root.bytes());
      ctx.emit("decisions_logged", Integer.toString(args.entries().size()).getBytes(StandardCharsets.UTF_8));
    }
  }
}
