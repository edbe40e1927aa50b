package org.veriflow.raft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.ledger.BlockRecord;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Ledger;

/**
 * The ledger as a Raft state machine: each log entry is one block. Applying an entry that extends
 * the head re-executes the block and commits it, with the entry's term and index in the same write
 * batch; an entry whose block does not extend the head (cut by a leader on a head that moved
 * meanwhile) is skipped, which every member decides alike since all apply the same log to the same
 * chain. A block that extends the head but whose re-execution disagrees with its header stops the
 * node, saying which block and which fields differ.
 *
 * <p>The ledger is the snapshot: a snapshot is the position of the last committed block. A member
 * told to install one (it is behind the leader's purged log) fetches the missing blocks from the
 * leader's API and commits each after checking it.
 */
final class BlockStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(BlockStateMachine.class);
  static final Message COMMITTED = Message.valueOf("COMMITTED");
  static final Message STALE = Message.valueOf("STALE");
  private static final int CATCH_UP_PAGE = 128;

  private final Ledger ledger;
  private final ClusterSettings settings;
  private final LeaderLink link;
  private final Consumer<Throwable> onFatal;
  private final ExecutorService background;
  /** The block this node (as leader) executed and proposed; applied without executing it again. */
  private final AtomicReference<ExecutedBlock> proposed = new AtomicReference<>();
  private final Object applied = new Object();
  private final Consumer<RaftPeerId> onLeaderChange;
  /** Transactions this node checked already (relayed ones), not verified again when their block arrives. */
  private final Ledger.CheckedHere checkedHere;
  private volatile boolean failed;

  BlockStateMachine(Ledger ledger, ClusterSettings settings, LeaderLink link, ExecutorService background, Consumer<RaftPeerId> onLeaderChange,
      Consumer<Throwable> onFatal, Ledger.CheckedHere checkedHere) {
    this.checkedHere = checkedHere;
    this.ledger = ledger;
    this.settings = settings;
    this.link = link;
    this.background = background;
    this.onLeaderChange = onLeaderChange;
    this.onFatal = onFatal;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
    getLifeCycle().startAndTransition(() -> {
      super.initialize(server, groupId, storage);
      position().ifPresent(p -> setLastAppliedTermIndex(TermIndex.valueOf(p.term(), p.index())));
    });
  }

  /** Before a snapshot is installed: Ratis requires the paused state; the ledger has nothing to close. */
  @Override
  public void pause() {
    getLifeCycle().transition(LifeCycle.State.PAUSING);
    getLifeCycle().transition(LifeCycle.State.PAUSED);
  }

  /** After a snapshot was installed (blocks fetched and committed): the ledger is the state; resume from its position. */
  @Override
  public void reinitialize() {
    position().ifPresent(p -> setLastAppliedTermIndex(TermIndex.valueOf(p.term(), p.index())));
    if (getLifeCycleState() == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  private Optional<RaftPosition> position() {
    return ledger.ordererPosition().map(RaftPosition::decode);
  }

  /** Remembers the block about to be proposed, so that applying it here commits it as executed. */
  void proposing(ExecutedBlock block) {
    proposed.set(block);
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    long term = entry.getTerm();
    long index = entry.getIndex();
    if (failed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the node stopped applying blocks after a disagreement"));
    }
    Message outcome;
    try {
      BlockRecord block = BlockRecord.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
      byte[] position = new RaftPosition(term, index).encode();
      if (!ledger.extendsHead(block)) {
        LOG.debug("raft entry {}:{} holds block {} cut on another head; skipped", term, index, block.height());
        outcome = STALE;
      } else {
        ExecutedBlock mine = proposed.get();
        if (mine != null && mine.hash().equals(block.hash()) && proposed.compareAndSet(mine, null)) {
          ledger.commit(mine, block.block().getSignaturesList(), position);
        } else {
          ledger.commitReceived(block, position, checkedHere);
        }
        outcome = COMMITTED;
      }
    } catch (RuntimeException e) {
      failed = true;
      IllegalStateException stop = new IllegalStateException("raft entry " + term + ":" + index + ": this node disagrees with the block: "
          + e.getMessage() + "; the node stops rather than diverge", e);
      onFatal.accept(stop);
      return CompletableFuture.failedFuture(stop);
    }
    updateLastAppliedTermIndex(term, index);
    synchronized (applied) {
      applied.notifyAll();
    }
    return CompletableFuture.completedFuture(outcome);
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    super.notifyTermIndexUpdated(term, index);
    synchronized (applied) {
      applied.notifyAll();
    }
  }

  /** Waits up to {@code millis} for the applied index to reach {@code index}; true if it has. */
  boolean awaitApplied(long index, long millis) throws InterruptedException {
    synchronized (applied) {
      if (getLastAppliedTermIndex().getIndex() < index) {
        applied.wait(millis);
      }
      return getLastAppliedTermIndex().getIndex() >= index;
    }
  }

  /** A read that must see the latest commit reaches here after Raft's read index is applied. */
  @Override
  public CompletableFuture<Message> query(Message request) {
    return CompletableFuture.completedFuture(Message.valueOf(Long.toString(getLastAppliedTermIndex().getIndex())));
  }

  @Override
  public SnapshotInfo getLatestSnapshot() {
    return position().map(p -> (SnapshotInfo) new LedgerSnapshot(TermIndex.valueOf(p.term(), p.index()))).orElse(null);
  }

  /** The ledger is durable after every block: the snapshot is the last committed block's position. */
  @Override
  public long takeSnapshot() {
    return position().map(RaftPosition::index).orElse(RaftLog.INVALID_LOG_INDEX);
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
    onLeaderChange.accept(newLeaderId);
  }

  @Override
  public void notifyLeaderReady() {
    onLeaderChange.accept(getId());
  }

  @Override
  public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RoleInfoProto roleInfo, TermIndex firstTermIndexInLog) {
    String leaderId = roleInfo.getFollowerInfo().getLeaderInfo().getId().getId().toString(StandardCharsets.UTF_8);
    ClusterMember leader = settings.member(leaderId);
    if (leader == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("leader '" + leaderId + "' is not a configured member"));
    }
    return CompletableFuture.supplyAsync(() -> catchUp(leader, firstTermIndexInLog.getIndex()), background);
  }

  /** Fetches, checks and commits the leader's blocks until this node is past the leader's purged log. */
  private TermIndex catchUp(ClusterMember leader, long firstIndexInLog) {
    long from = ledger.head().height();
    LOG.info("behind the leader's log (it starts at index {}); fetching blocks after height {} from {}", firstIndexInLog, from, leader.id());
    long fetched = 0;
    try {
      while (true) {
        List<LeaderLink.PositionedBlock> page = link.blocksAfter(leader, ledger.head().height(), CATCH_UP_PAGE);
        if (page.isEmpty()) {
          break;
        }
        for (LeaderLink.PositionedBlock b : page) {
          BlockRecord block = BlockRecord.decode(b.block());
          try {
            ledger.commitReceived(block, b.position(), checkedHere);
          } catch (IllegalStateException e) {
            failed = true;
            IllegalStateException stop = new IllegalStateException("catching up from " + leader.id() + ": this node disagrees with block "
                + block.height() + ": " + e.getMessage() + "; the node stops rather than diverge", e);
            onFatal.accept(stop);
            throw stop;
          }
          fetched++;
        }
        LOG.info("caught up to height {} ({} blocks fetched)", ledger.head().height(), fetched);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot fetch blocks from " + leader.id() + " at " + leader.apiUrl() + ": " + e.getMessage(), e);
    }
    RaftPosition p = position().orElseThrow(() -> new IllegalStateException("the leader " + leader.id() + " served no block with a Raft position"));
    if (p.index() < firstIndexInLog - 1) {
      throw new IllegalStateException("after fetching, this node is at Raft index " + p.index() + " but the leader's log starts at " + firstIndexInLog);
    }
    LOG.info("installed the ledger up to height {} (Raft index {}) from {}", ledger.head().height(), p.index(), leader.id());
    return TermIndex.valueOf(p.term(), p.index());
  }

  /** The ledger as a snapshot: a position and no files (blocks are fetched through the API). */
  private record LedgerSnapshot(TermIndex termIndex) implements SnapshotInfo {
    @Override
    public TermIndex getTermIndex() {
      return termIndex;
    }

    @Override
    public List<FileInfo> getFiles() {
      return List.of();
    }
  }
}
