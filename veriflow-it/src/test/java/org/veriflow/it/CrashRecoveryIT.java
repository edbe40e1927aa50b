package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.IdentityKind;

/**
 * Nothing acknowledged is lost: a node in its own JVM, under continuous submission from several
 * senders, is killed with SIGKILL at random moments, 20 times. After each kill the store passes
 * {@code ledger verify}; after each restart every transaction acknowledged before the kill is
 * committed; at the end every acknowledged transaction of every round is.
 */
class CrashRecoveryIT {
  private static final int ROUNDS = 20;
  private static final int SENDERS = 4;

  @TempDir Path tmp;

  @Test
  void kill9_underLoad_keepsEveryAcknowledgedTransaction() throws Exception {
    Path dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-crash", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    int port = LoopbackPorts.free();
    Path log = tmp.resolve("node.log");
    VeriflowClient client = new VeriflowClient(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(10));
    Random random = new Random(20261121L);

    // Senders: members of one organisation, funded by the administrator.
    List<SigningKey> senders = new ArrayList<>();
    try (NodeProcess node = NodeProcess.start(dir, port, log, Duration.ofSeconds(60))) {
      SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
      TransactionBuilder admin = new TransactionBuilder("veriflow-crash", setup.admin(), 0, 1_000_000);
      assertThat(client.submit(admin.registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "org", List.of()), true).committed()).isTrue();
      TransactionBuilder orgTx = new TransactionBuilder("veriflow-crash", org, 0, 1_000_000);
      for (int i = 0; i < SENDERS; i++) {
        SigningKey k = SigningKey.generate(SignatureAlgorithm.ED25519);
        senders.add(k);
        assertThat(client.submit(orgTx.registerIdentity(k.publicKey(), IdentityKind.MEMBER, "s" + i, List.of()), true).committed()).isTrue();
        assertThat(client.submit(admin.transfer(k.id().value(), 1_000_000, ""), true).committed()).isTrue();
      }
      node.kill();
    }

    List<String> everyAck = new ArrayList<>();
    List<String> lastRound = List.of();
    int totalKills = 0;
    for (int round = 0; round < ROUNDS; round++) {
      NodeProcess node = NodeProcess.start(dir, port, log, Duration.ofSeconds(60));
      // The transactions acknowledged before the last kill must all be here after the restart.
      assertAllCommitted(client, lastRound);

      ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
      List<Future<?>> workers = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        SigningKey from = senders.get(s);
        String to = senders.get((s + 1) % SENDERS).id().value();
        workers.add(pool.submit(() -> submitUntilStopped(client, from, to, acked, stop)));
      }
      long runMillis = 300 + random.nextInt(1200);
      long until = System.nanoTime() + runMillis * 1_000_000L;
      while (System.nanoTime() < until && node.isAlive()) {
        Thread.onSpinWait();
      }
      node.kill();
      totalKills++;
      stop.set(true);
      for (Future<?> w : workers) {
        w.get();
      }
      pool.shutdown();
      lastRound = List.copyOf(acked);
      everyAck.addAll(lastRound);

      Veriflow.Captured verify = Veriflow.capture("ledger", "verify", "--dir", dir.toString());
      assertThat(verify.exitCode()).as("ledger verify after kill %d: %s", totalKills, verify.err()).isZero();
    }

    try (NodeProcess node = NodeProcess.start(dir, port, log, Duration.ofSeconds(60))) {
      assertAllCommitted(client, everyAck);
      assertThat(everyAck).doesNotHaveDuplicates();
    }
    System.out.printf("crash test: %d kills with SIGKILL, %d acknowledged transactions, all committed%n", totalKills, everyAck.size());
    assertThat(totalKills).isGreaterThanOrEqualTo(20);
    assertThat(everyAck).as("transactions acknowledged across all rounds").hasSizeGreaterThan(ROUNDS);
  }

  /** Submits transfers one at a time with wait=true; records each acknowledged (durable) id. */
  private static Void submitUntilStopped(VeriflowClient client, SigningKey from, String to, ConcurrentLinkedQueue<String> acked, AtomicBoolean stop) {
    TransactionBuilder b = null;
    while (!stop.get()) {
      try {
        if (b == null) {
          b = new TransactionBuilder("veriflow-crash", from, client.account(from.id().value()).nonce(), 1_000_000);
        }
        Responses.TxInfo info = client.submit(b.transfer(to, 1, ""), true);
        if (info.inBlock()) {
          acked.add(info.id());
        } else {
          b = null; // not acknowledged in time: resynchronise the nonce with the node
        }
      } catch (ClientException e) {
        // The node died mid-request, or refused a nonce after a restart: resynchronise.
        b = null;
      }
    }
    return null;
  }

  private static void assertAllCommitted(VeriflowClient client, List<String> ids) {
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      Responses.TxInfo t = client.transaction(id);
      if (!t.committed()) {
        missing.add(id + " is " + t.status());
      }
    }
    assertThat(missing).as("acknowledged transactions that are not committed").isEmpty();
  }
}
