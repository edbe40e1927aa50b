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

  /** @return the chain's height now */
  long height();

  /**
   * Waits for the block after {@code height}, or until the wait ends.
   *
   * @return the height known afterwards: {@code height + 1} if the block came, else {@code height}
   */
  long awaitNext(long height);

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
        return session.client().fl().task(taskId);
      }

      @Override
      public Round round(String taskId, int round) {
        return session.client().fl().round(taskId, round);
      }

      @Override
      public long height() {
        return session.client().chain().height();
      }

      @Override
      public long awaitNext(long height) {
        return session.client().awaitBlock(height + 1, Participant.BLOCK_WAIT).isPresent() ? height + 1 : height;
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
