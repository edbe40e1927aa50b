package org.veriflow.it;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.veriflow.contracts.models.Models;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.ledger.Ledger;
import org.veriflow.node.Node;

/**
 * Waiting, in tests, for what the chain will bring: a condition on an in-process node's state,
 * checked at once and again after each block it commits, up to a deadline. No polling: the check
 * runs when the state can have changed.
 */
final class Commits {
  static final Duration DEADLINE = Duration.ofSeconds(60);

  private Commits() {}

  /**
   * Returns once {@code condition} holds for the node's committed state.
   *
   * @param condition reads the ledger only (it runs on the committing thread and must not block)
   * @throws AssertionError naming {@code what} if it does not hold within {@link #DEADLINE}
   */
  static void await(Node node, String what, Predicate<Ledger> condition) throws InterruptedException {
    CountDownLatch holds = new CountDownLatch(1);
    node.ledger().onCommit(block -> {
      if (holds.getCount() > 0 && condition.test(node.ledger())) {
        holds.countDown();
      }
    });
    if (condition.test(node.ledger())) {
      return;
    }
    if (!holds.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("not within " + DEADLINE + ": " + what);
    }
  }

  /** Waits until {@code condition} holds for model {@code id}'s record. */
  static void awaitModel(Node node, String id, String what, Predicate<ModelRecord> condition) throws InterruptedException {
    await(node, "model " + id + ": " + what, l -> Models.find(l.state(Models.NAME), id).map(condition::test).orElse(false));
  }
}
