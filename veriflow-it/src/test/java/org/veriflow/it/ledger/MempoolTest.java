package org.veriflow.it.ledger;

import org.veriflow.contracts.TestChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import org.veriflow.contracts.credits.Credits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Mempool;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.VerifiedTx;

class MempoolTest {
  private TestChain chain;
  private Mempool pool;
  private final List<Map.Entry<Hash, Rejection>> dropped = new ArrayList<>();

  @BeforeEach
  void open() {
    chain = TestChain.open();
    pool = new Mempool(chain.ledger, 100);
    pool.onDropped((id, why) -> dropped.add(Map.entry(id, why)));
  }

  @AfterEach
  void close() {
    chain.close();
  }

  private VerifiedTx adminTx(long nonce, long amount) {
    return chain.admitted(TestChain.transfer(ADMIN, nonce, VALIDATOR.id(), amount));
  }

  private VerifiedTx validatorTx(long nonce) {
    return chain.admitted(TestChain.transfer(VALIDATOR, nonce, ADMIN.id(), 1));
  }

  private void add(VerifiedTx tx) {
    assertThat(pool.add(tx)).isEmpty();
  }

  private List<VerifiedTx> takeNow(int wanted) throws InterruptedException {
    return pool.takeBatch(wanted, 0, 0);
  }

  private static List<Long> nonces(List<VerifiedTx> txs) {
    return txs.stream().map(VerifiedTx::nonce).toList();
  }

  @Test
  void takeBatch_nonceGap_laterNonceWaitsUntilMissingOneArrives() throws InterruptedException {
    chain.commit(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 1));
    VerifiedTx two = adminTx(2, 2);
    add(two);

    assertThat(takeNow(10)).isEmpty();
    assertThat(pool.size()).isEqualTo(1);
    assertThat(pool.contains(two.id())).isTrue();
    assertThat(dropped).isEmpty();

    VerifiedTx one = adminTx(1, 1);
    add(one);
    List<VerifiedTx> batch = takeNow(10);

    assertThat(batch).extracting(VerifiedTx::id).containsExactly(one.id(), two.id());
    assertThat(pool.size()).isZero();
  }

  @Test
  void takeBatch_severalSenders_eachSendersTransactionsInNonceOrder() throws InterruptedException {
    add(validatorTx(1));
    add(adminTx(0, 1));
    add(adminTx(2, 1));
    add(validatorTx(0));
    add(adminTx(1, 1));

    List<VerifiedTx> batch = takeNow(10);

    assertThat(batch).hasSize(5);
    assertThat(nonces(batch.stream().filter(t -> t.sender().equals(ADMIN.id())).toList())).containsExactly(0L, 1L, 2L);
    assertThat(nonces(batch.stream().filter(t -> t.sender().equals(VALIDATOR.id())).toList())).containsExactly(0L, 1L);
  }

  @Test
  void takeBatch_moreReadyThanWanted_takesWantedAndKeepsTheRest() throws InterruptedException {
    for (long n = 0; n < 5; n++) {
      add(adminTx(n, 1));
    }
    assertThat(nonces(takeNow(3))).containsExactly(0L, 1L, 2L);
    assertThat(pool.size()).isEqualTo(2);
  }

  @Test
  void takeBatch_executedBatch_allCommitted() throws InterruptedException {
    for (long n = 0; n < 4; n++) {
      add(adminTx(n, 10));
    }
    add(validatorTx(0));
    List<VerifiedTx> batch = takeNow(10);
    ExecutedBlock block = chain.ledger.execute(chain.nextTimestamp(), batch);
    chain.ledger.commit(block, List.of(TestChain.ordererSignature(block.headerBytes())));

    assertThat(chain.ledger.results(1)).allSatisfy(r -> assertThat(r.getCode()).isEmpty());
    assertThat(chain.nextNonce(ADMIN)).isEqualTo(4);
  }

  @Test
  void add_poolAtCapacity_refusedUntilSpaceIsFreed() throws InterruptedException {
    Mempool small = new Mempool(chain.ledger, 2);
    assertThat(small.add(adminTx(0, 1))).isEmpty();
    assertThat(small.add(adminTx(1, 1))).isEmpty();

    assertThat(small.add(validatorTx(0))).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(RejectionCode.MEMPOOL_FULL));
    assertThat(small.size()).isEqualTo(2);

    assertThat(small.takeBatch(1, 0, 0)).hasSize(1);
    assertThat(small.add(validatorTx(0))).isEmpty();
  }

  @Test
  void add_samePendingTransactionOrSameNonce_refused() {
    VerifiedTx tx = adminTx(0, 1);
    add(tx);

    assertThat(pool.add(tx)).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(RejectionCode.DUPLICATE_TX));
    assertThat(pool.add(adminTx(0, 2))).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(RejectionCode.NONCE_TOO_LOW));
    assertThat(pool.size()).isEqualTo(1);
  }

  @Test
  void takeBatch_nonceConsumedWhilePending_droppedReportedAndLaterNonceTaken() throws InterruptedException {
    VerifiedTx stale = adminTx(0, 1);
    VerifiedTx next = adminTx(1, 1);
    add(stale);
    add(next);
    chain.commit(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 99));

    List<VerifiedTx> batch = takeNow(10);

    assertThat(batch).extracting(VerifiedTx::id).containsExactly(next.id());
    assertThat(dropped).hasSize(1);
    assertThat(dropped.get(0).getKey()).isEqualTo(stale.id());
    assertThat(dropped.get(0).getValue().code()).isEqualTo(RejectionCode.NONCE_TOO_LOW);
    assertThat(pool.contains(stale.id())).isFalse();
  }

  @Test
  void takeBatch_validityExpiredWhilePending_droppedAndReported() throws InterruptedException {
    TxPayload.Builder p = TestChain.payload(ADMIN, 0, Credits.NAME, "transfer", TestChain.transferArgs(VALIDATOR.id(), 1))
        .setValidUntilHeight(1);
    VerifiedTx expiring = chain.admitted(TestChain.sign(ADMIN, p));
    add(expiring);
    chain.commit();

    assertThat(takeNow(10)).isEmpty();

    assertThat(dropped).hasSize(1);
    assertThat(dropped.get(0).getKey()).isEqualTo(expiring.id());
    assertThat(dropped.get(0).getValue().code()).isEqualTo(RejectionCode.EXPIRED);
    assertThat(pool.size()).isZero();
  }

  @Test
  void takeBatch_emptyPool_returnsEmptyAfterIdleWait() throws InterruptedException {
    assertThat(pool.takeBatch(10, 1_000, 20)).isEmpty();
  }
}
