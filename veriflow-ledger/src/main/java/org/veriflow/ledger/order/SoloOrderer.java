package org.veriflow.ledger.order;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.Mempool;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.VerifiedTx;

/**
 * The single-node orderer: one thread cuts a block when {@code maxBlockTxs} transactions are pending
 * or {@code maxBlockDelay} has passed since the first of them arrived, whichever comes first; then
 * executes it, signs its header with the node key and commits it durably. Block timestamps come from
 * the injected clock and never go backwards.
 *
 * <p>If committing fails (the disk, the store), the thread stops and reports the error to
 * {@code onFatal}: the node must stop, since it can no longer acknowledge anything.
 */
public final class SoloOrderer implements Orderer {
  private static final long IDLE_POLL_MILLIS = 200;

  private final Ledger ledger;
  private final Mempool mempool;
  private final SigningKey key;
  private final Clock clock;
  private final int maxBlockTxs;
  private final Duration maxBlockDelay;
  private final Consumer<Throwable> onFatal;
  private final Thread thread;
  private volatile boolean running;

  public SoloOrderer(Ledger ledger, Mempool mempool, SigningKey key, Clock clock, int maxBlockTxs, Duration maxBlockDelay, Consumer<Throwable> onFatal) {
    if (maxBlockTxs < 1) {
      throw new IllegalArgumentException("maxBlockTxs must be at least 1, not " + maxBlockTxs);
    }
    if (!ledger.params().orderers().contains(key.publicKey())) {
      throw new IllegalArgumentException("node key " + key.id() + " is not an orderer of chain '" + ledger.chainId() + "'");
    }
    this.ledger = ledger;
    this.mempool = mempool;
    this.key = key;
    this.clock = clock;
    this.maxBlockTxs = maxBlockTxs;
    this.maxBlockDelay = maxBlockDelay;
    this.onFatal = onFatal;
    this.thread = new Thread(this::run, "veriflow-solo-orderer");
    this.thread.setDaemon(true);
  }

  @Override
  public synchronized void start() {
    if (!running) {
      running = true;
      thread.start();
    }
  }

  @Override
  public Optional<Rejection> submit(VerifiedTx tx) {
    return mempool.add(tx);
  }

  private void run() {
    try {
      while (running) {
        List<VerifiedTx> batch = mempool.takeBatch(maxBlockTxs, maxBlockDelay.toMillis(), IDLE_POLL_MILLIS);
        if (batch.isEmpty()) {
          continue;
        }
        ExecutedBlock block = ledger.execute(clock.millis(), batch);
        ledger.commit(block, List.of(block.signWith(key)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (running) {
        running = false;
        onFatal.accept(new IllegalStateException("the orderer was interrupted while the node was running", e));
      }
    } catch (RuntimeException | Error e) {
      running = false;
      onFatal.accept(e);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
