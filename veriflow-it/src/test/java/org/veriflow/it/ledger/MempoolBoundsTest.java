package org.veriflow.it.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.contracts.TestChain;
import org.veriflow.contracts.credits.Credits;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.Mempool;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.VerifiedTx;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.TxStatus;

/**
 * The pool cannot be filled by one sender, tried as it was found: transfers padded towards the
 * largest transaction size, nonces next+1 … next+1024 (none of them ready, so none leaves the pool)
 * and {@code valid_until} at its maximum. Padding with undeclared fields is refused first
 * ({@code NON_CANONICAL}), so the transfers are made large with their memo. Shortened: the chain's
 * largest transaction is 1 KiB here, the sender's share 64 KiB.
 */
class MempoolBoundsTest {
  private static final long SENDER_BYTES = 64 * 1024;
  private static final long VALIDITY_BLOCKS = 10_000;

  private TestChain chain;
  private Mempool pool;

  @BeforeEach
  void open() {
    chain = TestChain.open();
    pool = new Mempool(chain.ledger, new Mempool.Bounds(100_000, 1 << 20, SENDER_BYTES, VALIDITY_BLOCKS));
  }

  @AfterEach
  void close() {
    chain.close();
  }

  /** A transfer from the admin, made large with a memo. */
  private byte[] paddedTransfer(long nonce, long validUntil, int memoChars) {
    TxPayload.Builder p = TestChain.payload(ADMIN, nonce, Credits.NAME, "transfer",
        TestChain.transferArgs(VALIDATOR.id(), 1).toBuilder().setMemo("x".repeat(memoChars)).build()).setValidUntilHeight(validUntil);
    return TestChain.sign(ADMIN, p);
  }

  /** Admission, then the pool, as a node does; the code of the refusal, or null when pooled. */
  private RejectionCode submit(byte[] signedTx) {
    Ledger.Admission a = chain.ledger.admit(signedTx);
    if (!a.accepted()) {
      return a.rejection().code();
    }
    return pool.add(a.tx()).map(Rejection::code).orElse(null);
  }

  @Test
  void submit_oneSenderParksPaddedFutureNonces_refusedAtItsShareAndAnotherSendersTransferCommits() throws Exception {
    long next = chain.nextNonce(ADMIN);
    long nextHeight = chain.ledger.head().height() + 1;
    int memo = 256; // the longest memo a transfer takes
    assertThat(paddedTransfer(next + 1, nextHeight + VALIDITY_BLOCKS, memo).length).isBetween(400, TestChain.MAX_TX_BYTES);

    // valid_until at its maximum is refused outright.
    assertThat(submit(paddedTransfer(next + 1, Long.MAX_VALUE, memo))).isEqualTo(RejectionCode.VALID_UNTIL_TOO_FAR);
    // Padding with fields the schema does not declare is refused before any signature check.
    byte[] canonical = paddedTransfer(next + 1, nextHeight + VALIDITY_BLOCKS, 10);
    byte[] padded = Arrays.copyOf(canonical, canonical.length + 3 + 700);
    padded[canonical.length] = 0x7a; // field 15, length-delimited
    padded[canonical.length + 1] = (byte) 0xbc;
    padded[canonical.length + 2] = 0x05; // 700 bytes follow
    assertThat(SignedTx.parseFrom(padded).getUnknownFields().asMap()).containsKey(15);
    assertThat(submit(padded)).isEqualTo(RejectionCode.NON_CANONICAL);

    // Then 1024 future nonces at the furthest validity the node accepts.
    Map<RejectionCode, Integer> refused = new EnumMap<>(RejectionCode.class);
    int pooled = 0;
    int firstRefusal = -1;
    for (int i = 1; i <= 1024; i++) {
      RejectionCode code = submit(paddedTransfer(next + i, nextHeight + VALIDITY_BLOCKS, memo));
      if (code == null) {
        assertThat(firstRefusal).as("a transaction pooled after the first refusal").isEqualTo(-1);
        pooled++;
      } else {
        firstRefusal = firstRefusal < 0 ? i : firstRefusal;
        refused.merge(code, 1, Integer::sum);
      }
    }
    assertThat(refused).containsOnlyKeys(RejectionCode.SENDER_POOL_FULL);
    assertThat(pooled).isBetween((int) (SENDER_BYTES / TestChain.MAX_TX_BYTES), (int) (SENDER_BYTES / 400));
    assertThat(pool.size()).isEqualTo(pooled);
    assertThat(pool.bytes()).isLessThanOrEqualTo(SENDER_BYTES);

    // Another sender's transfer is still admitted, ordered and committed.
    byte[] transfer = TestChain.transfer(VALIDATOR, 0, ADMIN.id(), 1);
    assertThat(submit(transfer)).isNull();
    List<VerifiedTx> batch = pool.takeBatch(100, 0, 0);
    assertThat(batch).extracting(VerifiedTx::id).containsExactly(TestChain.txId(transfer));
    ExecutedBlock block = chain.ledger.execute(chain.nextTimestamp(), batch);
    chain.ledger.commit(block, List.of(TestChain.ordererSignature(block.headerBytes())));
    Optional<Ledger.TxRecord> committed = chain.ledger.transaction(TestChain.txId(transfer));
    assertThat(committed).hasValueSatisfying(r -> assertThat(r.result().getStatus()).isEqualTo(TxStatus.COMMITTED));
    assertThat(pool.size()).isEqualTo(pooled);
  }
}
