package org.veriflow.node;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.Identities;
import org.veriflow.contracts.SystemContracts;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.core.proto.contracts.IdentityRecord;
import org.veriflow.core.proto.contracts.SetEncryptionKey;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.Mempool;
import org.veriflow.ledger.order.SoloOrderer;
import org.veriflow.ledger.store.rocksdb.RocksDbStore;

/**
 * A running single node: the ledger on RocksDB in the data directory, the pool, the solo orderer,
 * the HTTP API, the verifier and the erasure of erased datasets' blobs. {@link #close()} stops the
 * verifier (cancelling replays), then the API, then the orderer (letting a block being committed
 * finish), then the erasure thread, then closes the store.
 */
public final class Node implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final Ledger ledger;
  private final SoloOrderer orderer;
  private final HttpApi http;
  private final Verifier verifier;
  private final DatasetErasure erasure;
  private final EncryptionKeyPair encryptionKey;
  private final ComputeToData compute;

  private Node(Ledger ledger, SoloOrderer orderer, HttpApi http, Verifier verifier, DatasetErasure erasure, EncryptionKeyPair encryptionKey,
      ComputeToData compute) {
    this.ledger = ledger;
    this.orderer = orderer;
    this.http = http;
    this.verifier = verifier;
    this.erasure = erasure;
    this.encryptionKey = encryptionKey;
    this.compute = compute;
  }

  /**
   * Opens the ledger (creating it from the genesis file on first start, recovering otherwise), then
   * starts ordering and serving HTTP.
   *
   * @param onFatal told when the node can no longer commit (storage failure); the caller must stop
   *     the process with a non-zero exit code
   * @throws IllegalArgumentException if the configuration, genesis file or node key is invalid
   */
  public static Node start(NodeConfig config, Clock clock, Consumer<Throwable> onFatal) {
    GenesisSpec genesis = GenesisFile.read(config.path(NodeConfig.GENESIS_FILE));
    SigningKey nodeKey;
    try {
      nodeKey = KeyPem.decodePrivate(Files.readString(config.path(NodeConfig.NODE_KEY)));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read node key " + config.path(NodeConfig.NODE_KEY) + ": " + e.getMessage(), e);
    }
    EncryptionKeyPair encryptionKey = encryptionKey(config.path(NodeConfig.NODE_ENCRYPTION_KEY));
    BlobStore blobs;
    try {
      blobs = BlobStore.open(config.path(NodeConfig.BLOBS_DIR), config.get(NodeConfig.BLOBS_MAX_BYTES));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot open the blob store " + config.path(NodeConfig.BLOBS_DIR) + ": " + e.getMessage(), e);
    }
    SystemContracts contracts = new SystemContracts();
    RocksDbStore store = RocksDbStore.open(config.path(NodeConfig.DATA_DIR));
    Ledger ledger;
    try {
      ledger = Ledger.open(store, contracts.registry(), contracts.identities(), genesis.toState());
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Mempool mempool = new Mempool(ledger, config.get(NodeConfig.MEMPOOL_SIZE));
    TxTracker tracker = new TxTracker();
    ledger.onCommit(tracker::committed);
    mempool.onDropped(tracker::dropped);
    SoloOrderer orderer = new SoloOrderer(ledger, mempool, nodeKey, clock,
        config.get(NodeConfig.MAX_BLOCK_TXS), config.get(NodeConfig.MAX_BLOCK_DELAY), e -> {
          LOG.error("the node cannot commit blocks any more and must stop", e);
          onFatal.accept(e);
        });
    NodeMetrics.bind(metrics, ledger, mempool);
    NodeSubmitter submitter = new NodeSubmitter(ledger, orderer, tracker, nodeKey);
    CustodianData custodianData = new CustodianData(blobs, encryptionKey, submitter.identity());
    Verifier verifier = new Verifier(ledger, submitter, metrics, config.get(NodeConfig.VERIFIER_ENABLED),
        config.get(NodeConfig.VERIFIER_CONCURRENCY), config.get(NodeConfig.VERIFIER_THREADS), custodianData);
    ComputeToData compute = new ComputeToData(blobs, submitter, custodianData, config.get(NodeConfig.WAIT_TIMEOUT),
        config.get(NodeConfig.VERIFIER_THREADS));
    DatasetErasure erasure = new DatasetErasure(ledger, blobs);
    erasure.healAtStart();
    ledger.onCommit(erasure::committed);
    DatasetsApi datasets = new DatasetsApi(ledger, blobs, submitter, encryptionKey,
        new SignedRequests(clock, clock.instant(), SignedRequests.DEFAULT_MAX_NONCES), config.get(NodeConfig.WAIT_TIMEOUT), metrics, compute);
    ProtectedBlobs datasetCiphertexts = new ProtectedBlobs(ledger);
    ledger.onCommit(datasetCiphertexts::committed);
    HttpApi http = new HttpApi(ledger, mempool, orderer, tracker, metrics, config.get(NodeConfig.WAIT_TIMEOUT), blobs, datasetCiphertexts,
        submitter, datasets);
    orderer.start();
    // Before the API serves anyone: publishers need the key on chain, and a client reading the node
    // key's nonce must not race the node's own transaction for it.
    publishEncryptionKey(ledger, submitter, encryptionKey, config.get(NodeConfig.WAIT_TIMEOUT));
    verifier.start();
    try {
      http.start(config.get(NodeConfig.HTTP_HOST), config.get(NodeConfig.HTTP_PORT));
    } catch (RuntimeException e) {
      compute.close();
      verifier.close();
      orderer.close();
      erasure.close();
      ledger.close();
      throw e;
    }
    LOG.info("node for chain '{}' at height {} serving on port {}", ledger.chainId(), ledger.head().height(), http.port());
    return new Node(ledger, orderer, http, verifier, erasure, encryptionKey, compute);
  }

  /** Reads the node's encryption key, creating the file with a fresh key when it is missing. */
  private static EncryptionKeyPair encryptionKey(Path file) {
    try {
      if (Files.notExists(file)) {
        EncryptionKeyPair created = EncryptionKeyPair.generate();
        Files.createDirectories(file.toAbsolutePath().getParent());
        created.writePem(file);
        LOG.info("created the node's encryption key {} (X25519 public key {})", file, created.publicKey().hex());
        return created;
      }
      return EncryptionKeyPair.readPem(file);
    } catch (IOException | CryptoException e) {
      throw new IllegalArgumentException("cannot read or create the node's encryption key " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Publishes the node's encryption key on chain ({@code identities.set_encryption_key}) when its
   * identity shows another one or none, and waits up to {@code timeout} for its block; logs the
   * outcome. The node starts either way (a key that did not commit is published again at the next start).
   */
  private static void publishEncryptionKey(Ledger ledger, NodeSubmitter submitter, EncryptionKeyPair key, java.time.Duration timeout) {
    Optional<IdentityRecord> me = Identities.find(ledger.state(Identities.NAME), submitter.identity());
    if (me.isEmpty()) {
      LOG.info("the node's identity {} is not registered; its encryption key {} is not published", submitter.identity(), key.publicKey().hex());
      return;
    }
    if (me.get().getEncryptionKey().equals(ByteString.copyFrom(key.publicKey().bytes()))) {
      return;
    }
    CompletableFuture<TxTracker.Outcome> outcome;
    try {
      outcome = submitter.submit(Identities.NAME, "set_encryption_key",
          SetEncryptionKey.newBuilder().setPublicKey(ByteString.copyFrom(key.publicKey().bytes())).build());
    } catch (IllegalStateException e) {
      LOG.warn("cannot publish the node's encryption key {}: {}", key.publicKey().hex(), e.getMessage());
      return;
    }
    TxTracker.Outcome o;
    try {
      o = outcome.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      LOG.warn("publishing the node's encryption key {} did not commit within {} ms: {}", key.publicKey().hex(), timeout.toMillis(), e.toString());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (o.status().equals("COMMITTED")) {
      LOG.info("published the node's encryption key {} at height {}", key.publicKey().hex(), o.height());
    } else {
      LOG.warn("publishing the node's encryption key {} did not commit: {} {}: {}", key.publicKey().hex(), o.status(), o.code(), o.message());
    }
  }

  /** The port the HTTP API listens on (useful with port 0). */
  public int httpPort() {
    return http.port();
  }

  public Ledger ledger() {
    return ledger;
  }

  @Override
  public void close() {
    compute.close();
    verifier.close();
    http.stop();
    orderer.close();
    erasure.close();
    encryptionKey.destroy();
    ledger.close();
  }
}
