package org.veriflow.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.Block;
import org.veriflow.protocol.proto.BlockHeader;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.OrdererSignature;
import org.veriflow.ledger.ChainParams;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.GenesisState;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.exec.ContractRegistry;
import org.veriflow.ledger.exec.SenderRegistry;
import org.veriflow.ledger.store.InMemoryStore;

/**
 * Applying Raft entries: a block extending the head is committed with the entry's position; one cut
 * on a head that moved is skipped; one whose re-execution disagrees stops the node, naming the block,
 * the field and both hashes.
 */
class BlockStateMachineTest {
  private static final SigningKey ORDERER = SigningKey.generate(SignatureAlgorithm.ED25519);
  private static final GenesisState GENESIS = new GenesisState(new ChainParams("raft-sm-test", 1024, List.of(ORDERER.publicKey())), 1_000L, List.of());
  private static final SenderRegistry NOBODY = new SenderRegistry() {
    @Override
    public String namespace() {
      return "identities";
    }

    @Override
    public Status status(org.veriflow.ledger.exec.StateView registry, org.veriflow.core.crypto.IdentityId sender) {
      return Status.UNKNOWN;
    }
  };

  private final Ledger leader = open();
  private final Ledger member = open();
  private final ExecutorService background = Executors.newSingleThreadExecutor();
  private final List<Throwable> fatal = new ArrayList<>();
  private final BlockStateMachine machine = new BlockStateMachine(member,
      new ClusterSettings("node2", List.of(ClusterMember.parse("node1@127.0.0.1:7201@http://127.0.0.1:7101"),
          ClusterMember.parse("node2@127.0.0.1:7202@http://127.0.0.1:7102")), Path.of("raft"), 10, 1 << 20, Duration.ofMillis(20),
          Duration.ofMillis(500), 100, 1 << 20, Duration.ofSeconds(5)),
      null, background, id -> { }, fatal::add, id -> null);

  private static Ledger open() {
    return Ledger.open(new InMemoryStore(), new ContractRegistry(List.of()), NOBODY, GENESIS);
  }

  @AfterEach
  void close() {
    background.shutdownNow();
    leader.close();
    member.close();
  }

  private static OrdererSignature sign(byte[] header) {
    return OrdererSignature.newBuilder().setPublicKey(ByteString.copyFrom(ORDERER.publicKey().encoded())).setAlgorithm(KeyAlgorithm.ED25519)
        .setSignature(ByteString.copyFrom(ORDERER.sign(header))).build();
  }

  /** The leader's next (empty) block, committed on the leader. */
  private Block next(long timestamp) {
    ExecutedBlock b = leader.execute(timestamp, List.of());
    List<OrdererSignature> sigs = List.of(sign(b.headerBytes()));
    leader.commit(b, sigs);
    return b.toBlock(sigs);
  }

  /** Raft's call for the entry (term, index) carrying {@code block}. */
  private CompletableFuture<Message> applying(long term, long index, Block block) {
    LogEntryProto entry = LogEntryProto.newBuilder().setTerm(term).setIndex(index)
        .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
            .setLogData(org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(block.toByteArray())))
        .build();
    return machine.applyTransaction(TransactionContext.newBuilder().setServerRole(RaftPeerRole.FOLLOWER).setStateMachine(machine).setLogEntry(entry).build());
  }

  private Message apply(long term, long index, Block block) throws Exception {
    return applying(term, index, block).get();
  }

  @Test
  void aBlockExtendingTheHeadIsCommittedWithItsPosition_aStaleOneIsSkipped() throws Exception {
    Block one = next(2_000);
    assertThat(apply(1, 3, one).getContent().toStringUtf8()).isEqualTo("COMMITTED");
    assertThat(member.head().height()).isEqualTo(1);
    assertThat(RaftPosition.decode(member.ordererPosition(1).orElseThrow())).isEqualTo(new RaftPosition(1, 3));
    assertThat(machine.getLastAppliedTermIndex().getIndex()).isEqualTo(3);
    assertThat(machine.getLatestSnapshot().getIndex()).isEqualTo(3);

    // The same height again (a deposed leader's last proposal): skipped, nothing written.
    assertThat(apply(2, 4, one).getContent().toStringUtf8()).isEqualTo("STALE");
    assertThat(member.head().height()).isEqualTo(1);
    assertThat(RaftPosition.decode(member.ordererPosition().orElseThrow())).isEqualTo(new RaftPosition(1, 3));
    assertThat(machine.getLastAppliedTermIndex().getIndex()).isEqualTo(4);
    assertThat(fatal).isEmpty();
  }

  @Test
  void aBlockThisNodeDisagreesWithStopsTheNodeNamingBlockAndHashes() throws Exception {
    Block one = next(2_000);
    BlockHeader header = BlockHeader.parseFrom(one.getHeader());
    byte[] wrong = Hash.sha256(new byte[] {42}).bytes();
    BlockHeader forged = header.toBuilder().setStateHash(ByteString.copyFrom(wrong)).build();
    Block tampered = one.toBuilder().setHeader(forged.toByteString()).clearSignatures().addSignatures(sign(forged.toByteArray())).build();

    assertThat(applying(1, 3, tampered)).isCompletedExceptionally();
    assertThat(fatal).hasSize(1);
    assertThat(fatal.get(0)).hasMessageContaining("raft entry 1:3").hasMessageContaining("block 1").hasMessageContaining("state_hash differs")
        .hasMessageContaining(Hex.encode(wrong)).hasMessageContaining(Hex.encode(header.getStateHash().toByteArray()))
        .hasMessageContaining("stops rather than diverge");
    assertThat(member.head().height()).isZero();
    assertThat(member.ordererPosition()).isEmpty();
    // Nothing after it is applied either.
    assertThat(applying(1, 4, one)).isCompletedExceptionally();
    assertThat(member.head().height()).isZero();
  }
}
