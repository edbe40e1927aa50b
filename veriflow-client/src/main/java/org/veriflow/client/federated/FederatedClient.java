package org.veriflow.client.federated;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.TransactionStatus;
import org.veriflow.client.VeriflowClient;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.http.FlAttestation;
import org.veriflow.protocol.http.FlContribution;
import org.veriflow.protocol.http.FlParticipant;
import org.veriflow.protocol.http.FlRound;
import org.veriflow.protocol.http.FlRoundResult;
import org.veriflow.protocol.http.FlRounds;
import org.veriflow.protocol.http.FlTask;
import org.veriflow.protocol.http.FlTaskPage;
import org.veriflow.protocol.http.FlUpdate;
import org.veriflow.protocol.http.ModelDataset;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.TaskStatus;

/**
 * A node's federated learning tasks and rounds, and the {@code fl} contract's client calls, over a
 * {@link VeriflowClient} ({@code new FederatedClient(client)}). It shares its client's transport and is
 * thread-safe like it; it depends on the client, never the other way round.
 *
 * <p>Reads throw {@link ClientException} with the node's stable error code when the node refuses
 * ({@code UNKNOWN_TASK}, {@code UNKNOWN_ROUND}, ...) and {@code UNREACHABLE} when it cannot be reached.
 * The calls sign with the session's key, submit, and wait for the transaction's block; one that
 * fails in its block throws a {@link ClientException} whose code is the contract's {@link
 * org.veriflow.protocol.fl.FlFailure} ({@code UNKNOWN_TASK}, {@code DATASET_MISMATCH}, ...), with
 * status 200 (the node answered; the chain refused).
 */
public final class FederatedClient {
  private final VeriflowClient client;

  /**
   * The facet over {@code client}'s transport; cheap to make, one per client is enough.
   *
   * @param client the node's client
   */
  public FederatedClient(VeriflowClient client) {
    this.client = java.util.Objects.requireNonNull(client, "client");
  }

  // ------------------------------------------------------------ reads

  /**
   * A task ({@code GET /v1/fl/tasks/{id}}).
   *
   * @param taskId the task's id
   * @return the task as the chain keeps it
   * @throws ClientException {@code UNKNOWN_TASK} if there is none
   */
  public Task task(String taskId) {
    return task(client.get("/v1/fl/tasks/" + segment(taskId), FlTask.class));
  }

  /**
   * Every task, in id order ({@code GET /v1/fl/tasks}, page after page).
   *
   * @return the tasks
   * @throws ClientException if the node refuses or cannot be reached
   */
  public List<Task> tasks() {
    List<Task> all = new ArrayList<>();
    String cursor = null;
    do {
      FlTaskPage page = client.get("/v1/fl/tasks?limit=" + Limits.MAX_PAGE + (cursor == null ? "" : "&cursor="
          + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), FlTaskPage.class);
      page.tasks().forEach(t -> all.add(task(t)));
      cursor = page.next() == null || page.next().isEmpty() ? null : page.next();
    } while (cursor != null);
    return List.copyOf(all);
  }

  /**
   * A task's rounds opened so far, in round order ({@code GET /v1/fl/tasks/{id}/rounds}).
   *
   * @param taskId the task's id
   * @return its rounds
   * @throws ClientException {@code UNKNOWN_TASK} if there is no such task
   */
  public List<Round> rounds(String taskId) {
    return client.get("/v1/fl/tasks/" + segment(taskId) + "/rounds", FlRounds.class).rounds().stream()
        .map(FederatedClient::round).toList();
  }

  /**
   * One round of a task ({@code GET /v1/fl/tasks/{id}/rounds/{round}}).
   *
   * @param taskId the task's id
   * @param round the round's number, from 1
   * @return the round
   * @throws ClientException {@code UNKNOWN_TASK} if there is no such task, or the node's code for a
   *     round that has not opened
   */
  public Round round(String taskId, int round) {
    return round(client.get("/v1/fl/tasks/" + segment(taskId) + "/rounds/" + round, FlRound.class));
  }

  // ------------------------------------------------------------ calls

  /**
   * {@code fl.create_task}: looks up the spec's datasets' hashes on the chain, signs with the owner's
   * key, submits and waits for the block.
   *
   * @param owner the owner's session (its key pays the reward pool)
   * @param spec the task
   * @return the committed transaction
   * @throws ClientException the contract's code if the transaction failed ({@code TASK_EXISTS},
   *     {@code INSUFFICIENT_FUNDS}, {@code UNKNOWN_DATASET}, ...), {@code UNKNOWN_SNAPSHOT} or
   *     {@code UNKNOWN_DATASET} if a dataset is not on the chain, {@code PENDING} if its block did not
   *     come within the node's wait, or the node's code if it refused it
   */
  public Responses.TxInfo createTask(Session owner, TaskSpec spec) {
    return submit(owner, FlTransactions.createTask(spec.toCreateTask(client)), "create task " + spec.taskId());
  }

  /**
   * {@code fl.join} with {@code dataset}'s on-chain hashes.
   *
   * @param participant the joining identity's session
   * @param taskId the task
   * @param dataset the dataset the participant trains on
   * @return the committed transaction
   * @throws ClientException the contract's code if the transaction failed ({@code UNKNOWN_TASK},
   *     {@code NOT_ELIGIBLE}, {@code ALREADY_JOINED}, {@code TASK_FULL}, {@code WRONG_STATUS}, ...),
   *     {@code UNKNOWN_SNAPSHOT} or {@code UNKNOWN_DATASET} if the dataset is not on the chain,
   *     {@code PENDING}, or the node's code if it refused it
   */
  public Responses.TxInfo join(Session participant, String taskId, DatasetSource dataset) {
    return submit(participant, FlTransactions.join(taskId, dataset.resolve(client)), "join task " + taskId);
  }

  /**
   * {@code fl.start}: the owner closes joining and opens round 1.
   *
   * @param owner the owner's session
   * @param taskId the task
   * @return the committed transaction
   * @throws ClientException the contract's code if it failed ({@code TOO_FEW_PARTICIPANTS}, {@code
   *     NOT_AUTHORISED}, {@code WRONG_STATUS}, {@code UNKNOWN_TASK}), {@code PENDING}, or the node's code
   */
  public Responses.TxInfo start(Session owner, String taskId) {
    return submit(owner, FlTransactions.start(taskId), "start task " + taskId);
  }

  /**
   * {@code fl.cancel}: the owner stops the task; the reward pool returns to the owner.
   *
   * @param owner the owner's session
   * @param taskId the task
   * @param reason why, kept on chain
   * @return the committed transaction
   * @throws ClientException the contract's code if it failed ({@code NOT_AUTHORISED}, {@code
   *     WRONG_STATUS}, {@code UNKNOWN_TASK}), {@code PENDING}, or the node's code
   */
  public Responses.TxInfo cancel(Session owner, String taskId, String reason) {
    return submit(owner, FlTransactions.cancel(taskId, reason), "cancel task " + taskId);
  }

  /**
   * {@code fl.submit_update}: a participant's update, whose model file is already uploaded as a blob
   * ({@link VeriflowClient#putBlob}). {@link Participant} does all of it, training included.
   *
   * @param participant the participant's session
   * @param taskId the task
   * @param round the round open now
   * @param update SHA-256 of the update's canonical model file
   * @param examples training examples behind the update, 1 to the participant's dataset rows
   * @param parameterCount the task's parameter count
   * @param metrics local metrics by name, finite
   * @return the committed transaction
   * @throws ClientException the contract's code if it failed ({@code NOT_PARTICIPANT}, {@code
   *     WRONG_ROUND}, {@code ROUND_CLOSED}, {@code DUPLICATE_UPDATE}, {@code REPLAYED_UPDATE}, {@code
   *     WRONG_SHAPE}, {@code TOO_MANY_EXAMPLES}, ...), {@code PENDING}, or the node's code
   * @throws IllegalArgumentException if a metric is not finite
   */
  public Responses.TxInfo submitUpdate(Session participant, String taskId, int round, org.veriflow.core.crypto.Hash update, long examples,
      long parameterCount, java.util.SortedMap<String, Double> metrics) {
    return submit(participant, FlTransactions.submitUpdate(taskId, round, update, examples, parameterCount, metrics),
        "submit the update of round " + round + " of task " + taskId);
  }

  /**
   * Signs a call with the session's key, submits it, waits for its block, and checks it committed.
   *
   * @param session the signer
   * @param call builds exactly one transaction (see {@link FlTransactions})
   * @param what the call, for the message of a failure ("join task t1")
   * @return the committed transaction
   * @throws ClientException the contract's code (status 200) if the transaction failed in its block,
   *     {@code PENDING} if the block did not come within the node's wait, or the node's code if it
   *     refused the transaction
   */
  public Responses.TxInfo submit(Session session, Function<TransactionBuilder, SignedTransaction> call, String what) {
    Responses.TxInfo tx = session.submit(call, true);
    if (TransactionStatus.failed(tx)) {
      throw new ClientException(200, tx.code().orElse("FAILED"), "cannot " + what + ": transaction " + tx.id() + " failed at height "
          + tx.height().orElse(-1L) + ": " + tx.message().orElse(tx.code().orElse("")));
    }
    if (!tx.committed()) {
      throw new ClientException(200, FederatedFailure.PENDING.name(), "cannot " + what + " yet: transaction " + tx.id() + " is still "
          + tx.status() + "; check it later with 'veriflow tx get " + tx.id() + "'");
    }
    return tx;
  }

  // ------------------------------------------------------------ the node's records as the SDK's

  static Task task(FlTask t) {
    return new Task(t.taskId(), text(t.owner()), enumOf(TaskStatus.class, t.status(), "task status"), text(t.recipeSha256()),
        text(t.recipe()), t.rounds(), t.roundBlocks(), t.roundMillis(), t.minParticipants(), t.maxParticipants(),
        enumOf(AggregationRule.class, t.rule(), "aggregation rule"), t.trimFractionMicros(), t.krumF(), t.multiKrumM(),
        dataset(t.validation()), Optional.ofNullable(t.root()).map(FederatedClient::dataset), t.rewardPool(), t.joinIdentities(),
        t.joinOrganisations(), t.joinRoles(), text(t.aggregator()), text(t.modelId()), t.parameterCount(), text(t.initialModelSha256()),
        t.participants().stream().map(FederatedClient::participant).toList(), t.currentRound(), t.createdHeight(), t.startedHeight(),
        t.finishedHeight(), Optional.ofNullable(t.cancelReason()).filter(r -> !r.isEmpty()), t.refunded());
  }

  static Round round(FlRound r) {
    return new Round(text(r.taskId()), r.round(), enumOf(RoundStatus.class, r.status(), "round status"), r.openedHeight(),
        r.deadlineHeight(), r.deadlineMillis(), text(r.baseModelSha256()), r.updates().stream().map(FederatedClient::update).toList(), r.attempt(),
        Optional.ofNullable(r.resultSha256()).filter(h -> !h.isEmpty()), Optional.ofNullable(r.result()).map(FederatedClient::result),
        r.aggregatedHeight(), r.attestations().stream().map(FederatedClient::attestation).toList(), r.verifiedHeight(),
        Optional.ofNullable(r.rejection()).filter(s -> !s.isEmpty()));
  }

  private static TaskParticipant participant(FlParticipant p) {
    return new TaskParticipant(p.id(), dataset(p.dataset()), p.datasetRows(), p.joinedHeight(), p.contributionMicros(), p.roundsAccepted(),
        p.roundsRejected(), p.roundsMissed(), p.reward(), Optional.ofNullable(p.joinTxId()).filter(h -> !h.isEmpty()));
  }

  private static RoundUpdate update(FlUpdate u) {
    return new RoundUpdate(u.participant(), text(u.updateSha256()), u.examples(), u.parameterCount(),
        u.metrics() == null ? new TreeMap<>() : u.metrics(), u.height(), text(u.txId()));
  }

  private static RoundResult result(FlRoundResult r) {
    TreeMap<String, Long> contributions = new TreeMap<>();
    for (FlContribution c : r.contributions()) {
      contributions.put(c.participant(), c.micros());
    }
    return new RoundResult(text(r.globalModelSha256()),
        r.accepted().stream().map(a -> new AcceptedUpdate(a.participant(), text(a.updateSha256()), a.weight())).toList(),
        r.rejected().stream().map(x -> new RejectedUpdate(x.participant(), text(x.updateSha256()), text(x.reason()), x.score())).toList(),
        contributions, r.validationLoss(), r.validationAccuracy());
  }

  private static RoundAttestation attestation(FlAttestation a) {
    return new RoundAttestation(text(a.validator()), a.attempt(), text(a.resultSha256()), a.match(),
        Optional.ofNullable(a.failure()).filter(f -> !f.isEmpty()), a.height(), Optional.ofNullable(a.txId()).filter(h -> !h.isEmpty()));
  }

  private static TaskDataset dataset(ModelDataset d) {
    if (d == null) {
      throw new ClientException(200, "BAD_RESPONSE", "the node's answer names a task or participant without its dataset");
    }
    DatasetSource source;
    try {
      source = d.datasetId() == null || d.datasetId().isEmpty() ? DatasetSource.snapshot(text(d.snapshotId()))
          : DatasetSource.version(d.datasetId(), d.datasetVersion() == null ? 0 : d.datasetVersion());
    } catch (IllegalArgumentException e) {
      throw new ClientException(200, "BAD_RESPONSE", "the node's answer names a dataset that is neither a snapshot nor a version: " + e.getMessage());
    }
    return new TaskDataset(source, text(d.csvSha256()), text(d.readingsRoot()));
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, String name, String what) {
    try {
      return Enum.valueOf(type, text(name));
    } catch (IllegalArgumentException e) {
      throw new ClientException(200, "BAD_RESPONSE", "the node's " + what + " '" + name + "' is not one this client knows");
    }
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }

  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
