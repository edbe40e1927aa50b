package org.veriflow.demo.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;

/**
 * The readings ingest load generator: a fresh organisation creates a stream and registers {@code
 * devices} devices; the devices pre-sign {@code readings} readings; a gateway then submits them in
 * transactions of {@code batch} readings, {@code inFlight} transactions at a time, each waited for
 * until durable. Reports legal readings per second next to the machine's signature-verification
 * ceiling measured in the same run (Ed25519 verifications of the same readings on all cores).
 */
public final class ReadingsLoad {
  /** What one run measured. */
  public record Result(int readings, int batch, long legal, double seconds, double readingsPerSecond,
      double p50Millis, double p99Millis, double verifyPerSecond, int cores) {
    public double ratio() {
      return readingsPerSecond / verifyPerSecond;
    }
  }

  private final VeriflowClient client;
  private final SigningKey admin;
  private final ProgressListener progress;

  /**
   * @param client the node to load
   * @param admin an administrator's key: it registers the gateway organisation
   * @param progress told of each step as it starts (with 0 of 0 units) and of the signature ceiling once
   *     measured (its figure in the detail)
   */
  public ReadingsLoad(VeriflowClient client, SigningKey admin, ProgressListener progress) {
    this.client = client;
    this.admin = admin;
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /**
   * Sets up, pre-signs, measures the ceiling and submits.
   *
   * @param readings readings to ingest, at least 1
   * @param devices devices signing them, at least 1
   * @param batch readings per transaction, 1 to {@link Limits#READINGS_PER_BATCH}
   * @param inFlight transactions in flight, at least 1
   * @return what the run measured
   * @throws IllegalArgumentException if an argument is out of range
   * @throws IllegalStateException if a set-up transaction or a submission failed
   * @throws InterruptedException if interrupted while waiting for a slot
   */
  public Result run(int readings, int devices, int batch, int inFlight) throws InterruptedException {
    if (readings < 1 || devices < 1 || batch < 1 || batch > Limits.READINGS_PER_BATCH || inFlight < 1) {
      throw new IllegalArgumentException("readings, devices and in-flight must be at least 1, batch between 1 and " + Limits.READINGS_PER_BATCH);
    }
    Responses.ChainInfo chain = client.chain();
    long validUntil = chain.height() + 1_000_000;
    SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
    String stream = "bench-" + org.id().value().substring(3, 13);
    LoadSupport.step(progress, "setting up: an organisation, stream " + stream + " and " + devices + " devices");
    TransactionBuilder adminTx = new TransactionBuilder(chain.chainId(), admin, client.account(admin.id().value()).nonce(), validUntil);
    LoadSupport.expectCommitted(client.submit(adminTx.registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "bench", List.of()), true));
    TransactionBuilder gateway = new TransactionBuilder(chain.chainId(), org, 0, validUntil);
    // Historical-style times, so the stream accepts any time (window 0).
    LoadSupport.expectCommitted(client.submit(gateway.createStream(CreateStream.newBuilder().setStreamId(stream).setSamplingIntervalMillis(1000)
        .addFields(FieldSpec.newBuilder().setName("temperature").setUnit("C").setMin(-40).setMax(85).setDecimals(2))
        .addFields(FieldSpec.newBuilder().setName("humidity").setUnit("%RH").setMin(0).setMax(100).setDecimals(2))
        .build()), true));
    List<SigningKey> keys = new ArrayList<>();
    List<SignedTransaction> registrations = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      SigningKey k = SigningKey.generate(SignatureAlgorithm.ED25519);
      keys.add(k);
      registrations.add(gateway.registerDevice(stream, k.publicKey(), "device-" + i));
    }
    for (Responses.TxInfo info : client.submitBatch(registrations, true)) {
      LoadSupport.expectCommitted(info);
    }

    LoadSupport.step(progress, "pre-signing " + readings + " readings on their devices");
    SignedReading[] signed = new SignedReading[readings];
    IntStream.range(0, readings).parallel().forEach(i -> {
      SigningKey d = keys.get(i % devices);
      long seq = i / devices + 1;
      signed[i] = Readings.sign(Reading.newBuilder().setStreamId(stream).setDeviceId(d.id().value()).setSequence(seq)
          .setTimestampMillis(1_700_000_000_000L + seq * 1000).addValues(20 + (i % 100) / 10.0).addValues(40 + (i % 50) / 5.0).build(), d);
    });
    double verifyPerSecond = ceiling(signed, keys, devices);
    int cores = Runtime.getRuntime().availableProcessors();
    LoadSupport.step(progress, "signature ceiling", String.format(Locale.ROOT, "%.0f Ed25519 verifications/s on %d cores", verifyPerSecond, cores));

    // Transactions of one gateway execute in nonce order, so each device's sequences arrive in order.
    List<SignedTransaction> txs = new ArrayList<>();
    for (int from = 0; from < readings; from += batch) {
      txs.add(gateway.submitReadings(stream, Arrays.asList(signed).subList(from, Math.min(readings, from + batch))));
    }
    LoadSupport.step(progress, "submitting " + readings + " readings in " + txs.size() + " transactions of " + batch + ", " + inFlight + " in flight");
    long[] latencies = new long[txs.size()];
    Semaphore slots = new Semaphore(inFlight);
    AtomicReference<Throwable> error = new AtomicReference<>();
    long start = System.nanoTime();
    for (int i = 0; i < txs.size(); i++) {
      slots.acquire();
      if (error.get() != null) {
        slots.release();
        break;
      }
      final int idx = i;
      final long t0 = System.nanoTime();
      CompletableFuture<Responses.TxInfo> f = client.submitAsync(txs.get(i), true);
      f.whenComplete((info, e) -> {
        latencies[idx] = System.nanoTime() - t0;
        if (e != null) {
          error.compareAndSet(null, e);
        } else if (!info.committed()) {
          error.compareAndSet(null, new IllegalStateException("transaction " + info.id() + " is " + info.status() + " " + info.code().orElse("")));
        }
        slots.release();
      });
    }
    slots.acquire(inFlight);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (error.get() != null) {
      throw new IllegalStateException("a submission failed: " + error.get().getMessage(), error.get());
    }
    long legal = client.streams().streamStats(stream).totals().getOrDefault("LEGAL", 0L);
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    return new Result(readings, batch, legal, seconds, legal / seconds, LoadSupport.percentileMillis(sorted, 0.5), LoadSupport.percentileMillis(sorted, 0.99), verifyPerSecond, cores);
  }

  private static double ceiling(SignedReading[] signed, List<SigningKey> keys, int devices) {
    PublicKey[] pk = keys.stream().map(SigningKey::publicKey).toArray(PublicKey[]::new);
    return LoadSupport.verificationsPerSecond(signed.length,
        i -> pk[i % devices].verify(signed[i].getReading().toByteArray(), signed[i].getSignature().toByteArray()).isValid());
  }


}
