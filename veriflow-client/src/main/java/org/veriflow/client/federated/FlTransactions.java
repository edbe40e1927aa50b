package org.veriflow.client.federated;

import com.google.protobuf.ByteString;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.function.Function;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.fl.CancelTask;
import org.veriflow.protocol.proto.fl.CreateTask;
import org.veriflow.protocol.proto.fl.JoinTask;
import org.veriflow.protocol.proto.fl.LocalMetric;
import org.veriflow.protocol.proto.fl.StartTask;
import org.veriflow.protocol.proto.fl.SubmitUpdate;
import org.veriflow.protocol.proto.models.DatasetRef;

/**
 * The calls of the {@code fl} contract that clients make, as transaction builders for {@link
 * org.veriflow.client.Session#sign} and {@link org.veriflow.client.Session#submit}: each function
 * builds exactly one transaction, signed by the session's key. ({@code fl.aggregate} and {@code
 * fl.attest_round} are the node's services' calls.) Stateless.
 */
public final class FlTransactions {
  /** The contract's name in a transaction. */
  public static final String CONTRACT = "fl";

  private FlTransactions() {}

  /**
   * {@code fl.create_task}: the sender becomes the task's owner and its reward pool goes into escrow.
   *
   * @param task the arguments (see {@link TaskSpec#toCreateTask})
   * @return the builder of the transaction
   */
  public static Function<TransactionBuilder, SignedTransaction> createTask(CreateTask task) {
    Objects.requireNonNull(task, "task");
    return b -> b.call(CONTRACT, "create_task", task);
  }

  /**
   * {@code fl.join}: the sender joins with the dataset it trains on (only its hashes go on chain).
   *
   * @param taskId the task
   * @param dataset the dataset's reference with its on-chain hashes (see {@link DatasetSource#resolve})
   * @return the builder of the transaction
   */
  public static Function<TransactionBuilder, SignedTransaction> join(String taskId, DatasetRef dataset) {
    JoinTask args = JoinTask.newBuilder().setTaskId(taskId).setDataset(dataset).build();
    return b -> b.call(CONTRACT, "join", args);
  }

  /**
   * {@code fl.start}: the owner closes joining and opens round 1.
   *
   * @param taskId the task
   * @return the builder of the transaction
   */
  public static Function<TransactionBuilder, SignedTransaction> start(String taskId) {
    StartTask args = StartTask.newBuilder().setTaskId(taskId).build();
    return b -> b.call(CONTRACT, "start", args);
  }

  /**
   * {@code fl.cancel}: the owner stops a task that has not completed; the pool returns to the owner.
   *
   * @param taskId the task
   * @param reason why, kept on chain
   * @return the builder of the transaction
   */
  public static Function<TransactionBuilder, SignedTransaction> cancel(String taskId, String reason) {
    CancelTask args = CancelTask.newBuilder().setTaskId(taskId).setReason(reason).build();
    return b -> b.call(CONTRACT, "cancel", args);
  }

  /**
   * {@code fl.submit_update}: a participant's model after local training, uploaded first as a blob.
   *
   * @param taskId the task
   * @param round the round open now
   * @param update SHA-256 of the update's canonical model file
   * @param examples training examples behind the update
   * @param parameterCount the update's parameters (the task's parameter count)
   * @param metrics local metrics by name; the map's order is the chain's (sorted, distinct)
   * @return the builder of the transaction
   * @throws IllegalArgumentException if a metric is not finite
   */
  public static Function<TransactionBuilder, SignedTransaction> submitUpdate(String taskId, int round, Hash update, long examples,
      long parameterCount, SortedMap<String, Double> metrics) {
    SubmitUpdate.Builder args = SubmitUpdate.newBuilder().setTaskId(taskId).setRound(round)
        .setUpdateSha256(ByteString.copyFrom(update.bytes())).setExamples(examples).setParameterCount(parameterCount);
    // Natural order whatever the map's comparator: the chain wants metrics sorted by name.
    java.util.TreeMap<String, Double> sorted = new java.util.TreeMap<>();
    sorted.putAll(metrics);
    for (Map.Entry<String, Double> m : sorted.entrySet()) {
      if (!Double.isFinite(m.getValue())) {
        throw new IllegalArgumentException("metric " + m.getKey() + " is not finite: " + m.getValue());
      }
      args.addMetrics(LocalMetric.newBuilder().setName(m.getKey()).setValue(m.getValue()));
    }
    SubmitUpdate built = args.build();
    return b -> b.call(CONTRACT, "submit_update", built);
  }
}
