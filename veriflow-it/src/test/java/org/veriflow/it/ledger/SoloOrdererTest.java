package org.veriflow.it.ledger;

import org.veriflow.contracts.TestChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Mempool;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.VerifiedTx;
import org.veriflow.ledger.order.SoloOrderer;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.InMemoryStore;
import org.veriflow.ledger.store.KeyValueStore;
import org.veriflow.ledger.store.StorageException;
import org.veriflow.ledger.store.WriteBatch;

class SoloOrdererTest {
  /** How long a test waits for something the orderer must do; far above what it takes. */
  private static final long DEADLINE_SECONDS = 20;
  /** A block delay no test reaches: a block that appears was cut for another reason. */
  private static final Duration NEVER = Duration.ofMinutes(10);

  /** A clock the test sets; it is only read for block timestamps. */
  static final class ManualClock extends Clock {
    private final AtomicLong millis;

    ManualClock(long millis) {
      this.millis = new AtomicLong(millis);
    }

    void set(long m) {
      millis.set(m);
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final BlockingQueue<ExecutedBlock> committed = new LinkedBlockingQueue<>();
  private final ManualClock clock = new ManualClock(TestChain.GENESIS_MILLIS + 5_000);
  private TestChain chain;
  private Mempool pool;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private SoloOrderer orderer(KeyValueStore store, int maxBlockTxs, Duration maxBlockDelay, Consumer<Throwable> onFatal) {
    chain = TestChain.open(store);
    toClose.add(chain);
    chain.ledger.onCommit(committed::add);
    pool = new Mempool(chain.ledger, 1_000);
    SoloOrderer orderer = new SoloOrderer(chain.ledger, pool, VALIDATOR, clock, maxBlockTxs, maxBlockDelay, onFatal);
    toClose.add(orderer);
    return orderer;
  }

  private SoloOrderer orderer(int maxBlockTxs, Duration maxBlockDelay) {
    return orderer(new InMemoryStore(), maxBlockTxs, maxBlockDelay, e -> {});
  }

  private ExecutedBlock nextCommit() throws InterruptedException {
    ExecutedBlock b = committed.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
    assertThat(b).as("a block committed within %d s", DEADLINE_SECONDS).isNotNull();
    return b;
  }

  private VerifiedTx adminTx(long nonce) {
    return chain.admitted(TestChain.transfer(ADMIN, nonce, VALIDATOR.id(), 1));
  }

  @Test
  void run_maxBlockTxsPending_blockCutAtThatCountWithoutWaitingForDelay() throws InterruptedException {
    SoloOrderer orderer = orderer(3, NEVER);
    orderer.start();
    for (long n = 0; n < 4; n++) {
      assertThat(orderer.submit(adminTx(n))).isEmpty();
    }

    ExecutedBlock block = nextCommit();

    assertThat(block.transactions()).extracting(VerifiedTx::nonce).containsExactly(0L, 1L, 2L);
    assertThat(block.results()).extracting(TxResult::getStatus).containsOnly(TxStatus.COMMITTED);
    assertThat(chain.ledger.head().height()).isEqualTo(1);
    assertThat(chain.ledger.head().block().getSignaturesCount()).isEqualTo(1);
    assertThat(pool.size()).isEqualTo(1);
  }

  @Test
  void run_fewerThanMaxBlockTxs_blockCutWhenDelayPassesWithClockTimestamp() throws InterruptedException {
    SoloOrderer orderer = orderer(100, Duration.ofMillis(100));
    orderer.start();
    VerifiedTx tx = adminTx(0);
    assertThat(orderer.submit(tx)).isEmpty();

    ExecutedBlock block = nextCommit();

    assertThat(block.transactions()).extracting(VerifiedTx::id).containsExactly(tx.id());
    assertThat(block.header().getTimestampMillis()).isEqualTo(clock.millis());
    assertThat(chain.ledger.transaction(tx.id())).isPresent();
  }

  @Test
  void run_clockBehindHead_blockTimestampDoesNotGoBackwards() throws InterruptedException {
    SoloOrderer orderer = orderer(1, NEVER);
    orderer.start();
    long first = clock.millis();
    orderer.submit(adminTx(0));
    assertThat(nextCommit().header().getTimestampMillis()).isEqualTo(first);

    clock.set(first - 60_000);
    orderer.submit(adminTx(1));

    assertThat(nextCommit().header().getTimestampMillis()).isEqualTo(first);
  }

  @Test
  void run_nonceArrivesBeforeItsPredecessor_bothCommittedInNonceOrder() throws InterruptedException {
    SoloOrderer orderer = orderer(10, Duration.ofMillis(50));
    orderer.start();
    orderer.submit(adminTx(0));
    nextCommit();

    VerifiedTx two = adminTx(2);
    VerifiedTx one = adminTx(1);
    assertThat(orderer.submit(two)).isEmpty();
    assertThat(orderer.submit(one)).isEmpty();

    List<VerifiedTx> included = new ArrayList<>();
    List<TxResult> results = new ArrayList<>();
    while (included.size() < 2) {
      ExecutedBlock b = nextCommit();
      included.addAll(b.transactions());
      results.addAll(b.results());
    }
    assertThat(included).extracting(VerifiedTx::nonce).containsExactly(1L, 2L);
    assertThat(results).extracting(TxResult::getStatus).containsOnly(TxStatus.COMMITTED);
    assertThat(chain.nextNonce(ADMIN)).isEqualTo(3);
  }

  @Test
  void submit_duplicatePending_refused() {
    SoloOrderer orderer = orderer(10, NEVER);
    VerifiedTx tx = adminTx(0);
    assertThat(orderer.submit(tx)).isEmpty();
    assertThat(orderer.submit(tx)).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(RejectionCode.DUPLICATE_TX));
  }

  @Test
  void new_keyThatIsNotAnOrderer_refused() {
    orderer(10, NEVER);
    assertThatThrownBy(() -> new SoloOrderer(chain.ledger, pool, ADMIN, clock, 10, NEVER, e -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an orderer");
  }

  /** A store whose writes start failing on demand, as a full disk would. */
  static final class FailingStore implements KeyValueStore {
    private final InMemoryStore delegate = new InMemoryStore();
    final AtomicBoolean failWrites = new AtomicBoolean();

    @Override
    public Optional<byte[]> get(Column column, byte[] key) {
      return delegate.get(column, key);
    }

    @Override
    public Map<byte[], byte[]> scan(Column column, byte[] fromInclusive, byte[] toExclusive, int limit) {
      return delegate.scan(column, fromInclusive, toExclusive, limit);
    }

    @Override
    public void write(WriteBatch batch, boolean sync) {
      if (failWrites.get()) {
        throw new StorageException("no space left on device");
      }
      delegate.write(batch, sync);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  @Test
  void run_commitFails_reportsFatalErrorAndCommitsNothing() throws Exception {
    FailingStore store = new FailingStore();
    CompletableFuture<Throwable> fatal = new CompletableFuture<>();
    SoloOrderer orderer = orderer(store, 1, NEVER, fatal::complete);
    orderer.start();
    store.failWrites.set(true);

    orderer.submit(adminTx(0));

    assertThat(fatal.get(DEADLINE_SECONDS, TimeUnit.SECONDS)).isInstanceOf(StorageException.class).hasMessageContaining("no space");
    assertThat(chain.ledger.head().height()).isZero();
    assertThat(committed).isEmpty();
  }
}
