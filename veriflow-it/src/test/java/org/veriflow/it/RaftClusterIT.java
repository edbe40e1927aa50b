package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.node.NodeConfig;

/**
 * Clusters of real processes on loopback, ordered through Raft: agreement with submissions spread
 * over every member (three and five members), the leader killed with SIGKILL ten times under load,
 * a member catching up from the log and from past a snapshot, and a cluster that keeps committing
 * with one member of three down and refuses writes clearly with two down.
 */
class RaftClusterIT {
  private static final String CHAIN = "veriflow-cluster";
  private static final Duration SETTLE = Duration.ofSeconds(120);
  /** Short elections keep the kill test quick; long enough for pauses on a loaded two-core machine. */
  private static final Map<String, String> FAST = Map.of(NodeConfig.CLUSTER_ELECTION_TIMEOUT.name(), "700", NodeConfig.VERIFIER_ENABLED.name(), "false");

  @TempDir Path tmp;

  /** Registers {@code count} member identities under one organisation and funds them; returns their keys. */
  private static List<SigningKey> senders(VeriflowClient client, SigningKey admin, int count) {
    SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
    TransactionBuilder a = new TransactionBuilder(CHAIN, admin, client.account(admin.id().value()).nonce(), 1_000_000);
    committed(client, a.registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "org", List.of()));
    TransactionBuilder o = new TransactionBuilder(CHAIN, org, 0, 1_000_000);
    List<SigningKey> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SigningKey k = SigningKey.generate(SignatureAlgorithm.ED25519);
      keys.add(k);
      committed(client, o.registerIdentity(k.publicKey(), IdentityKind.MEMBER, "sender" + i, List.of()));
      committed(client, a.transfer(k.id().value(), 1_000_000, ""));
    }
    return keys;
  }

  private static void committed(VeriflowClient client, SignedTransaction tx) {
    Responses.TxInfo info = client.submit(tx, true);
    assertThat(info.committed()).as("%s %s %s", info.status(), info.code(), info.message()).isTrue();
  }

  /** Every running member at one height with one block hash and one state hash; returns that height. */
  private static long assertAgreement(LocalCluster cluster) throws Exception {
    List<Responses.ClusterInfo> views = cluster.awaitSameHead(SETTLE);
    Responses.ClusterInfo first = views.get(0);
    for (Responses.ClusterInfo v : views) {
      assertThat(v.height()).isEqualTo(first.height());
      assertThat(v.blockHash()).as("block hash of %s at %d", v.self(), v.height()).isEqualTo(first.blockHash());
      assertThat(v.stateHash()).as("state hash of %s at %d", v.self(), v.height()).isEqualTo(first.stateHash());
    }
    return first.height();
  }

  /** Transfers sent round-robin to every member commit, and all members agree, checkpoints included. */
  private void roundRobinAgreement(int size) throws Exception {
    try (LocalCluster cluster = LocalCluster.init(tmp.resolve("c" + size), size, FAST)) {
      cluster.startAll();
      SigningKey admin = cluster.admin();
      SigningKey receiver = senders(cluster.client(0), admin, 1).get(0);
      TransactionBuilder b = new TransactionBuilder(CHAIN, admin, cluster.client(1).account(admin.id().value()).nonce(), 1_000_000);
      List<String> ids = new ArrayList<>();
      int count = 10 * size;
      for (int i = 0; i < count; i++) {
        SignedTransaction tx = b.transfer(receiver.id().value(), 1, "round robin " + i);
        Responses.TxInfo info = cluster.client(i % size).submit(tx, true);
        assertThat(info.committed()).as("transfer %d through node%d: %s %s %s", i, i % size + 1, info.status(), info.code(), info.message()).isTrue();
        ids.add(info.id());
      }
      long height = assertAgreement(cluster);
      for (int i = 0; i < size; i++) {
        VeriflowClient c = cluster.client(i);
        assertThat(c.account(receiver.id().value()).balance()).isEqualTo(1_000_000L + count);
        for (String id : ids) {
          assertThat(c.transaction(id).committed()).isTrue();
        }
        // Each member signs its own checkpoint at the common height; all name the same block and state.
        Responses.SignedCheckpoint cp = c.checkpoint(height);
        cp.verify(c.chain().orderers());
        assertThat(cp.blockHash()).isEqualTo(cluster.client(0).checkpoint(height).blockHash());
        assertThat(cp.stateHash()).isEqualTo(cluster.client(0).checkpoint(height).stateHash());
      }
      Veriflow.Captured status = Veriflow.capture("cluster", "status", "--node", cluster.client(0).base().toString());
      assertThat(status.exitCode()).as(status.err()).isZero();
      Veriflow.Captured checkpoints = Veriflow.capture("cluster", "checkpoints", "--node", cluster.client(0).base().toString(), "--height", Long.toString(height));
      assertThat(checkpoints.exitCode()).as(checkpoints.out() + checkpoints.err()).isZero();
      System.out.printf("cluster of %d: %d transfers round-robin, all members at height %d with one state hash%n", size, count, height);
    }
  }

  @Test
  void threeNodes_submissionsToEveryNode_allAgree() throws Exception {
    roundRobinAgreement(3);
  }

  @Test
  void fiveNodes_submissionsToEveryNode_allAgree() throws Exception {
    roundRobinAgreement(5);
  }

  @Test
  void leaderKilledTenTimesUnderLoad_noAcknowledgedTransactionLostOrDuplicated() throws Exception {
    try (LocalCluster cluster = LocalCluster.init(tmp.resolve("kill"), 3, FAST)) {
      cluster.startAll();
      List<SigningKey> senders = senders(cluster.client(0), cluster.admin(), 3);
      // Every member holds the chain before the first kill: Ratis counts no vote from a member whose
      // Raft log is still empty (docs/cluster.md, Failures).
      assertAgreement(cluster);
      ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger refusals = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(senders.size());
      List<Future<?>> workers = new ArrayList<>();
      for (int s = 0; s < senders.size(); s++) {
        SigningKey from = senders.get(s);
        String to = senders.get((s + 1) % senders.size()).id().value();
        int first = s;
        workers.add(pool.submit(() -> submitUntilStopped(cluster, first, from, to, acked, refusals, stop)));
      }
      int kills = 0;
      ExecutorService restarts = Executors.newSingleThreadExecutor();
      Future<?> restarting = null;
      for (int round = 0; round < 10; round++) {
        // The member killed last round is back (two down would stop the cluster), and the load has
        // committed blocks since: a leader is in office.
        if (restarting != null) {
          restarting.get();
        }
        int watcher = round % 3;
        long h = cluster.client(watcher).cluster().height();
        assertThat(cluster.awaitHeight(watcher, h + 3, SETTLE)).as("progress before kill %d", round + 1).isTrue();
        int leader = cluster.leader();
        assertThat(leader).as("a leader before kill %d", round + 1).isNotNegative();
        cluster.kill(leader);
        kills++;
        // The killed member restarts while the others elect a new leader and go on.
        restarting = restarts.submit(() -> {
          cluster.start(leader);
          return null;
        });
        int survivor = (leader + 1) % 3;
        long after = cluster.client(survivor).cluster().height();
        assertThat(cluster.awaitHeight(survivor, after + 2, SETTLE)).as("progress after kill %d", round + 1).isTrue();
      }
      restarting.get();
      restarts.shutdown();
      stop.set(true);
      for (Future<?> w : workers) {
        w.get();
      }
      pool.shutdown();
      long height = assertAgreement(cluster);

      // Every acknowledged transaction is committed on every member, and in exactly one block.
      List<String> ids = List.copyOf(acked);
      assertThat(ids).doesNotHaveDuplicates();
      for (int i = 0; i < 3; i++) {
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
          if (!cluster.client(i).transaction(id).committed()) {
            missing.add(id);
          }
        }
        assertThat(missing).as("acknowledged transactions missing on node%d", i + 1).isEmpty();
      }
      Map<String, Integer> inclusions = new HashMap<>();
      for (long hh = 1; hh <= height; hh++) {
        for (String tx : cluster.client(0).block(hh).transactions()) {
          inclusions.merge(tx, 1, Integer::sum);
        }
      }
      Set<String> twice = new HashSet<>();
      for (String id : ids) {
        if (inclusions.getOrDefault(id, 0) != 1) {
          twice.add(id + " in " + inclusions.getOrDefault(id, 0) + " blocks");
        }
      }
      assertThat(twice).as("acknowledged transactions not in exactly one block").isEmpty();
      System.out.printf("leader kill test: %d SIGKILLs of the leader, %d acknowledged transactions, all committed once on all 3 members "
          + "(height %d; %d submissions refused or unanswered during elections and resubmitted)%n", kills, ids.size(), height, refusals.get());
      assertThat(kills).isGreaterThanOrEqualTo(10);
      assertThat(ids).hasSizeGreaterThan(50);
    }
  }

  /**
   * One sender's loop: transfers one at a time with wait=true, to the members in turn; records each
   * acknowledged one. A refusal or an unanswered submission (the member died, an election) moves on
   * to the next member with the nonce read again from the chain.
   */
  private static Void submitUntilStopped(LocalCluster cluster, int first, SigningKey from, String to, ConcurrentLinkedQueue<String> acked,
      AtomicInteger refusals, AtomicBoolean stop) {
    TransactionBuilder b = null;
    int node = first;
    while (!stop.get()) {
      node = (node + 1) % cluster.size();
      if (!cluster.running(node)) {
        continue;
      }
      VeriflowClient c = cluster.client(node);
      try {
        if (b == null) {
          b = new TransactionBuilder(CHAIN, from, c.account(from.id().value()).nonce(), 1_000_000);
        }
        Responses.TxInfo info = c.submit(b.transfer(to, 1, ""), true);
        if (info.inBlock()) {
          acked.add(info.id());
        } else {
          refusals.incrementAndGet();
          b = null;
        }
      } catch (ClientException e) {
        refusals.incrementAndGet();
        b = null;
      }
    }
    return null;
  }

  @Test
  void stoppedFollowerCatchesUpFromTheLogAndFromPastASnapshot() throws Exception {
    Map<String, String> settings = new HashMap<>(FAST);
    // Small segments and frequent snapshots, so that the log is purged while the follower is down.
    settings.put(NodeConfig.CLUSTER_SNAPSHOT_INTERVAL.name(), "8");
    settings.put(NodeConfig.CLUSTER_LOG_SEGMENT_BYTES.name(), Integer.toString(64 * 1024));
    try (LocalCluster cluster = LocalCluster.init(tmp.resolve("catchup"), 3, settings)) {
      cluster.startAll();
      SigningKey admin = cluster.admin();
      List<SigningKey> senders = senders(cluster.client(0), admin, 1);
      int follower = (cluster.leader() + 1) % 3;
      int other = 3 - follower - cluster.leader();

      // Down for a few blocks: back from the leader's log.
      cluster.kill(follower);
      TransactionBuilder b = new TransactionBuilder(CHAIN, senders.get(0), 0, 1_000_000);
      for (int i = 0; i < 5; i++) {
        committed(cluster.client(other), b.transfer(admin.id().value(), 1, "while down " + i));
      }
      cluster.start(follower);
      assertAgreement(cluster);

      // Down while the others snapshot and purge their logs past everything the follower has: it can
      // only come back by installing a snapshot (fetching blocks), not from the log.
      long behind = cluster.client(follower).cluster().appliedIndex();
      cluster.kill(follower);
      String memo = "x".repeat(250);
      int sent = 0;
      while (!purgedPast(cluster, follower, behind + 20)) {
        for (int i = 0; i < 20; i++) {
          committed(cluster.client(other), b.transfer(admin.id().value(), 1, memo));
        }
        sent += 20;
        assertThat(sent).as("blocks committed before the others' logs were purged past the follower").isLessThan(5_000);
      }
      cluster.start(follower);
      long height = assertAgreement(cluster);
      // And it goes on with the others.
      committed(cluster.client(follower), b.transfer(admin.id().value(), 1, "after catching up"));
      assertThat(assertAgreement(cluster)).isGreaterThan(height);
      // Read only now: the fetched blocks are visible as they commit, before the installation is
      // logged as complete, and Ratis appends new entries on the follower only after it completes.
      String log = Files.readString(cluster.log(follower));
      assertThat(log).as("the follower installed a snapshot: fetched blocks past the purged log").contains("installed the ledger up to height");
      System.out.printf("catch-up test: follower back from the log, then, after %d blocks purged from the others' logs, from past a snapshot to height %d%n",
          sent, height);
    }
  }

  /** Whether every running member but {@code down} has purged its Raft log past {@code index}. */
  private static boolean purgedPast(LocalCluster cluster, int down, long index) {
    for (int i = 0; i < cluster.size(); i++) {
      if (i != down && cluster.running(i) && cluster.client(i).cluster().logStartIndex() <= index) {
        return false;
      }
    }
    return true;
  }

  @Test
  void oneOfThreeDownKeepsCommitting_twoDownRefusesWritesClearly() throws Exception {
    try (LocalCluster cluster = LocalCluster.init(tmp.resolve("quorum"), 3, FAST)) {
      cluster.startAll();
      SigningKey admin = cluster.admin();
      List<SigningKey> senders = senders(cluster.client(0), admin, 1);
      // All three hold the chain before the leader goes: with the leader gone, a member whose Raft log
      // is still empty would not count towards electing the next one (docs/cluster.md, Failures).
      assertAgreement(cluster);
      TransactionBuilder b = new TransactionBuilder(CHAIN, senders.get(0), 0, 1_000_000);
      int first = cluster.leader();
      cluster.kill(first);
      int a = (first + 1) % 3;
      int c = (first + 2) % 3;
      for (int i = 0; i < 5; i++) {
        committed(cluster.client(i % 2 == 0 ? a : c), b.transfer(admin.id().value(), 1, "one down " + i));
      }
      assertAgreement(cluster);

      cluster.kill(c);
      SignedTransaction tx = b.transfer(admin.id().value(), 1, "two down");
      long started = System.nanoTime();
      ClientException refused = null;
      Responses.TxInfo answer = null;
      try {
        answer = cluster.client(a).submit(tx, true);
      } catch (ClientException e) {
        refused = e;
      }
      long seconds = (System.nanoTime() - started) / 1_000_000_000L;
      assertThat(answer).as("a write with two of three members down must be refused, not answered %s", answer).isNull();
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.code()).isIn("NO_QUORUM", "LEADER_UNREACHABLE");
      assertThat(seconds).as("refused within the wait, not left hanging").isLessThan(40);
      System.out.printf("quorum test: one down kept committing; two down refused with %s in %d s: %s%n", refused.code(), seconds, refused.getMessage());
    }
  }
}
