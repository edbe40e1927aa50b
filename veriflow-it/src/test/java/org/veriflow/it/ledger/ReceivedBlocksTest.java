package org.veriflow.it.ledger;

import org.veriflow.contracts.TestChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.Block;
import org.veriflow.protocol.proto.BlockHeader;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.OrdererSignature;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.ledger.BlockRecord;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.VerifiedTx;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.rocksdb.RocksDbStore;

/**
 * Blocks ordered elsewhere (by a cluster's leader) and committed by a member: accepted only after
 * the member re-executes them to the same header, stored exactly as received with the orderer's
 * position in the same batch; a divergent block names the field and both hashes and changes nothing.
 */
class ReceivedBlocksTest {
  @TempDir Path dir;

  private static byte[] position(long term, long index) {
    return java.nio.ByteBuffer.allocate(16).putLong(term).putLong(index).array();
  }

  private static BlockRecord received(Block block) {
    return BlockRecord.decode(block.toByteArray());
  }

  @Test
  void aBlockFromTheLeaderIsReexecutedAndStoredAsReceivedWithItsPosition() {
    try (TestChain leader = TestChain.open(); TestChain member = TestChain.open(RocksDbStore.open(dir.resolve("member")))) {
      LedgerChainTest.buildSixBlocks(leader);
      for (long h = 1; h <= 6; h++) {
        Block b = leader.ledger.block(h).orElseThrow().block();
        byte[] position = position(2, 10 + h);
        BlockRecord stored = member.ledger.commitReceived(received(b), position);
        assertThat(stored.block().toByteArray()).isEqualTo(b.toByteArray());
        assertThat(member.ledger.ordererPosition(h)).hasValueSatisfying(p -> assertThat(p).isEqualTo(position));
      }
      assertThat(member.ledger.ordererPosition()).hasValueSatisfying(p -> assertThat(p).isEqualTo(position(2, 16)));
      assertThat(member.snapshot().get(Column.STATE)).isEqualTo(leader.snapshot().get(Column.STATE));
      assertThat(member.ledger.head().hash()).isEqualTo(leader.ledger.head().hash());
    }
    // Block and position were written together: both are there after reopening.
    try (TestChain reopened = TestChain.open(RocksDbStore.open(dir.resolve("member")))) {
      assertThat(reopened.ledger.head().height()).isEqualTo(6);
      assertThat(reopened.ledger.ordererPosition()).hasValueSatisfying(p -> assertThat(p).isEqualTo(position(2, 16)));
    }
  }

  @Test
  void aBlockWhoseStateHashDiffersIsRefusedNamingBothHashesAndChangesNothing() throws Exception {
    try (TestChain leader = TestChain.open(); TestChain member = TestChain.open()) {
      LedgerChainTest.buildSixBlocks(leader);
      for (long h = 1; h <= 5; h++) {
        member.ledger.commitReceived(leader.ledger.block(h).orElseThrow(), position(1, h));
      }
      Block six = leader.ledger.block(6).orElseThrow().block();
      BlockHeader header = BlockHeader.parseFrom(six.getHeader());
      byte[] forgedState = Hash.sha256(new byte[] {7}).bytes();
      BlockHeader forged = header.toBuilder().setStateHash(ByteString.copyFrom(forgedState)).build();
      Block tampered = six.toBuilder().setHeader(forged.toByteString()).clearSignatures()
          .addSignatures(TestChain.ordererSignature(forged.toByteArray())).build();
      Map<Column, TreeMap<String, String>> before = member.snapshot();

      assertThatThrownBy(() -> member.ledger.commitReceived(received(tampered), position(1, 6)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("block 6")
          .hasMessageContaining("state_hash differs")
          .hasMessageContaining(Hex.encode(forgedState))
          .hasMessageContaining(Hex.encode(header.getStateHash().toByteArray()));
      assertThat(member.snapshot()).isEqualTo(before);
      assertThat(member.ledger.ordererPosition()).hasValueSatisfying(p -> assertThat(p).isEqualTo(position(1, 5)));
    }
  }

  @Test
  void aBlockThatDoesNotExtendTheHeadIsToldApartAndChangesNothing() {
    try (TestChain leader = TestChain.open(); TestChain member = TestChain.open()) {
      LedgerChainTest.buildSixBlocks(leader);
      member.ledger.commitReceived(leader.ledger.block(1).orElseThrow(), position(1, 1));
      Map<Column, TreeMap<String, String>> before = member.snapshot();
      for (long h : new long[] {1, 3}) {
        BlockRecord b = leader.ledger.block(h).orElseThrow();
        assertThat(member.ledger.extendsHead(b)).isFalse();
        assertThatThrownBy(() -> member.ledger.commitReceived(b, position(1, 9)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("does not extend the head 1");
      }
      assertThat(member.snapshot()).isEqualTo(before);
    }
  }

  @Test
  void aBlockSignedByAKeyThatIsNotAnOrdererIsRefused() {
    try (TestChain leader = TestChain.open(); TestChain member = TestChain.open()) {
      LedgerChainTest.buildSixBlocks(leader);
      Block one = leader.ledger.block(1).orElseThrow().block();
      SigningKey stranger = SigningKey.generate(SignatureAlgorithm.ED25519);
      Block resigned = one.toBuilder().clearSignatures().addSignatures(OrdererSignature.newBuilder()
          .setPublicKey(ByteString.copyFrom(stranger.publicKey().encoded())).setAlgorithm(KeyAlgorithm.ED25519)
          .setSignature(ByteString.copyFrom(stranger.sign(one.getHeader().toByteArray())))).build();
      Map<Column, TreeMap<String, String>> before = member.snapshot();
      assertThatThrownBy(() -> member.ledger.commitReceived(received(resigned), position(1, 1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not an orderer");
      assertThat(member.snapshot()).isEqualTo(before);
    }
  }

  @Test
  void aBlockCarryingAPayloadPaddedWithAnUndeclaredFieldIsRefusedAndChangesNothing() throws Exception {
    try (TestChain leader = TestChain.open(); TestChain member = TestChain.open()) {
      LedgerChainTest.buildSixBlocks(leader);
      Block one = leader.ledger.block(1).orElseThrow().block();
      SignedTx first = one.getTransactions(0);
      byte[] payload = first.getPayload().toByteArray();
      byte[] padded = java.util.Arrays.copyOf(payload, payload.length + 3);
      padded[payload.length] = (byte) 0x98; // field 99, varint 1: ignored by the parser, kept as unknown
      padded[payload.length + 1] = 0x06;
      padded[payload.length + 2] = 0x01;
      SignedTx resigned = SignedTx.newBuilder().setPayload(ByteString.copyFrom(padded))
          .setSignature(ByteString.copyFrom(TestChain.ADMIN.sign(padded))).build();
      Block tampered = one.toBuilder().setTransactions(0, resigned).build();
      Map<Column, TreeMap<String, String>> before = member.snapshot();

      assertThatThrownBy(() -> member.ledger.commitReceived(received(tampered), position(1, 1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("block 1: transaction 0 is invalid")
          .hasMessageContaining("NON_CANONICAL");
      assertThat(member.snapshot()).isEqualTo(before);
    }
  }

  /** Builds the leader's six blocks, commits the first five on the member and returns the sixth. */
  private static Block sixthBlockAfterFive(TestChain leader, TestChain member) {
    LedgerChainTest.buildSixBlocks(leader);
    for (long h = 1; h <= 5; h++) {
      member.ledger.commitReceived(leader.ledger.block(h).orElseThrow(), position(1, h));
    }
    return leader.ledger.block(6).orElseThrow().block();
  }

  /** The member admitted block 6's transaction itself (as a follower does before relaying it). */
  private static Map<Hash, VerifiedTx> checkedByMember(TestChain member, Block six) {
    Map<Hash, VerifiedTx> checked = new ConcurrentHashMap<>();
    for (SignedTx tx : six.getTransactionsList()) {
      Ledger.Admission a = member.ledger.admit(tx.toByteArray());
      assertThat(a.accepted()).as("%s", a.rejection()).isTrue();
      checked.put(a.tx().id(), a.tx());
    }
    return checked;
  }

  @Test
  void aTransactionTheMemberCheckedItselfIsTakenAsCheckedWhenItsBytesAreIdentical() {
    try (TestChain leader = TestChain.open(); TestChain member = TestChain.open()) {
      Block six = sixthBlockAfterFive(leader, member);
      Map<Hash, VerifiedTx> checked = checkedByMember(member, six);
      AtomicInteger found = new AtomicInteger();
      BlockRecord stored = member.ledger.commitReceived(received(six), position(1, 6), id -> {
        VerifiedTx tx = checked.get(id);
        if (tx != null) {
          found.incrementAndGet();
        }
        return tx;
      });
      assertThat(found.get()).isEqualTo(six.getTransactionsCount()).isPositive();
      assertThat(stored.block().toByteArray()).isEqualTo(six.toByteArray());
      assertThat(member.snapshot().get(Column.STATE)).isEqualTo(leader.snapshot().get(Column.STATE));
    }
  }

  @Test
  void theSamePayloadUnderAnotherSignatureIsCheckedAfreshAndRefused() {
    try (TestChain leader = TestChain.open(); TestChain member = TestChain.open()) {
      Block six = sixthBlockAfterFive(leader, member);
      Map<Hash, VerifiedTx> checked = checkedByMember(member, six);
      // Same payload, so the same id; the signature is not the one the member verified, and is wrong.
      SignedTx original = six.getTransactions(0);
      byte[] signature = original.getSignature().toByteArray();
      signature[0] ^= 1;
      Block forged = six.toBuilder().setTransactions(0, original.toBuilder().setSignature(ByteString.copyFrom(signature))).build();
      Map<Column, TreeMap<String, String>> before = member.snapshot();

      assertThatThrownBy(() -> member.ledger.commitReceived(received(forged), position(1, 6), checked::get))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("block 6: transaction 0 is invalid");
      assertThat(member.snapshot()).isEqualTo(before);
    }
  }

  @Test
  void bytesThatAreNotABlockAreRefused() {
    assertThatThrownBy(() -> BlockRecord.decode(new byte[] {(byte) 0xFF, 1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a block");
  }
}
