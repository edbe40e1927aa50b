package org.veriflow.demo.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.proto.contracts.IdentityKind;

/**
 * The submit load generator: registers {@code senders} members of a fresh organisation, funds them,
 * pre-signs {@code txs} credit transfers among them, then submits them all with {@code ?wait=true}
 * ({@code concurrency} in flight) and measures committed transfers per second and the
 * submit-to-durable latency of each. Next to it, it measures the signature-verification ceiling of
 * this machine in the same run: Ed25519 verifications per second of the same transactions on all
 * cores. The ratio of the two says how close the node's pipeline comes to the cryptography's limit.
 *
 * <p>Given several nodes (members of one cluster), it sets up through the first and spreads the
 * measured requests round-robin over all of them, request by request; each request is still timed
 * from its submission to the answer of the node it went to, that is until the block is durable on
 * that node. With one node it behaves as it always did.
 */
public final class SubmitLoad {
  /** What one run measured. */
  public record Result(int txs, int senders, int committed, int failed, double seconds, double txPerSecond,
      double p50Millis, double p99Millis, double maxMillis, double verifyPerSecond, int cores) {
    public double ratio() {
      return txPerSecond / verifyPerSecond;
    }
  }

  private final List<VeriflowClient> clients;
  private final SigningKey admin;
  private final ProgressListener progress;

  /**
   * A load on one node.
   *
   * @param client the node to load
   * @param admin an administrator's key with credits: it registers and funds the senders
   * @param progress told of each step as it starts (with 0 of 0 units) and of the signature ceiling once
   *     measured (its figure in the detail)
   */
  public SubmitLoad(VeriflowClient client, SigningKey admin, ProgressListener progress) {
    this(List.of(client), admin, progress);
  }

  /**
   * @param clients the nodes to submit to, all of one chain; set-up goes through the first, the
   *     measured requests round-robin over all
   * @param admin an administrator's key with credits: it registers and funds the senders
   * @param progress told of each step as it starts (with 0 of 0 units) and of the signature ceiling once
   *     measured (its figure in the detail)
   * @throws IllegalArgumentException if {@code clients} is empty
   */
  public SubmitLoad(List<VeriflowClient> clients, SigningKey admin, ProgressListener progress) {
    if (clients.isEmpty()) {
      throw new IllegalArgumentException("at least one node to submit to");
    }
    this.clients = List.copyOf(clients);
    this.admin = admin;
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /**
   * Sets up, pre-signs, measures the ceiling and submits.
   *
   * @param txs transfers to submit, at least 1
   * @param senders distinct senders, at least 1
   * @param concurrency transactions in flight, at least 1
   * @param batch transactions per request: 1 submits each on its own ({@code POST /v1/transactions}),
   *     more (up to {@link Limits#TRANSACTIONS_PER_REQUEST}) uses {@code POST /v1/transactions/batch}
   * @return what the run measured
   * @throws IllegalArgumentException if an argument is out of range
   * @throws IllegalStateException if a set-up transaction or a submission failed
   * @throws InterruptedException if interrupted while waiting for a slot
   */
  public Result run(int txs, int senders, int concurrency, int batch) throws InterruptedException {
    if (txs < 1 || senders < 1 || concurrency < 1 || batch < 1 || batch > Limits.TRANSACTIONS_PER_REQUEST) {
      throw new IllegalArgumentException("txs, senders and concurrency must be at least 1, batch between 1 and " + Limits.TRANSACTIONS_PER_REQUEST);
    }
    VeriflowClient client = clients.get(0);
    Responses.ChainInfo chain = client.chain();
    long validUntil = chain.height() + 1_000_000;
    LoadSupport.step(progress, "setting up: an organisation and " + senders + " funded members");
    SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
    TransactionBuilder adminTx = new TransactionBuilder(chain.chainId(), admin, client.account(admin.id().value()).nonce(), validUntil);
    LoadSupport.expectCommitted(client.submit(adminTx.registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "bench", List.of()), true));
    TransactionBuilder orgTx = new TransactionBuilder(chain.chainId(), org, 0, validUntil);
    List<SigningKey> keys = new ArrayList<>();
    List<CompletableFuture<Responses.TxInfo>> setup = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      SigningKey k = SigningKey.generate(SignatureAlgorithm.ED25519);
      keys.add(k);
      setup.add(client.submitAsync(orgTx.registerIdentity(k.publicKey(), IdentityKind.MEMBER, "sender-" + i, List.of()), true));
    }
    awaitAll(setup);
    // Funded only once registered: a transfer to an unregistered identity fails.
    for (SigningKey k : keys) {
      setup.add(client.submitAsync(adminTx.transfer(k.id().value(), 1_000_000, "bench"), true));
    }
    awaitAll(setup);

    LoadSupport.step(progress, "pre-signing " + txs + " transfers");
    List<TransactionBuilder> builders = new ArrayList<>();
    for (SigningKey k : keys) {
      builders.add(new TransactionBuilder(chain.chainId(), k, 0, validUntil));
    }
    List<SignedTransaction> load = new ArrayList<>(txs);
    for (int i = 0; i < txs; i++) {
      int s = i % senders;
      load.add(builders.get(s).transfer(keys.get((s + 1) % senders).id().value(), 1, ""));
    }

    double verifyPerSecond = verificationCeiling(load, keys);
    int cores = Runtime.getRuntime().availableProcessors();
    LoadSupport.step(progress, "signature ceiling", String.format(Locale.ROOT, "%.0f Ed25519 verifications/s on %d cores", verifyPerSecond, cores));

    LoadSupport.step(progress, "submitting " + txs + " transfers from " + senders + " senders, " + concurrency + " in flight, "
        + (batch == 1 ? "one per request" : batch + " per request")
        + (clients.size() == 1 ? "" : ", round-robin over " + clients.size() + " nodes"));
    long[] latencies = new long[txs];
    AtomicLong committed = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Throwable> error = new AtomicReference<>();
    int requestsInFlight = Math.max(1, concurrency / batch);
    Semaphore inFlight = new Semaphore(requestsInFlight);
    long start = System.nanoTime();
    int request = 0;
    for (int from = 0; from < txs; from += batch) {
      inFlight.acquire();
      if (error.get() != null) {
        inFlight.release();
        break;
      }
      final int first = from;
      final int n = Math.min(batch, txs - from);
      VeriflowClient to = clients.get(request++ % clients.size());
      final long t0 = System.nanoTime();
      CompletableFuture<List<Responses.TxInfo>> sent = batch == 1
          ? to.submitAsync(load.get(first), true).thenApply(List::of)
          : to.submitBatchAsync(load.subList(first, first + n), true);
      sent.whenComplete((infos, e) -> {
        long took = System.nanoTime() - t0;
        if (e != null) {
          error.compareAndSet(null, e);
        } else {
          for (int k = 0; k < infos.size(); k++) {
            latencies[first + k] = took;
            if (infos.get(k).committed()) {
              committed.incrementAndGet();
            } else {
              failed.incrementAndGet();
            }
          }
        }
        inFlight.release();
      });
    }
    inFlight.acquire(requestsInFlight);
    long elapsed = System.nanoTime() - start;
    if (error.get() != null) {
      throw new IllegalStateException("a submission failed: " + error.get().getMessage(), error.get());
    }
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    double seconds = elapsed / 1e9;
    return new Result(txs, senders, (int) committed.get(), (int) failed.get(), seconds, committed.get() / seconds,
        LoadSupport.percentileMillis(sorted, 0.50), LoadSupport.percentileMillis(sorted, 0.99), sorted[sorted.length - 1] / 1e6, verifyPerSecond, cores);
  }

  private static void awaitAll(List<CompletableFuture<Responses.TxInfo>> futures) {
    for (CompletableFuture<Responses.TxInfo> f : futures) {
      LoadSupport.expectCommitted(f.join());
    }
    futures.clear();
  }


  /** Verifications per second over the pre-signed transactions, on all cores. */
  static double verificationCeiling(List<SignedTransaction> load, List<SigningKey> keys) {
    PublicKey[] senders = new PublicKey[load.size()];
    for (int i = 0; i < load.size(); i++) {
      senders[i] = keys.get(i % keys.size()).publicKey();
    }
    return LoadSupport.verificationsPerSecond(load.size(), i -> senders[i].verify(load.get(i).payload(), load.get(i).signature()).isValid());
  }

}
