package org.veriflow.it.ledger;

import org.veriflow.contracts.TestChain;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.SystemContracts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import org.veriflow.contracts.identities.Identities;
import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.Block;
import org.veriflow.protocol.proto.BlockHeader;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.ledger.BlockRecord;
import org.veriflow.ledger.ChainVerifier;
import org.veriflow.ledger.GenesisState;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.InMemoryStore;
import org.veriflow.ledger.store.KeyValueStore;
import org.veriflow.ledger.store.WriteBatch;
import org.veriflow.ledger.store.rocksdb.RocksDbStore;

/** The ledger on RocksDB: durability across reopen, recovery of a stored but unapplied block, genesis checks. */
class RocksDbLedgerTest {
  @TempDir
  Path dir;

  private Path db() {
    return dir.resolve("ledger");
  }

  @Test
  void reopen_afterCommittingBlocks_sameHeadStateAndStillExtends() {
    Hash head;
    Map<Column, TreeMap<String, String>> before;
    try (TestChain chain = TestChain.open(RocksDbStore.open(db()))) {
      LedgerChainTest.buildSixBlocks(chain);
      head = chain.ledger.head().hash();
      before = chain.snapshot();
    }

    try (TestChain reopened = TestChain.open(RocksDbStore.open(db()))) {
      assertThat(reopened.ledger.head().height()).isEqualTo(6);
      assertThat(reopened.ledger.head().hash()).isEqualTo(head);
      assertThat(reopened.snapshot()).isEqualTo(before);
      assertThat(reopened.nextNonce(ADMIN)).isEqualTo(5);

      BlockRecord next = reopened.commit(TestChain.transfer(ADMIN, 5, VALIDATOR.id(), 1));
      assertThat(Hash.of(next.header().getPreviousHash().toByteArray())).isEqualTo(head);
      assertThat(reopened.ledger.results(7).get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    }
  }

  @Test
  void reopen_rocksDbChain_verifiesAndEqualsInMemoryChainEntryForEntry() {
    try (TestChain memory = TestChain.open(); TestChain rocks = TestChain.open(RocksDbStore.open(db()))) {
      LedgerChainTest.buildSixBlocks(memory);
      LedgerChainTest.buildSixBlocks(rocks);
      assertThat(rocks.snapshot()).isEqualTo(memory.snapshot());
      ChainVerifier.Report report = ChainVerifier.verify(rocks.store, rocks.contracts, rocks.identities, rocks.genesis, ChainVerifier.noProgress());
      assertThat(report.problem()).isEmpty();
      assertThat(report.blocksChecked()).isEqualTo(6);
    }
  }

  /** A chain of 5 blocks on RocksDB whose block 6 (taken from {@code reference}) is stored but not applied. */
  private void storeBlockSixWithoutApplying(TestChain reference, Block blockSix) {
    try (TestChain partial = TestChain.open(RocksDbStore.open(db()))) {
      for (long h = 1; h <= 5; h++) {
        partial.replay(reference.ledger.block(h).orElseThrow());
      }
    }
    try (KeyValueStore raw = RocksDbStore.open(db())) {
      raw.write(new WriteBatch()
          .put(Column.BLOCKS, TestChain.heightKey(6), blockSix.toByteArray())
          .put(Column.META, TestChain.META_HEAD, TestChain.heightKey(6)), true);
      assertThat(raw.get(Column.META, TestChain.META_APPLIED)).hasValueSatisfying(v -> assertThat(v).isEqualTo(TestChain.heightKey(5)));
    }
  }

  @Test
  void open_blockStoredButNotApplied_reexecutesItIntoTheSameState() {
    try (TestChain reference = TestChain.open()) {
      LedgerChainTest.buildSixBlocks(reference);
      BlockRecord six = reference.ledger.block(6).orElseThrow();
      storeBlockSixWithoutApplying(reference, six.block());

      try (TestChain recovered = TestChain.open(RocksDbStore.open(db()))) {
        assertThat(recovered.ledger.head().height()).isEqualTo(6);
        assertThat(recovered.ledger.head().hash()).isEqualTo(six.hash());
        assertThat(recovered.snapshot()).isEqualTo(reference.snapshot());
        Hash lastTx = TestChain.txId(six.transactions().get(0).toByteArray());
        assertThat(recovered.ledger.transaction(lastTx)).hasValueSatisfying(r -> assertThat(r.height()).isEqualTo(6));
        assertThat(recovered.nextNonce(ADMIN)).isEqualTo(reference.nextNonce(ADMIN));
      }
    }
  }

  @Test
  void open_storedUnappliedBlockDiffersFromReexecution_refusedNamingBlockAndField() throws Exception {
    try (TestChain reference = TestChain.open()) {
      LedgerChainTest.buildSixBlocks(reference);
      Block six = reference.ledger.block(6).orElseThrow().block();
      BlockHeader forged = BlockHeader.parseFrom(six.getHeader()).toBuilder()
          .setStateHash(ByteString.copyFrom(Hash.sha256(new byte[] {1}).bytes()))
          .build();
      Block tampered = six.toBuilder()
          .setHeader(forged.toByteString())
          .clearSignatures()
          .addSignatures(TestChain.ordererSignature(forged.toByteArray()))
          .build();
      storeBlockSixWithoutApplying(reference, tampered);

      try (KeyValueStore store = RocksDbStore.open(db())) {
        Map<Column, TreeMap<String, String>> before = TestChain.snapshot(store);
        assertThatThrownBy(() -> TestChain.open(store))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("block 6")
            .hasMessageContaining("state_hash differs");
        assertThat(TestChain.snapshot(store)).isEqualTo(before);
      }
    }
  }

  @Test
  void open_storedUnappliedBlockWithoutValidSignature_refused() {
    try (TestChain reference = TestChain.open()) {
      LedgerChainTest.buildSixBlocks(reference);
      Block six = reference.ledger.block(6).orElseThrow().block();
      Block unsigned = six.toBuilder().clearSignatures().build();
      storeBlockSixWithoutApplying(reference, unsigned);

      try (KeyValueStore store = RocksDbStore.open(db())) {
        assertThatThrownBy(() -> TestChain.open(store))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("block 6")
            .hasMessageContaining("orderer signature");
      }
    }
  }

  @Test
  void open_storeOfAnotherGenesis_refusedNamingBothGenesisHashes() {
    Hash storedGenesis;
    try (TestChain chain = TestChain.open(RocksDbStore.open(db()))) {
      chain.commit(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 1));
      storedGenesis = chain.ledger.block(0).orElseThrow().hash();
    }
    GenesisSpec spec = TestChain.spec();
    GenesisState later = new GenesisSpec(spec.chainId(), spec.timestampMillis() + 1, spec.maxTxBytes(),
        spec.administrators(), spec.validators(), spec.balances()).toState();
    Hash otherGenesis;
    try (TestChain fresh = TestChain.open(new InMemoryStore(), later, List.of())) {
      otherGenesis = fresh.ledger.head().hash();
    }

    try (KeyValueStore store = RocksDbStore.open(db())) {
      Map<Column, TreeMap<String, String>> before = TestChain.snapshot(store);
      assertThatThrownBy(() -> TestChain.open(store, later, List.of()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("genesis")
          .hasMessageContaining(TestChain.CHAIN_ID)
          .hasMessageContaining(storedGenesis.hex())
          .hasMessageContaining(otherGenesis.hex());
      assertThat(TestChain.snapshot(store)).isEqualTo(before);
      Ledger ledger = Ledger.open(store, new SystemContracts().registry(), new Identities(), TestChain.spec().toState());
      assertThat(ledger.head().height()).isEqualTo(1);
    }
  }
}
