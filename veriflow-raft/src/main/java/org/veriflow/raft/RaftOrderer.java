package org.veriflow.raft;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.Mempool;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.VerifiedTx;
import org.veriflow.ledger.order.Orderer;

/**
 * The cluster orderer, over Apache Ratis. The leader cuts a block from its pool, executes it, signs
 * its header and proposes it as one Raft entry; once a majority has the entry, every member
 * (the leader included) applies it through {@link BlockStateMachine}: re-executes it, checks the
 * header and commits it with the entry's position in the same write batch. A transaction submitted
 * to a follower is relayed to the leader; its submitter's wait ends when the block is committed on
 * the node it asked. Blocks are proposed one at a time, each on the head the previous one left.
 */
public final class RaftOrderer implements Orderer {
  private static final Logger LOG = LoggerFactory.getLogger(RaftOrderer.class);
  private static final long IDLE_POLL_MILLIS = 100;

  private final Ledger ledger;
  private final Mempool mempool;
  private final SigningKey key;
  private final Clock clock;
  private final ClusterSettings settings;
  private final LeaderLink link;
  private final Consumer<Throwable> onFatal;
  private final RaftGroup group;
  private final RaftPeerId selfId;
  private final BlockStateMachine stateMachine;
  private final ExecutorService background;
  private final ClientId clientId = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  private final Thread cutter;
  private final Object leadership = new Object();
  private RaftServer server;
  private volatile boolean running;
  private volatile boolean wasLeader;
  /** The leader and term last logged; written only by Ratis's notifications, which come one at a time. */
  private volatile String lastLeaderLogged;
  /**
   * Transactions this node relayed and has not seen committed, oldest first: if the leader changes
   * before ordering them (it died with them in its pool), they are relayed to the new one, so that
   * their submitters' waits still end in a block. Bounded; guarded by itself.
   */
  private final LinkedHashMap<Hash, VerifiedTx> unconfirmed = new LinkedHashMap<>();
  private static final int MAX_RELAYED = 200_000;
  /**
   * Transactions this node checked and is relaying or has relayed to the leader, by id, until seen
   * committed or refused by the leader: when their block arrives, the very bytes this node verified
   * are not verified a second time ({@link Ledger.CheckedHere}). Entered before the relay, since the
   * block can arrive before the leader's answer. Bounded; guarded by itself.
   */
  private final LinkedHashMap<Hash, VerifiedTx> relayedChecked = new LinkedHashMap<>();
  private final LongAdder checksReused = new LongAdder();

  private final Optional<ClusterTls> tls;

  /**
   * An orderer whose Raft traffic is plain gRPC, unauthenticated: for a cluster whose configuration
   * says so explicitly, and for tests.
   */
  public RaftOrderer(Ledger ledger, Mempool mempool, SigningKey key, Clock clock, ClusterSettings settings, LeaderLink link,
      Consumer<Throwable> onFatal) {
    this(ledger, mempool, key, clock, settings, link, onFatal, Optional.empty());
  }

  /**
   * An orderer whose Raft traffic is mutual TLS when {@code tls} is given.
   *
   * @param tls this member's certificate and the cluster's CA, or empty for plain gRPC
   * @throws IllegalArgumentException as the other constructor, and if this member's own certificate
   *     does not name this member and its node key
   */
  public RaftOrderer(Ledger ledger, Mempool mempool, SigningKey key, Clock clock, ClusterSettings settings, LeaderLink link,
      Consumer<Throwable> onFatal, Optional<ClusterTls> tls) {
    this.tls = tls;
    if (tls.isPresent()) {
      String named;
      try {
        named = new MemberCertificates(settings, tls.get().nodeKeys()).member(tls.get().certificate());
      } catch (java.security.cert.CertificateException e) {
        throw new IllegalArgumentException("this member's TLS certificate is refused: " + e.getMessage(), e);
      }
      if (!named.equals(settings.selfId())) {
        throw new IllegalArgumentException("this member is '" + settings.selfId() + "', but its TLS certificate names member '" + named + "'");
      }
    }
    if (!ledger.params().orderers().contains(key.publicKey())) {
      throw new IllegalArgumentException("node key " + key.id() + " is not an orderer of chain '" + ledger.chainId()
          + "': every member of a cluster must be a validator named in the genesis file");
    }
    if (settings.maxBlockBytes() < ledger.params().maxTxBytes()) {
      throw new IllegalArgumentException("the largest block (" + settings.maxBlockBytes() + " bytes) must hold the chain's largest transaction ("
          + ledger.params().maxTxBytes() + " bytes)");
    }
    this.ledger = ledger;
    this.mempool = mempool;
    this.key = key;
    this.clock = clock;
    this.settings = settings;
    this.link = link;
    this.onFatal = onFatal;
    List<RaftPeer> peers = new ArrayList<>();
    for (ClusterMember m : settings.members()) {
      peers.add(RaftPeer.newBuilder().setId(m.id()).setAddress(m.raftAddress()).build());
    }
    // One chain, one Raft group; its id follows from the chain's name, so members agree on it.
    this.group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("veriflow-chain:" + ledger.chainId()).getBytes(StandardCharsets.UTF_8))), peers);
    this.selfId = RaftPeerId.valueOf(settings.selfId());
    this.background = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "veriflow-raft-background");
      t.setDaemon(true);
      return t;
    });
    this.stateMachine = new BlockStateMachine(ledger, settings, link, background, this::leaderChanged, this::fatal, this::checkedHere);
    ledger.onCommit(block -> {
      synchronized (unconfirmed) {
        if (!unconfirmed.isEmpty()) {
          block.transactions().forEach(tx -> unconfirmed.remove(tx.id()));
        }
      }
      synchronized (relayedChecked) {
        if (!relayedChecked.isEmpty()) {
          block.transactions().forEach(tx -> relayedChecked.remove(tx.id()));
        }
      }
    });
    this.cutter = new Thread(this::cutBlocks, "veriflow-raft-orderer");
    this.cutter.setDaemon(true);
  }

  @Override
  public synchronized void start() {
    if (running) {
      return;
    }
    try {
      server = RaftServer.newBuilder()
          .setGroup(group)
          .setServerId(selfId)
          .setStateMachine(stateMachine)
          .setProperties(RaftSettings.of(settings))
          .setParameters(RaftSettings.parameters(settings, tls))
          .setOption(RaftStorage.StartupOption.RECOVER)
          .build();
      server.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the Raft server on " + settings.self().raftAddress() + ": " + e.getMessage(), e);
    }
    running = true;
    cutter.start();
    LOG.info("member {} of a {}-member cluster, Raft on {} ({})", settings.selfId(), settings.members().size(), settings.self().raftAddress(),
        tls.isPresent() ? "mutual TLS" : "plain gRPC, unauthenticated");
  }

  private RaftServer.Division division() {
    try {
      return server.getDivision(group.getGroupId());
    } catch (IOException e) {
      throw new IllegalStateException("the Raft group is not running on this node: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Rejection> submit(VerifiedTx tx) {
    return submit(List.of(tx), false).get(0);
  }

  @Override
  public Optional<Rejection> submitRelayed(VerifiedTx tx) {
    return submit(List.of(tx), true).get(0);
  }

  @Override
  public List<Optional<Rejection>> submitAll(List<VerifiedTx> txs) {
    return submit(txs, false);
  }

  @Override
  public List<Optional<Rejection>> submitRelayed(List<VerifiedTx> txs) {
    return submit(txs, true);
  }

  /**
   * The leader pools the transactions; a follower relays them to the leader it knows, unless they
   * were relayed to it already (two nodes that each believe the other leads must not pass them
   * back and forth).
   */
  private List<Optional<Rejection>> submit(List<VerifiedTx> txs, boolean relayed) {
    // An election is a transient state: a submission that meets one (no leader known, or a leader
    // that no longer answers) waits for the next leader, up to a bound, before it is refused.
    long deadline = System.nanoTime() + electionWaitNanos();
    RaftPeerId unreachable = null;
    while (true) {
      if (!running) {
        return all(txs, new Rejection(RejectionCode.LEADER_UNREACHABLE, "this node's orderer is not running"));
      }
      RaftServer.Division d = division();
      if (d.getInfo().isLeader()) {
        return txs.stream().map(mempool::add).toList();
      }
      RaftPeerId leader = d.getInfo().getLeaderId();
      if (leader != null && relayed) {
        return all(txs, new Rejection(RejectionCode.LEADER_UNREACHABLE,
            "relayed to " + settings.selfId() + ", which does not lead (the leader is " + leader + "); resubmit"));
      }
      if (leader != null && !leader.equals(unreachable)) {
        ClusterMember m = settings.member(leader.toString());
        if (m == null) {
          return all(txs, new Rejection(RejectionCode.LEADER_UNREACHABLE, "the leader " + leader + " is not a configured member"));
        }
        checkedBeforeRelay(txs);
        List<Optional<Rejection>> answers = link.relay(m, txs);
        forgetRefused(txs, answers);
        boolean leaderDown = answers.stream().allMatch(a -> a.isPresent() && a.get().code() == RejectionCode.LEADER_UNREACHABLE);
        if (!leaderDown || System.nanoTime() > deadline) {
          remember(txs, answers);
          return answers;
        }
        unreachable = leader;
      }
      if (System.nanoTime() > deadline) {
        return all(txs, leader == null ? noLeader() : new Rejection(RejectionCode.LEADER_UNREACHABLE,
            "the leader " + leader + " does not answer and no other was elected in time; resubmit"));
      }
      awaitLeaderChange(deadline);
    }
  }

  /**
   * How long a submission or a read waits out an election: three of the longest election timeouts,
   * and at least ten seconds (on a loaded machine an election can take several rounds).
   */
  private long electionWaitNanos() {
    return TimeUnit.MILLISECONDS.toNanos(Math.max(MIN_ELECTION_WAIT_MILLIS, 3 * 2 * settings.electionTimeout().toMillis()));
  }

  private static final long MIN_ELECTION_WAIT_MILLIS = 10_000;

  private void awaitLeaderChange(long deadline) {
    synchronized (leadership) {
      try {
        leadership.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()), IDLE_POLL_MILLIS)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void checkedBeforeRelay(List<VerifiedTx> txs) {
    synchronized (relayedChecked) {
      for (VerifiedTx tx : txs) {
        relayedChecked.put(tx.id(), tx);
      }
      for (var it = relayedChecked.entrySet().iterator(); relayedChecked.size() > MAX_RELAYED && it.hasNext(); ) {
        it.next();
        it.remove();
      }
    }
  }

  private void forgetRefused(List<VerifiedTx> txs, List<Optional<Rejection>> answers) {
    synchronized (relayedChecked) {
      for (int i = 0; i < txs.size(); i++) {
        if (answers.get(i).isPresent()) {
          relayedChecked.remove(txs.get(i).id());
        }
      }
    }
  }

  /** The transaction with this id that this node checked and relayed, if it still holds it. */
  private VerifiedTx checkedHere(Hash id) {
    VerifiedTx tx;
    synchronized (relayedChecked) {
      tx = relayedChecked.get(id);
    }
    if (tx != null) {
      checksReused.increment();
    }
    return tx;
  }

  /**
   * How many transactions of received blocks this node has found among those it checked and
   * relayed itself, since it started (each is verified again only if its bytes differ).
   */
  public long relayedChecksFound() {
    return checksReused.sum();
  }

  /** Keeps what the leader accepted until it is seen committed, to relay it again if the leader changes first. */
  private void remember(List<VerifiedTx> txs, List<Optional<Rejection>> answers) {
    synchronized (unconfirmed) {
      for (int i = 0; i < txs.size(); i++) {
        if (answers.get(i).isEmpty()) {
          unconfirmed.put(txs.get(i).id(), txs.get(i));
        }
      }
      for (var it = unconfirmed.entrySet().iterator(); unconfirmed.size() > MAX_RELAYED && it.hasNext(); ) {
        it.next();
        it.remove();
      }
    }
  }

  /**
   * After a leader change: what this node relayed and has not seen committed goes to the new leader
   * (or into this node's pool if it now leads). A refusal other than "already pending or committed"
   * ends the submitter's wait with it.
   */
  private void relayAgain(RaftPeerId leader) {
    List<VerifiedTx> again;
    synchronized (unconfirmed) {
      again = new ArrayList<>(unconfirmed.values());
    }
    if (again.isEmpty()) {
      return;
    }
    List<Optional<Rejection>> answers;
    if (leader.equals(selfId)) {
      answers = again.stream().map(mempool::add).toList();
    } else {
      ClusterMember m = settings.member(leader.toString());
      if (m == null) {
        return;
      }
      answers = link.relay(m, again);
    }
    int refused = 0;
    for (int i = 0; i < again.size(); i++) {
      Optional<Rejection> r = answers.get(i);
      if (r.isPresent() && r.get().code() != RejectionCode.DUPLICATE_TX) {
        refused++;
        synchronized (unconfirmed) {
          unconfirmed.remove(again.get(i).id());
        }
        mempool.reportDropped(again.get(i).id(), r.get());
      }
    }
    LOG.info("relayed {} transactions again to the new leader {} ({} refused)", again.size(), leader, refused);
  }

  private static List<Optional<Rejection>> all(List<VerifiedTx> txs, Rejection r) {
    return txs.stream().map(tx -> Optional.of(r)).toList();
  }

  private Rejection noLeader() {
    // Ratis counts no vote from a member whose Raft log is empty once anything has been committed
    // (a member started afresh, or whose storage was wiped, must not elect a leader that lacks
    // committed entries): such a member is up but does not make up a majority.
    return new Rejection(RejectionCode.NO_QUORUM, "the cluster has no leader: member " + settings.selfId() + " found no majority ("
        + (settings.members().size() / 2 + 1) + " of " + settings.members().size() + " members) to elect one within "
        + TimeUnit.NANOSECONDS.toSeconds(electionWaitNanos()) + " s; a member that is down, or whose Raft log is still empty, does not count; "
        + "retry when more are up");
  }

  /**
   * A linearizable read through Raft's read index. While an election is under way no member can
   * answer, so a failure is retried (woken by the next leader change) for as long as a submission
   * waits out an election before it is reported.
   */
  @Override
  public boolean awaitLatest() {
    long deadline = System.nanoTime() + electionWaitNanos();
    while (true) {
      String failure;
      try {
        RaftClientReply reply = server.submitClientRequestAsync(request(Message.EMPTY, RaftClientRequest.readRequestType()))
            .get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (reply.isSuccess()) {
          return true;
        }
        failure = String.valueOf(reply.getException());
      } catch (IOException | ExecutionException | TimeoutException e) {
        failure = e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the latest commit", e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(noLeader().message() + " (" + failure + ")");
      }
      awaitLeaderChange(deadline);
      if (Thread.currentThread().isInterrupted()) {
        throw new IllegalStateException("interrupted while waiting for the latest commit");
      }
    }
  }

  /** What this node knows of its cluster. */
  public ClusterStatus status() {
    RaftServer.Division d = division();
    RaftPeerId leader = d.getInfo().getLeaderId();
    RoleInfoProto role = d.getInfo().getRoleInfoProto();
    List<ClusterStatus.Follower> followers = new ArrayList<>();
    if (role.getRole() == RaftPeerRole.LEADER) {
      long[] match = d.getInfo().getFollowerMatchIndices();
      var infos = role.getLeaderInfo().getFollowerInfoList();
      for (int i = 0; i < infos.size(); i++) {
        followers.add(new ClusterStatus.Follower(infos.get(i).getId().getId().toString(StandardCharsets.UTF_8),
            i < match.length ? match[i] : -1, infos.get(i).getLastRpcElapsedTimeMs()));
      }
    }
    return new ClusterStatus(settings.selfId(), d.getInfo().getCurrentRole().name(), leader == null ? null : leader.toString(),
        d.getInfo().getCurrentTerm(), d.getRaftLog().getLastCommittedIndex(), d.getInfo().getLastAppliedIndex(), d.getRaftLog().getStartIndex(),
        settings.members(), followers);
  }

  /**
   * What this member's Raft server knows now (leader, contact with the other members, commit and
   * applied indices), for a readiness check. Read-only; does not wait for the cluster.
   *
   * @return the view; not running (and nothing known) before {@link #start} or after a failure
   */
  public RaftHealth health() {
    long electionMillis = settings.electionTimeout().toMillis();
    int size = settings.members().size();
    if (!running || server == null) {
      return new RaftHealth(false, null, false, size, -1, -1, electionMillis, -1, -1);
    }
    RaftServer.Division d = division();
    RaftPeerId leader = d.getInfo().getLeaderId();
    RoleInfoProto role = d.getInfo().getRoleInfoProto();
    boolean leading = role.getRole() == RaftPeerRole.LEADER;
    int inContact = -1;
    long leaderContact = -1;
    if (leading) {
      inContact = 1;
      for (var f : role.getLeaderInfo().getFollowerInfoList()) {
        if (f.getLastRpcElapsedTimeMs() <= electionMillis) {
          inContact++;
        }
      }
    } else if (role.getRole() == RaftPeerRole.FOLLOWER && role.hasFollowerInfo()) {
      leaderContact = role.getFollowerInfo().getLeaderInfo().getLastRpcElapsedTimeMs();
    }
    return new RaftHealth(true, leader == null ? null : leader.toString(), leading, size, inContact, leaderContact, electionMillis,
        d.getRaftLog().getLastCommittedIndex(), d.getInfo().getLastAppliedIndex());
  }

  private RaftClientRequest request(Message message, RaftClientRequest.Type type) {
    return RaftClientRequest.newBuilder()
        .setClientId(clientId)
        .setServerId(selfId)
        .setGroupId(group.getGroupId())
        .setCallId(callIds.incrementAndGet())
        .setMessage(message)
        .setType(type)
        .build();
  }

  // ------------------------------------------------------------ the leader's loop

  private void cutBlocks() {
    try {
      while (running) {
        if (!readyToLead()) {
          continue;
        }
        List<VerifiedTx> batch = mempool.takeBatch(settings.maxBlockTxs(), settings.maxBlockBytes(), settings.maxBlockDelay().toMillis(), IDLE_POLL_MILLIS);
        if (batch.isEmpty()) {
          continue;
        }
        if (!propose(batch)) {
          mempool.requeue(batch);
          if (!division().getInfo().isLeader()) {
            releasePool(division().getInfo().getLeaderId());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (running) {
        fatal(new IllegalStateException("the orderer was interrupted while the node was running", e));
      }
    } catch (RuntimeException | Error e) {
      fatal(e);
    }
  }

  /**
   * Whether this node leads and has applied everything committed (so that a block it cuts extends
   * the latest head); otherwise waits a little for that.
   */
  private boolean readyToLead() throws InterruptedException {
    RaftServer.Division d = division();
    if (!d.getInfo().isLeader() && mempool.size() > 0) {
      // Accepted just as this node stopped leading: let go of them too.
      releasePool(d.getInfo().getLeaderId());
    }
    if (!d.getInfo().isLeader() || !d.getInfo().isLeaderReady()) {
      synchronized (leadership) {
        leadership.wait(IDLE_POLL_MILLIS);
      }
      return false;
    }
    long committed = d.getRaftLog().getLastCommittedIndex();
    return stateMachine.awaitApplied(committed, IDLE_POLL_MILLIS);
  }

  /** Executes, signs and proposes one block; true once it is committed here, false if it was not. */
  private boolean propose(List<VerifiedTx> batch) throws InterruptedException {
    ExecutedBlock block = ledger.execute(clock.millis(), batch);
    byte[] bytes = block.toBlock(List.of(block.signWith(key))).toByteArray();
    stateMachine.proposing(block);
    RaftClientRequest request = request(Message.valueOf(UnsafeByteOperations.unsafeWrap(bytes)), RaftClientRequest.writeRequestType());
    CompletableFuture<RaftClientReply> future;
    try {
      future = server.submitClientRequestAsync(request);
    } catch (IOException e) {
      LOG.warn("cannot propose block {}: {}", block.height(), e.getMessage());
      return false;
    }
    RaftClientReply reply;
    try {
      reply = future.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("block {} ({} transactions) was not committed within {} ms: {}; its transactions are pending again", block.height(),
          batch.size(), settings.requestTimeout().toMillis(), e.toString());
      return false;
    }
    if (!reply.isSuccess()) {
      LOG.info("block {} ({} transactions) was not committed: {}; its transactions are pending again", block.height(), batch.size(),
          reply.getException() == null ? "no reason given" : reply.getException().getMessage());
      return false;
    }
    ByteString outcome = ByteString.copyFrom(reply.getMessage().getContent().toByteArray());
    return outcome.toStringUtf8().equals("COMMITTED");
  }

  /**
   * Told when the leader changes (or this node's leadership becomes ready). A node that led and no
   * longer does lets go of its pool: to the new leader, or back to its submitters when there is none.
   */
  private void leaderChanged(RaftPeerId newLeader) {
    synchronized (leadership) {
      leadership.notifyAll();
    }
    logLeader(newLeader);
    boolean leadsNow = selfId.equals(newLeader);
    if (wasLeader && !leadsNow && running) {
      background.execute(() -> releasePool(newLeader));
    }
    if (newLeader != null && running) {
      background.execute(() -> relayAgain(newLeader));
    }
    wasLeader = leadsNow;
  }

  /** Says, once per change, which member leads and in which term, as this member learns it. */
  private void logLeader(RaftPeerId newLeader) {
    long term;
    try {
      term = division().getInfo().getCurrentTerm();
    } catch (IllegalStateException notRunning) {
      return;
    }
    String seen = newLeader + "@" + term;
    if (seen.equals(lastLeaderLogged)) {
      return;
    }
    lastLeaderLogged = seen;
    if (newLeader == null) {
      LOG.info("no member leads in term {}", term);
    } else if (newLeader.equals(selfId)) {
      LOG.info("this member ({}) leads in term {}", selfId, term);
    } else {
      LOG.info("member {} leads in term {}", newLeader, term);
    }
  }

  /**
   * Empties the pool of a node that no longer leads: its transactions go to {@code leader} if one
   * is known (their submitters keep waiting for the block on the node they asked), else they are
   * dropped with {@code NO_QUORUM}, so that no submitter waits for a block that cannot come.
   */
  private void releasePool(RaftPeerId leader) {
    ClusterMember m = leader == null || leader.equals(selfId) ? null : settings.member(leader.toString());
    if (m == null) {
      int dropped = mempool.dropAll(noLeader());
      if (dropped > 0) {
        LOG.info("no leader: {} pending transactions refused with {}", dropped, RejectionCode.NO_QUORUM);
      }
      return;
    }
    List<VerifiedTx> pending = mempool.drain();
    List<Optional<Rejection>> answers = pending.isEmpty() ? List.of() : link.relay(m, pending);
    int refused = 0;
    for (int i = 0; i < answers.size(); i++) {
      if (answers.get(i).isPresent()) {
        refused++;
        mempool.reportDropped(pending.get(i).id(), answers.get(i).get());
      }
    }
    if (!pending.isEmpty()) {
      LOG.info("handed {} pending transactions to the new leader {} ({} refused)", pending.size(), m.id(), refused);
    }
  }

  private void fatal(Throwable e) {
    if (running) {
      running = false;
      onFatal.accept(e);
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    cutter.interrupt();
    try {
      cutter.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        LOG.warn("closing the Raft server: {}", e.getMessage());
      }
    }
    background.shutdownNow();
  }
}
