package org.veriflow.client.federated;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SortedMap;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.core.crypto.Hash;

/**
 * What a {@link Participant} needs of the chain: its reads, its wait for the next block, its blobs
 * and its one transaction. The node's implementation is {@link #over(Session)}; tests give their own.
 */
interface ParticipantChain {
  /** @return the participant's identity id */
  String participantId();

  /** @throws ClientException {@code UNKNOWN_TASK} if there is none */
  Task task(String taskId);

  Round round(String taskId, int round);

  /**
   * A committed block as the participant follows the chain: its height and its timestamp.
   *
   * @param height the block's height
   * @param timestampMillis the block's timestamp, milliseconds since 1970-01-01T00:00:00Z
   */
  record Head(long height, long timestampMillis) {}

  /** @return the chain's latest block now */
  Head head();

  /**
   * Waits for the block after {@code head}, or until the wait ends.
   *
   * @return the latest block known afterwards: the block at {@code head.height() + 1} if it came, else {@code head}
   */
  Head awaitNext(Head head);

  Hash putBlob(Path file) throws IOException;

  /** Writes the blob to {@code out}, checked against {@code hash}. */
  void getBlob(String hash, Path out) throws IOException;

  /** Submits {@code fl.submit_update} and waits for its block: COMMITTED, FAILED with its code, or PENDING. */
  Responses.TxInfo submitUpdate(String taskId, int round, Hash update, long examples, long parameterCount,
      SortedMap<String, Double> metrics);

  /** The chain of {@code session}'s node, with its key signing the blobs and the transactions. */
  static ParticipantChain over(Session session) {
    return new ParticipantChain() {
      @Override
      public String participantId() {
        return session.key().id().value();
      }

      @Override
      public Task task(String taskId) {
        return new FederatedClient(session.client()).task(taskId);
      }

      @Override
      public Round round(String taskId, int round) {
        return new FederatedClient(session.client()).round(taskId, round);
      }

      @Override
      public Head head() {
        Responses.BlockInfo b = session.client().latestBlock();
        return new Head(b.height(), b.timestamp());
      }

      @Override
      public Head awaitNext(Head head) {
        return session.client().awaitBlock(head.height() + 1, Participant.BLOCK_WAIT).map(b -> new Head(b.height(), b.timestamp())).orElse(head);
      }

      @Override
      public Hash putBlob(Path file) throws IOException {
        return session.client().putBlob(file, session.key());
      }

      @Override
      public void getBlob(String hash, Path out) throws IOException {
        session.client().getBlob(hash, out);
      }

      @Override
      public Responses.TxInfo submitUpdate(String taskId, int round, Hash update, long examples, long parameterCount,
          SortedMap<String, Double> metrics) {
        return session.submit(FlTransactions.submitUpdate(taskId, round, update, examples, parameterCount, metrics), true);
      }
    };
  }
}
