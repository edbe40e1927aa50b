package org.veriflow.it.ledger;

import org.veriflow.contracts.TestChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.core.merkle.MerkleHashes;
import org.veriflow.core.merkle.MerkleTree;
import org.veriflow.core.merkle.MerkleVerifier;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.core.merkle.ProofFailure;
import org.veriflow.protocol.proto.BlockHeader;
import org.veriflow.protocol.proto.OrdererSignature;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.ledger.BlockRecord;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.InMemoryStore;

/** Chain structure, the global transaction log and its proofs, determinism and time. */
class LedgerChainTest {
  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey MEMBER = TestChain.key(11);

  private TestChain chain;

  @BeforeEach
  void open() {
    chain = TestChain.open();
  }

  @AfterEach
  void close() {
    chain.close();
  }

  /** Six blocks of 1, 3, 0, 2, 5 and 1 transactions, one of them failing. */
  static void buildSixBlocks(TestChain c) {
    c.commit(TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"));
    c.commit(
        TestChain.register(ORG, 0, MEMBER.publicKey(), IdentityKind.MEMBER, "alice"),
        TestChain.transfer(ADMIN, 1, ORG.id(), 1_000),
        TestChain.transfer(VALIDATOR, 0, ADMIN.id(), 10_000));
    c.commit();
    c.commit(TestChain.transfer(ORG, 1, MEMBER.id(), 300), TestChain.transfer(ADMIN, 2, VALIDATOR.id(), 5));
    c.commit(
        TestChain.transfer(MEMBER, 0, ORG.id(), 1),
        TestChain.transfer(MEMBER, 1, ORG.id(), 2),
        TestChain.transfer(MEMBER, 2, ORG.id(), 3),
        TestChain.transfer(ADMIN, 3, MEMBER.id(), 4),
        TestChain.revoke(ORG, 2, MEMBER.id(), "left"));
    c.commit(TestChain.transfer(ADMIN, 4, ORG.id(), 6));
  }

  private List<BlockHeader> headers() {
    List<BlockHeader> out = new ArrayList<>();
    for (long h = 0; h <= chain.ledger.head().height(); h++) {
      out.add(chain.ledger.block(h).orElseThrow().header());
    }
    return out;
  }

  private static Hash hash(ByteString b) {
    return Hash.of(b.toByteArray());
  }

  @Test
  void commit_severalBlocks_eachHeaderNamesPreviousBlockHashAndHeight() {
    buildSixBlocks(chain);
    assertThat(chain.ledger.head().height()).isEqualTo(6);
    BlockRecord genesis = chain.ledger.block(0).orElseThrow();
    assertThat(genesis.header().getPreviousHash().toByteArray()).isEqualTo(Hash.ZERO.bytes());
    for (long h = 1; h <= 6; h++) {
      BlockRecord block = chain.ledger.block(h).orElseThrow();
      BlockRecord previous = chain.ledger.block(h - 1).orElseThrow();
      assertThat(block.height()).isEqualTo(h);
      assertThat(block.header().getChainId()).isEqualTo(TestChain.CHAIN_ID);
      assertThat(hash(block.header().getPreviousHash())).as("previous hash of block %d", h).isEqualTo(previous.hash());
      assertThat(block.hash()).isEqualTo(Hash.sha256(block.block().getHeader().toByteArray()));
    }
    assertThat(chain.ledger.head().hash()).isEqualTo(chain.ledger.block(6).orElseThrow().hash());
    assertThat(chain.ledger.block(7)).isEmpty();
    assertThat(chain.ledger.block(-1)).isEmpty();
  }

  @Test
  void commit_severalBlocks_logSizeAndRootMatchLedgerLogRoot() {
    buildSixBlocks(chain);
    long expectedSize = 0;
    for (BlockHeader h : headers()) {
      expectedSize += h.getTxCount();
      assertThat(h.getLogSize()).as("log size at block %d", h.getHeight()).isEqualTo(expectedSize);
      assertThat(hash(h.getLogRoot())).as("log root at block %d", h.getHeight()).isEqualTo(chain.ledger.logRoot(h.getLogSize()));
    }
    assertThat(expectedSize).isEqualTo(12);
    assertThat(hash(headers().get(0).getLogRoot())).isEqualTo(MerkleHashes.EMPTY_ROOT);
  }

  @Test
  void commit_severalBlocks_txRootAndResultRootCommitToBlockContents() {
    buildSixBlocks(chain);
    for (long h = 1; h <= 6; h++) {
      BlockRecord block = chain.ledger.block(h).orElseThrow();
      MerkleTree txs = new MerkleTree();
      for (SignedTx t : block.transactions()) {
        txs.append(MerkleHashes.leafHash(TestChain.txId(t.toByteArray()).bytes()));
      }
      MerkleTree results = new MerkleTree();
      for (TxResult r : chain.ledger.results(h)) {
        results.append(MerkleHashes.leafHash(Hash.sha256(r.toByteArray()).bytes()));
      }
      assertThat(block.header().getTxCount()).isEqualTo(block.transactions().size());
      assertThat(chain.ledger.results(h)).hasSize(block.transactions().size());
      assertThat(hash(block.header().getTxRoot())).as("tx root of block %d", h).isEqualTo(txs.root());
      assertThat(hash(block.header().getResultRoot())).as("result root of block %d", h).isEqualTo(results.root());
    }
  }

  @Test
  void inclusionProof_everyTransactionAgainstEveryLaterHeader_verifies() throws ProofException {
    buildSixBlocks(chain);
    List<BlockHeader> headers = headers();
    int checked = 0;
    for (long h = 1; h <= 6; h++) {
      for (SignedTx t : chain.ledger.block(h).orElseThrow().transactions()) {
        Hash id = TestChain.txId(t.toByteArray());
        Ledger.TxRecord record = chain.ledger.transaction(id).orElseThrow();
        assertThat(record.height()).isEqualTo(h);
        for (BlockHeader header : headers.subList((int) h, headers.size())) {
          chain.verifyInclusion(id, record.leafIndex(), header);
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(1 * 6 + 3 * 5 + 2 * 3 + 5 * 2 + 1);
  }

  @Test
  void inclusionProof_againstHeaderBeforeTheTransaction_refused() {
    buildSixBlocks(chain);
    Hash id = TestChain.txId(chain.ledger.block(6).orElseThrow().transactions().get(0).toByteArray());
    long leaf = chain.ledger.transaction(id).orElseThrow().leafIndex();
    BlockHeader earlier = chain.ledger.block(5).orElseThrow().header();
    assertThatThrownBy(() -> chain.ledger.inclusionProof(leaf, earlier.getLogSize())).isInstanceOf(IllegalArgumentException.class);
    BlockHeader head = chain.ledger.head().header();
    List<Hash> proof = chain.ledger.inclusionProof(leaf, head.getLogSize());
    Hash otherLeaf = MerkleHashes.leafHash(TestChain.txId(chain.ledger.block(1).orElseThrow().transactions().get(0).toByteArray()).bytes());
    assertThatThrownBy(() -> MerkleVerifier.verifyInclusion(leaf, head.getLogSize(), otherLeaf, proof, hash(head.getLogRoot())))
        .isInstanceOfSatisfying(ProofException.class, e -> assertThat(e.failure()).isEqualTo(ProofFailure.ROOT_MISMATCH));
    assertThatThrownBy(() -> chain.ledger.inclusionProof(0, head.getLogSize() + 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void consistencyProof_everyPairOfBlockLogSizes_verifies() throws ProofException {
    buildSixBlocks(chain);
    List<BlockHeader> headers = headers();
    for (BlockHeader older : headers) {
      for (BlockHeader newer : headers) {
        if (older.getHeight() > newer.getHeight()) {
          continue;
        }
        List<Hash> proof = chain.ledger.consistencyProof(older.getLogSize(), newer.getLogSize());
        MerkleVerifier.verifyConsistency(older.getLogSize(), newer.getLogSize(),
            hash(older.getLogRoot()), hash(newer.getLogRoot()), proof);
      }
    }
  }

  @Test
  void consistencyProof_withAnotherChainsRoot_refused() {
    buildSixBlocks(chain);
    BlockHeader older = chain.ledger.block(2).orElseThrow().header();
    BlockHeader newer = chain.ledger.head().header();
    List<Hash> proof = chain.ledger.consistencyProof(older.getLogSize(), newer.getLogSize());
    Hash forged = chain.ledger.logRoot(older.getLogSize() - 1);
    assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(older.getLogSize(), newer.getLogSize(), forged, hash(newer.getLogRoot()), proof))
        .isInstanceOf(ProofException.class);
  }

  @Test
  void execute_sameBlocksOnTwoLedgers_identicalHeadersAndStores() {
    buildSixBlocks(chain);
    try (TestChain other = TestChain.open()) {
      for (long h = 1; h <= 6; h++) {
        BlockRecord replayed = other.replay(chain.ledger.block(h).orElseThrow());
        assertThat(replayed.block().getHeader().toByteArray())
            .as("header of block %d", h)
            .isEqualTo(chain.ledger.block(h).orElseThrow().block().getHeader().toByteArray());
      }
      assertThat(other.snapshot()).isEqualTo(chain.snapshot());
    }
  }

  @Test
  void execute_differentTransactionOnOtherLedger_differentStateHash() {
    try (TestChain other = TestChain.open()) {
      BlockRecord a = chain.commit(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 5));
      BlockRecord b = other.commit(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 6));
      assertThat(a.header().getStateHash()).isNotEqualTo(b.header().getStateHash());
    }
  }

  @Test
  void execute_timestampBeforeHead_headTimestampKept() {
    BlockRecord first = chain.commit(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 5));
    long headMillis = first.header().getTimestampMillis();

    ExecutedBlock earlier = chain.ledger.execute(headMillis - 60_000, List.of(chain.admitted(TestChain.transfer(ADMIN, 1, VALIDATOR.id(), 5))));
    assertThat(earlier.header().getTimestampMillis()).isEqualTo(headMillis);
    chain.ledger.commit(earlier, List.of(TestChain.ordererSignature(earlier.headerBytes())));

    ExecutedBlock later = chain.ledger.execute(headMillis + 1, List.of());
    assertThat(later.header().getTimestampMillis()).isEqualTo(headMillis + 1);
  }

  @Test
  void commit_severalBlocks_timestampsNeverDecrease() {
    buildSixBlocks(chain);
    ExecutedBlock late = chain.ledger.execute(0, List.of());
    chain.ledger.commit(late, List.of(TestChain.ordererSignature(late.headerBytes())));
    List<BlockHeader> headers = headers();
    for (int i = 1; i < headers.size(); i++) {
      assertThat(headers.get(i).getTimestampMillis()).isGreaterThanOrEqualTo(headers.get(i - 1).getTimestampMillis());
    }
  }

  @Test
  void commit_blockExecutedOnOldHead_refused() {
    ExecutedBlock a = chain.ledger.execute(chain.nextTimestamp(), List.of(chain.admitted(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 5))));
    ExecutedBlock b = chain.ledger.execute(chain.nextTimestamp(), List.of(chain.admitted(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 6))));
    chain.ledger.commit(a, List.of(TestChain.ordererSignature(a.headerBytes())));

    assertThatThrownBy(() -> chain.ledger.commit(b, List.of(TestChain.ordererSignature(b.headerBytes()))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not extend");
    assertThat(chain.ledger.head().hash()).isEqualTo(a.hash());
    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(TestChain.VALIDATOR_CREDITS + 5);
  }

  @Test
  void commit_listenerCalledAfterBlockIsStored() {
    List<String> seen = new ArrayList<>();
    chain.ledger.onCommit(b -> seen.add(b.height() + ":" + chain.ledger.block(b.height()).isPresent()
        + ":" + chain.ledger.head().hash().equals(b.hash())));
    chain.commit(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 5));
    chain.commit();
    assertThat(seen).containsExactly("1:true:true", "2:true:true");
  }

  @Test
  void execute_uncommittedBlock_changesNothing() {
    Map<Column, TreeMap<String, String>> before = chain.snapshot();
    chain.execute(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 5));
    assertThat(chain.snapshot()).isEqualTo(before);
    assertThat(chain.ledger.head().height()).isZero();
  }

  @Test
  void commit_withoutOrdererSignature_refusedAndNothingStored() {
    ExecutedBlock block = chain.execute(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 5));
    Map<Column, TreeMap<String, String>> before = chain.snapshot();

    assertThatThrownBy(() -> chain.ledger.commit(block, List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("block 1");
    assertThat(chain.snapshot()).isEqualTo(before);
    assertThat(chain.ledger.head().height()).isZero();
  }

  @Test
  void commit_signedByNonOrdererOrOverAnotherHeader_refusedAndNothingStored() {
    ExecutedBlock block = chain.execute(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 5));
    ExecutedBlock other = chain.execute(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 6));
    Map<Column, TreeMap<String, String>> before = chain.snapshot();
    OrdererSignature byAdmin = TestChain.ordererSignature(block.headerBytes()).toBuilder()
        .setPublicKey(ByteString.copyFrom(ADMIN.publicKey().encoded()))
        .setSignature(ByteString.copyFrom(ADMIN.sign(block.headerBytes())))
        .build();

    assertThatThrownBy(() -> chain.ledger.commit(block, List.of(byAdmin)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not an orderer");
    assertThatThrownBy(() -> chain.ledger.commit(block, List.of(TestChain.ordererSignature(other.headerBytes()))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("orderer signature");
    assertThat(chain.snapshot()).isEqualTo(before);
    chain.ledger.commit(block, List.of(TestChain.ordererSignature(block.headerBytes())));
    assertThat(chain.ledger.head().height()).isEqualTo(1);
  }

  @Test
  void open_sameStoreTwice_sameHeadWithoutRewritingGenesis() {
    InMemoryStore store = new InMemoryStore();
    try (TestChain first = TestChain.open(store)) {
      buildSixBlocks(first);
      Map<Column, TreeMap<String, String>> before = first.snapshot();
      try (TestChain second = TestChain.open(store)) {
        assertThat(second.ledger.head().hash()).isEqualTo(first.ledger.head().hash());
        assertThat(second.snapshot()).isEqualTo(before);
      }
    }
  }
}
