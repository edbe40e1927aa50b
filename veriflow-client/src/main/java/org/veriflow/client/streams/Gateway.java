package org.veriflow.client.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.SubmitReadings;

/**
 * A gateway: forwards readings signed by their devices to the ledger in batches, one {@code
 * streams.submit} transaction per batch, signed by the gateway's own key (any registered identity).
 * Batches are sent one after another, each awaited, so that the gateway's nonces and every device's
 * readings reach the ledger in the order given. The ledger answers each transaction with one verdict
 * per reading (its output); a batch with illegal readings still commits. Not thread-safe.
 */
public final class Gateway {
  /** Readings per transaction by default. */
  public static final int DEFAULT_BATCH = 100;

  /** The task name under which {@link #submit} reports its progress, in readings. */
  public static final String TASK = "readings";

  /**
   * One batch sent.
   *
   * @param index 1-based number of the batch
   * @param batches how many batches there are
   * @param readings readings in this batch
   * @param sent readings sent so far, this batch included
   * @param total readings to send in all
   * @param tx the committed transaction
   */
  public record Batch(int index, int batches, int readings, int sent, int total, Responses.TxInfo tx) {}

  private final Sender sender;
  private final int batchSize;

  /**
   * A gateway that sends with {@code key}, reading its next nonce and the chain's limits from the node.
   *
   * @param client the node to submit to
   * @param key the gateway's key: a registered identity with its nonce on the node
   * @param batchSize readings per transaction, 1 to {@link Limits#READINGS_PER_BATCH}
   * @throws IllegalArgumentException if {@code batchSize} is out of that range
   * @throws org.veriflow.client.ClientException if the node cannot be reached
   */
  public Gateway(VeriflowClient client, SigningKey key, int batchSize) {
    requireBatchSize(batchSize);
    this.sender = new Sender(Objects.requireNonNull(client, "client"), key);
    this.batchSize = batchSize;
  }

  /**
   * Splits readings into {@code streams.submit} arguments of at most {@code batchSize} readings,
   * keeping their order.
   *
   * @param streamId the stream the readings belong to
   * @param readings the signed readings, in the order they must reach the ledger
   * @param batchSize readings per batch, 1 to {@link Limits#READINGS_PER_BATCH}
   * @return the batches, in order; empty when there are no readings
   * @throws IllegalArgumentException if {@code batchSize} is out of that range
   */
  public static List<SubmitReadings> batches(String streamId, List<SignedReading> readings, int batchSize) {
    requireBatchSize(batchSize);
    List<SubmitReadings> out = new ArrayList<>();
    for (int i = 0; i < readings.size(); i += batchSize) {
      out.add(SubmitReadings.newBuilder()
          .setStreamId(streamId)
          .addAllReadings(readings.subList(i, Math.min(readings.size(), i + batchSize)))
          .build());
    }
    return List.copyOf(out);
  }

  /**
   * Submits the readings in batches, each awaited until committed. After each batch, {@code progress}
   * hears task {@link #TASK} with the readings sent so far, the total, and the detail {@code "batch I of
   * N, height H, tx ID"}.
   *
   * @param streamId the stream the readings belong to
   * @param readings the signed readings, in the order they must reach the ledger
   * @param progress told after each committed batch
   * @return the batches, in order
   * @throws IllegalArgumentException if a batch's transaction is larger than the chain accepts
   *     (nothing of that batch or after it is sent)
   * @throws IllegalStateException if a batch failed on chain (e.g. undecodable) or stayed pending
   * @throws org.veriflow.client.ClientException if the node refused a batch
   */
  public List<Batch> submit(String streamId, List<SignedReading> readings, ProgressListener progress) {
    Objects.requireNonNull(progress, "progress");
    List<SubmitReadings> batches = batches(streamId, readings, batchSize);
    List<Batch> out = new ArrayList<>(batches.size());
    int sent = 0;
    for (int i = 0; i < batches.size(); i++) {
      SubmitReadings b = batches.get(i);
      SignedTransaction tx = sender.sign("streams", "submit", b);
      int bytes = tx.payload().length + tx.signature().length;
      if (bytes > sender.maxTxBytes()) {
        throw new IllegalArgumentException("a batch of " + b.getReadingsCount() + " readings makes a " + bytes
            + "-byte transaction, above the chain's limit of " + sender.maxTxBytes() + " bytes; use a smaller batch");
      }
      Responses.TxInfo info = sender.submit(tx, "batch " + (i + 1) + " of " + batches.size());
      sent += b.getReadingsCount();
      Batch done = new Batch(i + 1, batches.size(), b.getReadingsCount(), sent, readings.size(), info);
      out.add(done);
      progress.progress(TASK, done.sent(), done.total(), "batch " + done.index() + " of " + done.batches() + ", height "
          + info.height().orElse(-1L) + ", tx " + info.id());
    }
    return List.copyOf(out);
  }

  private static void requireBatchSize(int batchSize) {
    if (batchSize < 1 || batchSize > Limits.READINGS_PER_BATCH) {
      throw new IllegalArgumentException("the batch size must be at least 1 and at most " + Limits.READINGS_PER_BATCH + ", not " + batchSize);
    }
  }
}
