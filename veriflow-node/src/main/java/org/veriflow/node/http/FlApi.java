package org.veriflow.node.http;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.contracts.fl.Fl;
import org.veriflow.contracts.fl.FlState;
import org.veriflow.core.Hex;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.http.FlAccepted;
import org.veriflow.protocol.http.FlAttestation;
import org.veriflow.protocol.http.FlContribution;
import org.veriflow.protocol.http.FlParticipant;
import org.veriflow.protocol.http.FlRejected;
import org.veriflow.protocol.http.FlRound;
import org.veriflow.protocol.http.FlRoundResult;
import org.veriflow.protocol.http.FlRounds;
import org.veriflow.protocol.http.FlTask;
import org.veriflow.protocol.http.FlTaskPage;
import org.veriflow.protocol.http.FlUpdate;
import org.veriflow.protocol.http.ModelDataset;
import org.veriflow.protocol.proto.fl.AcceptedUpdate;
import org.veriflow.protocol.proto.fl.Contribution;
import org.veriflow.protocol.proto.fl.CreateTask;
import org.veriflow.protocol.proto.fl.LocalMetric;
import org.veriflow.protocol.proto.fl.Participant;
import org.veriflow.protocol.proto.fl.RejectedUpdate;
import org.veriflow.protocol.proto.fl.RoundAttestation;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.RoundResult;
import org.veriflow.protocol.proto.fl.TaskRecord;
import org.veriflow.protocol.proto.fl.UpdateRecord;
import org.veriflow.protocol.proto.models.DatasetRef;

/**
 * HTTP queries over federated learning tasks and their rounds, read from the {@code fl} contract's
 * state: {@code t/<task id>} holds a TaskRecord, {@code r/<task id>/<round, 10 digits>} a RoundRecord.
 * Stateless and thread-safe.
 */
final class FlApi {
  /** The fl contract's namespace. */
  static final String NAMESPACE = Fl.NAME;
  /** Most tasks in one page of {@code GET /v1/fl/tasks}. */
  static final int MAX_PAGE = Limits.MAX_PAGE;
  /** The problem codes of a task or round that does not exist. */
  static final String UNKNOWN_TASK = "UNKNOWN_TASK";
  static final String UNKNOWN_ROUND = "UNKNOWN_ROUND";
  private static final byte[] TASK_PREFIX = "t/".getBytes(StandardCharsets.UTF_8);

  private final Ledger ledger;

  FlApi(Ledger ledger) {
    this.ledger = ledger;
  }

  void routes(Javalin app) {
    QueryParameters.get(app, "/v1/fl/tasks", this::list, "limit", "cursor");
    QueryParameters.get(app, "/v1/fl/tasks/{id}", this::task);
    QueryParameters.get(app, "/v1/fl/tasks/{id}/rounds", this::rounds);
    QueryParameters.get(app, "/v1/fl/tasks/{id}/rounds/{round}", this::round);
  }

  /** {@code GET /v1/fl/tasks?limit&cursor}: every task in id order, paged. */
  private void list(Context ctx) {
    int limit = 100;
    String l = ctx.queryParam("limit");
    if (l != null) {
      if (!l.matches("[0-9]{1,4}") || Integer.parseInt(l) < 1 || Integer.parseInt(l) > MAX_PAGE) {
        throw new HttpApi.BadRequest("INVALID_PARAMETER", "limit must be 1 to " + MAX_PAGE);
      }
      limit = Integer.parseInt(l);
    }
    String cursor = ctx.queryParam("cursor");
    byte[] after = null;
    if (cursor != null) {
      if (!cursor.matches("([0-9a-f]{2}){3,80}")) {
        throw new HttpApi.BadRequest("INVALID_PARAMETER", "cursor must be a previous page's 'next'");
      }
      after = Hex.decode(cursor);
    }
    StateView state = ledger.state(NAMESPACE);
    List<StateView.Entry> page = state.scan(TASK_PREFIX, after, limit + 1);
    List<FlTask> tasks = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, page.size()); i++) {
      tasks.add(json(parseTask(page.get(i).value())));
    }
    Json.answer(ctx, new FlTaskPage(tasks, page.size() > limit ? Hex.encode(page.get(limit - 1).key()) : null));
  }

  private void task(Context ctx) {
    found(ctx).ifPresent(t -> Json.answer(ctx, json(t)));
  }

  private void rounds(Context ctx) {
    Optional<TaskRecord> t = found(ctx);
    if (t.isEmpty()) {
      return;
    }
    List<FlRound> rounds = new ArrayList<>();
    for (RoundRecord r : FlState.rounds(ledger.state(NAMESPACE), t.get().getTaskId())) {
      rounds.add(json(r));
    }
    Json.answer(ctx, new FlRounds(t.get().getTaskId(), rounds));
  }

  private void round(Context ctx) {
    String r = ctx.pathParam("round");
    if (!r.matches("[1-9][0-9]{0,8}")) {
      throw new HttpApi.BadRequest("INVALID_ID", "'" + r + "' is not a round number (1, 2, ...)");
    }
    Optional<TaskRecord> t = found(ctx);
    if (t.isEmpty()) {
      return;
    }
    Optional<RoundRecord> found = FlState.round(ledger.state(NAMESPACE), t.get().getTaskId(), Integer.parseInt(r));
    if (found.isEmpty()) {
      HttpApi.problem(ctx, 404, UNKNOWN_ROUND, "task " + t.get().getTaskId() + " has no round " + r);
      return;
    }
    Json.answer(ctx, json(found.get()));
  }

  /** The task the path names; answers 400 for a malformed id, 404 (and empty) for an unknown one. */
  private Optional<TaskRecord> found(Context ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new HttpApi.BadRequest("INVALID_ID", "'" + id + "' is not a task id");
    }
    Optional<TaskRecord> found = FlState.task(ledger.state(NAMESPACE), id);
    if (found.isEmpty()) {
      HttpApi.problem(ctx, 404, UNKNOWN_TASK, "no federated task " + id);
    }
    return found;
  }

  private static TaskRecord parseTask(byte[] stored) {
    try {
      return TaskRecord.parseFrom(stored);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored federated task does not decode", e);
    }
  }

  static FlTask json(TaskRecord t) {
    CreateTask s = t.getSpec();
    List<FlParticipant> participants = new ArrayList<>();
    for (Participant p : t.getParticipantsList()) {
      participants.add(new FlParticipant(p.getId(), dataset(p.getDataset()), p.getDatasetRows(), p.getJoinedHeight(), p.getContributionMicros(),
          p.getRoundsAccepted(), p.getRoundsRejected(), p.getRoundsMissed(), p.getReward(), p.getJoinTxId().isEmpty() ? null : hex(p.getJoinTxId())));
    }
    return new FlTask(t.getTaskId(), t.getOwner(), t.getStatus().name(), hex(s.getRecipeSha256()), s.getRecipe().toString(StandardCharsets.UTF_8),
        s.getRounds(), s.getRoundBlocks(), s.getRoundMillis(), s.getMinParticipants(), s.getMaxParticipants(), s.getRule().name(), s.getTrimFractionMicros(),
        s.getKrumF(), s.getMultiKrumM(), dataset(s.getValidation()), s.hasRoot() ? dataset(s.getRoot()) : null, s.getRewardPool(),
        s.getPolicy().getIdentitiesList(), s.getPolicy().getOrganisationsList(), s.getPolicy().getRolesList(), s.getAggregator(),
        s.getModelId(), t.getParameterCount(), hex(t.getInitialModelSha256()), participants, t.getCurrentRound(), t.getCreatedHeight(),
        t.getStartedHeight(), t.getFinishedHeight(), t.getCancelReason().isEmpty() ? null : t.getCancelReason(), t.getRefunded());
  }

  static FlRound json(RoundRecord r) {
    List<FlUpdate> updates = new ArrayList<>();
    for (UpdateRecord u : r.getUpdatesList()) {
      SortedMap<String, Double> metrics = new TreeMap<>();
      for (LocalMetric m : u.getMetricsList()) {
        metrics.put(m.getName(), m.getValue());
      }
      updates.add(new FlUpdate(u.getParticipant(), hex(u.getUpdateSha256()), u.getExamples(), u.getParameterCount(), metrics, u.getHeight(),
          hex(u.getTxId())));
    }
    List<FlAttestation> attestations = new ArrayList<>();
    for (RoundAttestation a : r.getAttestationsList()) {
      attestations.add(new FlAttestation(a.getValidator(), a.getAttempt(), a.getResultSha256().isEmpty() ? null : hex(a.getResultSha256()),
          a.getMatch(), a.getFailure().isEmpty() ? null : a.getFailure(), a.getHeight(), a.getTxId().isEmpty() ? null : hex(a.getTxId())));
    }
    FlRoundResult result = r.getResult().isEmpty() ? null : json(r.getResult());
    return new FlRound(r.getTaskId(), r.getRound(), r.getStatus().name(), r.getOpenedHeight(), r.getDeadlineHeight(), r.getDeadlineMillis(),
        hex(r.getBaseModelSha256()), updates, r.getAttempt(), r.getResultSha256().isEmpty() ? null : hex(r.getResultSha256()), result,
        r.getAggregatedHeight(), attestations, r.getVerifiedHeight(), r.getRejection().isEmpty() ? null : r.getRejection());
  }

  private static FlRoundResult json(ByteString encoded) {
    RoundResult res;
    try {
      res = RoundResult.parseFrom(encoded);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a stored round result does not decode", e);
    }
    List<FlAccepted> accepted = new ArrayList<>();
    for (AcceptedUpdate a : res.getAcceptedList()) {
      accepted.add(new FlAccepted(a.getParticipant(), hex(a.getUpdateSha256()), a.getWeight()));
    }
    List<FlRejected> rejected = new ArrayList<>();
    for (RejectedUpdate x : res.getRejectedList()) {
      rejected.add(new FlRejected(x.getParticipant(), hex(x.getUpdateSha256()), x.getReason(), x.getScore()));
    }
    List<FlContribution> contributions = new ArrayList<>();
    for (Contribution c : res.getContributionsList()) {
      contributions.add(new FlContribution(c.getParticipant(), c.getMicros()));
    }
    return new FlRoundResult(hex(res.getGlobalModelSha256()), accepted, rejected, contributions, res.getValidationLoss(),
        res.getValidationAccuracy());
  }

  private static ModelDataset dataset(DatasetRef d) {
    boolean version = !d.getDatasetId().isEmpty();
    return new ModelDataset(d.getSnapshotId(), hex(d.getCsvSha256()), hex(d.getReadingsRoot()), version ? d.getDatasetId() : null,
        version ? d.getDatasetVersion() : null);
  }

  private static String hex(ByteString b) {
    return Hex.encode(b.toByteArray());
  }
}
