package org.veriflow.it.ledger;

import org.veriflow.contracts.TestChain;
import org.veriflow.contracts.GenesisSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import org.veriflow.contracts.credits.Credits;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;
import org.veriflow.protocol.proto.Block;
import org.veriflow.protocol.proto.BlockHeader;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.ledger.ChainVerifier;
import org.veriflow.ledger.GenesisState;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.WriteBatch;

/** Re-verification of a stored chain, clean and with each kind of stored record tampered with. */
class ChainVerifierTest {
  private TestChain chain;

  @BeforeEach
  void sixBlocks() {
    chain = TestChain.open();
    LedgerChainTest.buildSixBlocks(chain);
  }

  @AfterEach
  void close() {
    chain.close();
  }

  private ChainVerifier.Report verify() {
    return verify(chain.genesis);
  }

  private ChainVerifier.Report verify(GenesisState genesis) {
    return ChainVerifier.verify(chain.store, chain.contracts, chain.identities, genesis, ChainVerifier.noProgress());
  }

  private void overwrite(Column column, byte[] key, byte[] value) {
    assertThat(chain.store.get(column, key)).as("entry to tamper with exists").isPresent();
    chain.store.write(new WriteBatch().put(column, key, value), true);
  }

  private Block storedBlock(long height) {
    return chain.ledger.block(height).orElseThrow().block();
  }

  @Test
  void verify_cleanChain_okWithCountsAndProgress() {
    List<Long> progress = new ArrayList<>();
    ChainVerifier.Report report = ChainVerifier.verify(chain.store, chain.contracts, chain.identities, chain.genesis, progress::add);

    assertThat(report.ok()).isTrue();
    assertThat(report.problem()).isEmpty();
    assertThat(report.blocksChecked()).isEqualTo(6);
    assertThat(report.transactionsChecked()).isEqualTo(12);
    assertThat(report.failedAtHeight()).isEqualTo(-1);
    assertThat(progress).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void verify_headerBytesChanged_failsAtThatBlockOnItsSignature() throws Exception {
    Block three = storedBlock(3);
    BlockHeader changed = BlockHeader.parseFrom(three.getHeader()).toBuilder()
        .setTimestampMillis(BlockHeader.parseFrom(three.getHeader()).getTimestampMillis() + 1)
        .build();
    overwrite(Column.BLOCKS, TestChain.heightKey(3), three.toBuilder().setHeader(changed.toByteString()).build().toByteArray());

    ChainVerifier.Report report = verify();

    assertThat(report.ok()).isFalse();
    assertThat(report.failedAtHeight()).isEqualTo(3);
    assertThat(report.blocksChecked()).isEqualTo(2);
    assertThat(report.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("block 3").contains("orderer signature"));
  }

  @Test
  void verify_headerChangedAndResigned_failsNamingTheField() throws Exception {
    Block four = storedBlock(4);
    BlockHeader changed = BlockHeader.parseFrom(four.getHeader()).toBuilder()
        .setResultRoot(ByteString.copyFrom(new byte[32]))
        .build();
    overwrite(Column.BLOCKS, TestChain.heightKey(4), four.toBuilder()
        .setHeader(changed.toByteString())
        .clearSignatures()
        .addSignatures(TestChain.ordererSignature(changed.toByteArray()))
        .build().toByteArray());

    ChainVerifier.Report report = verify();

    assertThat(report.failedAtHeight()).isEqualTo(4);
    assertThat(report.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("block 4").contains("result_root differs"));
  }

  @Test
  void verify_timestampBeforePredecessorAndResigned_failsAtThatBlock() throws Exception {
    Block five = storedBlock(5);
    long previousMillis = chain.ledger.block(4).orElseThrow().header().getTimestampMillis();
    BlockHeader changed = BlockHeader.parseFrom(five.getHeader()).toBuilder().setTimestampMillis(previousMillis - 1).build();
    overwrite(Column.BLOCKS, TestChain.heightKey(5), five.toBuilder()
        .setHeader(changed.toByteString())
        .clearSignatures()
        .addSignatures(TestChain.ordererSignature(changed.toByteArray()))
        .build().toByteArray());

    ChainVerifier.Report report = verify();

    assertThat(report.failedAtHeight()).isEqualTo(5);
    assertThat(report.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("block 5").contains("timestamp"));
  }

  @Test
  void verify_storedResultChanged_failsNamingBlockAndTransaction() throws Exception {
    byte[] key = TestChain.resultKey(2, 1);
    TxResult stored = TxResult.parseFrom(chain.store.get(Column.RESULTS, key).orElseThrow());
    assertThat(stored.getStatus()).isEqualTo(TxStatus.COMMITTED);
    overwrite(Column.RESULTS, key, stored.toBuilder().setStatus(TxStatus.FAILED).setCode("INSUFFICIENT_FUNDS").build().toByteArray());

    ChainVerifier.Report report = verify();

    assertThat(report.failedAtHeight()).isEqualTo(2);
    assertThat(report.blocksChecked()).isEqualTo(1);
    assertThat(report.problem()).hasValue("block 2: stored result of transaction 1 differs from re-execution");
  }

  @Test
  void verify_balanceInStateChanged_failsNamingTheStateEntry() {
    byte[] key = TestChain.stateKey(Credits.NAME, "bal/" + VALIDATOR.id().value());
    overwrite(Column.STATE, key, amount(1_000_000_000L));

    ChainVerifier.Report report = verify();

    assertThat(report.ok()).isFalse();
    assertThat(report.failedAtHeight()).isEqualTo(6);
    assertThat(report.problem()).hasValueSatisfying(p -> assertThat(p)
        .contains("state entry")
        .contains("credits/bal/" + VALIDATOR.id().value())
        .contains("different value"));
  }

  @Test
  void verify_extraStateEntry_fails() {
    chain.store.write(new WriteBatch().put(Column.STATE, TestChain.stateKey(Credits.NAME, "bal/" + TestChain.key(77).id().value()),
        amount(5)), true);

    ChainVerifier.Report report = verify();

    assertThat(report.problem()).hasValueSatisfying(p -> assertThat(p).contains("state entry").contains(TestChain.key(77).id().value()));
  }

  @Test
  void verify_logNodeChanged_failsNamingTheLogNode() {
    byte[] key = TestChain.logNodeKey(1, 2);
    overwrite(Column.LOG_NODES, key, new byte[32]);

    ChainVerifier.Report report = verify();

    assertThat(report.failedAtHeight()).isEqualTo(6);
    assertThat(report.problem()).hasValueSatisfying(p -> assertThat(p)
        .contains("log_nodes entry " + Hex.encode(key))
        .contains("different value"));
  }

  @Test
  void verify_indexEntryMissing_failsNamingBlockAndTransaction() {
    byte[] id = TestChain.txId(storedBlock(5).getTransactions(3).toByteArray()).bytes();
    chain.store.write(new WriteBatch().delete(Column.TX_INDEX, id), true);

    ChainVerifier.Report report = verify();

    assertThat(report.failedAtHeight()).isEqualTo(5);
    assertThat(report.problem()).hasValue("block 5: transaction 3 is missing from the index");
  }

  @Test
  void verify_blockMissing_failsNamingIt() {
    chain.store.write(new WriteBatch().delete(Column.BLOCKS, TestChain.heightKey(4)), true);

    ChainVerifier.Report report = verify();

    assertThat(report.failedAtHeight()).isEqualTo(4);
    assertThat(report.problem()).hasValue("block 4 is missing");
  }

  @Test
  void verify_transactionRemovedFromBlock_failsAtThatBlockOnTxRoot() {
    Block two = storedBlock(2);
    Block fewer = two.toBuilder().removeTransactions(2).build();
    overwrite(Column.BLOCKS, TestChain.heightKey(2), fewer.toByteArray());

    ChainVerifier.Report report = verify();

    assertThat(report.failedAtHeight()).isEqualTo(2);
    assertThat(report.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("block 2: tx_root differs"));
  }

  @Test
  void verify_otherGenesis_failsAtBlockZero() {
    GenesisSpec spec = TestChain.spec();
    GenesisState other = new GenesisSpec("other-chain", spec.timestampMillis(), spec.maxTxBytes(),
        spec.administrators(), spec.validators(), spec.balances()).toState();

    ChainVerifier.Report report = verify(other);

    assertThat(report.failedAtHeight()).isZero();
    assertThat(report.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("block 0"));
  }

  @Test
  void verify_afterMoreBlocks_stillOk() {
    chain.commit(TestChain.transfer(ADMIN, 5, VALIDATOR.id(), 3));
    assertThat(verify().ok()).isTrue();
    assertThat(verify().blocksChecked()).isEqualTo(7);
  }

  /** A balance as the credits contract stores it: 8 bytes, big-endian. */
  private static byte[] amount(long credits) {
    return java.nio.ByteBuffer.allocate(Long.BYTES).putLong(credits).array();
  }
}
