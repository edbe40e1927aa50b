package org.veriflow.node;

import io.micrometer.core.instrument.FunctionCounter;
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
import org.veriflow.contracts.identities.Identities;
import org.veriflow.contracts.SystemContracts;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.contracts.SetEncryptionKey;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.Mempool;
import org.veriflow.ledger.order.Orderer;
import org.veriflow.ledger.order.SoloOrderer;
import org.veriflow.raft.ClusterMember;
import org.veriflow.raft.ClusterSettings;
import org.veriflow.raft.RaftOrderer;
import org.veriflow.ledger.store.rocksdb.RocksDbStore;
import org.veriflow.node.http.BoundPorts;
import org.veriflow.node.http.HttpApi;
import org.veriflow.node.http.ServerSettings;
import org.veriflow.node.http.RequestLimits;
import org.veriflow.node.service.Aggregator;
import org.veriflow.node.service.BlobStore;
import org.veriflow.node.service.BlobUploads;
import org.veriflow.node.service.ComputeToData;
import org.veriflow.node.service.CustodianData;
import org.veriflow.node.service.DatasetErasure;
import org.veriflow.node.service.HttpLeaderLink;
import org.veriflow.node.service.NodeSubmitter;
import org.veriflow.node.service.ModelBlobsOnDemand;
import org.veriflow.node.service.PeerBlobs;
import org.veriflow.node.service.ProtectedBlobs;
import org.veriflow.node.service.RoundVerifier;
import org.veriflow.node.service.Submissions;
import org.veriflow.node.service.TxOutcome;
import org.veriflow.node.service.TxTracker;
import org.veriflow.node.service.Verifier;

/**
 * A running single node: the ledger on RocksDB in the data directory, the pool, the solo orderer,
 * the HTTP API, the verifier, the federated aggregator and round verifier, and the erasure of erased
 * datasets' blobs. {@link #close()} stops the aggregator, the round verifier and the verifier
 * (cancelling replays), then the API, then the orderer (letting a block being committed
 * finish), then the erasure thread, then closes the store.
 */
public final class Node implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final Ledger ledger;
  private final Orderer orderer;
  private final HttpApi http;
  private final Verifier verifier;
  private final DatasetErasure erasure;
  private final EncryptionKeyPair encryptionKey;
  private final ComputeToData compute;
  /** Publishes the encryption key in the background in a cluster; null otherwise. */
  private final Thread publisher;
  /** Signed blob uploads, their quota and the collection of unreferenced blobs. */
  private final BlobUploads uploads;
  /** Aggregates the federated rounds this node's aggregator identity is in charge of. */
  private final Aggregator aggregator;
  /** Recomputes and attests aggregated federated rounds while the node key is an active validator. */
  private final RoundVerifier roundVerifier;

  private Node(Ledger ledger, Orderer orderer, HttpApi http, Verifier verifier, DatasetErasure erasure, EncryptionKeyPair encryptionKey,
      ComputeToData compute, Thread publisher, BlobUploads uploads, Aggregator aggregator, RoundVerifier roundVerifier) {
    this.aggregator = aggregator;
    this.roundVerifier = roundVerifier;
    this.uploads = uploads;
    this.publisher = publisher;
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
   * @throws IllegalStateException if a listening port is in use ("port in use ..."); the ports are
   *     bound before the ledger is opened, so such a node has executed and committed nothing
   */
  public static Node start(NodeConfig config, Clock clock, Consumer<Throwable> onFatal) {
    // Checked first: a node without a certificate must say so before it opens anything.
    ServerSettings serverSettings = config.serverSettings();
    // Then its ports are claimed, before the ledger opens: a node whose port is taken must stop
    // before it executes or commits anything (such as its encryption key's transaction).
    BoundPorts ports = BoundPorts.bind(serverSettings);
    try {
      return start(config, clock, onFatal, serverSettings, ports);
    } catch (RuntimeException | Error e) {
      ports.close();
      throw e;
    }
  }

  private static Node start(NodeConfig config, Clock clock, Consumer<Throwable> onFatal, ServerSettings serverSettings, BoundPorts ports) {
    GenesisSpec genesis = GenesisFile.read(config.path(NodeConfig.GENESIS_FILE));
    SigningKey nodeKey;
    try {
      nodeKey = KeyPem.decodePrivate(Files.readString(config.path(NodeConfig.NODE_KEY)));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read node key " + config.path(NodeConfig.NODE_KEY) + ": " + e.getMessage(), e);
    }
    SigningKey aggregatorKey = nodeKey;
    if (!config.get(NodeConfig.FL_AGGREGATOR_KEY_FILE).isEmpty()) {
      try {
        aggregatorKey = KeyPem.decodePrivate(Files.readString(config.path(NodeConfig.FL_AGGREGATOR_KEY_FILE)));
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("configuration '" + NodeConfig.FL_AGGREGATOR_KEY_FILE.name() + "': cannot read the key "
            + config.path(NodeConfig.FL_AGGREGATOR_KEY_FILE) + ": " + e.getMessage(), e);
      }
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
    Mempool mempool = new Mempool(ledger, new Mempool.Bounds(config.get(NodeConfig.MEMPOOL_SIZE), config.get(NodeConfig.MEMPOOL_MAX_BYTES),
        config.get(NodeConfig.MEMPOOL_MAX_SENDER_BYTES), config.get(NodeConfig.MEMPOOL_MAX_VALIDITY_BLOCKS)));
    // Registered before the tracker: an erasure's deletions are scheduled before its submitter hears
    // that it committed.
    DatasetErasure erasure = new DatasetErasure(ledger, blobs);
    erasure.healAtStart();
    ledger.onCommit(erasure::committed);
    // Registered before the tracker too: once a publisher hears that a dataset version committed, the
    // plain blob API already refuses its ciphertext.
    ProtectedBlobs datasetCiphertexts = new ProtectedBlobs(ledger);
    ledger.onCommit(datasetCiphertexts::committed);
    TxTracker tracker = new TxTracker();
    ledger.onCommit(tracker::committed);
    mempool.onDropped(tracker::dropped);
    java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
    Consumer<Throwable> fatal = e -> {
      stopped.set(true);
      LOG.error("the node cannot commit blocks any more and must stop", e);
      onFatal.accept(e);
    };
    RaftOrderer raft = null;
    Orderer orderer;
    Thread publisher = null;
    PeerBlobs peerBlobs = PeerBlobs.none();
    if (config.clustered()) {
      ClusterSettings cluster = new ClusterSettings(config.get(NodeConfig.CLUSTER_ID), config.get(NodeConfig.CLUSTER_MEMBERS),
          config.path(NodeConfig.CLUSTER_RAFT_DIR), config.get(NodeConfig.MAX_BLOCK_TXS), config.get(NodeConfig.MAX_BLOCK_BYTES),
          config.get(NodeConfig.MAX_BLOCK_DELAY), config.get(NodeConfig.CLUSTER_ELECTION_TIMEOUT), config.get(NodeConfig.CLUSTER_SNAPSHOT_INTERVAL),
          config.get(NodeConfig.CLUSTER_LOG_SEGMENT_BYTES), config.get(NodeConfig.WAIT_TIMEOUT));
      MemberTransport transport = MemberTransport.of(config, genesis, ledger);
      peerBlobs = new PeerBlobs(cluster.members().stream().filter(m -> !m.id().equals(cluster.selfId())).map(ClusterMember::apiUrl).toList(),
          transport.https());
      raft = new RaftOrderer(ledger, mempool, nodeKey, clock, cluster, transport.link(cluster.selfId()), fatal, transport.raft());
      orderer = raft;
    } else {
      orderer = new SoloOrderer(ledger, mempool, nodeKey, clock, config.get(NodeConfig.MAX_BLOCK_TXS), config.get(NodeConfig.MAX_BLOCK_DELAY), fatal);
    }
    NodeMetrics.bind(metrics, ledger, mempool);
    if (raft != null) {
      FunctionCounter.builder("veriflow_cluster_relayed_checks_found", raft, RaftOrderer::relayedChecksFound)
          .description("transactions of received blocks that this member had checked itself before relaying them, and did not verify again")
          .register(metrics);
    }
    Submissions submissions = new Submissions(ledger, orderer, tracker, metrics);
    NodeSubmitter submitter = new NodeSubmitter(ledger, submissions, nodeKey);
    CustodianData custodianData = new CustodianData(blobs, encryptionKey, submitter.identity());
    Verifier verifier = new Verifier(ledger, submitter, metrics, config.get(NodeConfig.VERIFIER_ENABLED),
        config.get(NodeConfig.VERIFIER_CONCURRENCY), config.get(NodeConfig.VERIFIER_THREADS), custodianData,
        new Verifier.Budget(config.get(NodeConfig.VERIFIER_REPLAY_TIMEOUT), config.get(NodeConfig.VERIFIER_REPLAY_MAX_BYTES),
            config.get(NodeConfig.VERIFIER_LARGE_REPLAY_COST)));
    Aggregator aggregator = new Aggregator(ledger, aggregatorKey == nodeKey ? submitter : new NodeSubmitter(ledger, submissions, aggregatorKey),
        blobs, peerBlobs, custodianData, metrics, config.get(NodeConfig.FL_AGGREGATOR_ENABLED), config.get(NodeConfig.VERIFIER_THREADS));
    RoundVerifier roundVerifier = new RoundVerifier(ledger, submitter, blobs, peerBlobs, custodianData, metrics,
        config.get(NodeConfig.VERIFIER_ENABLED), config.get(NodeConfig.VERIFIER_THREADS));
    ComputeToData compute = new ComputeToData(blobs, submitter, custodianData, config.get(NodeConfig.WAIT_TIMEOUT),
        config.get(NodeConfig.VERIFIER_THREADS));
    BlobUploads uploads;
    try {
      uploads = BlobUploads.open(blobs, ledger, clock, config.get(NodeConfig.BLOBS_UNREFERENCED_TTL));
    } catch (IOException e) {
      ledger.close();
      throw new IllegalArgumentException("cannot read the blob uploads' metadata in " + config.path(NodeConfig.BLOBS_DIR) + ": " + e.getMessage(), e);
    }
    RequestLimits limits = new RequestLimits(config.get(NodeConfig.SIGNED_NONCES_PER_IDENTITY), config.get(NodeConfig.PREDICTIONS_PER_MINUTE),
        config.get(NodeConfig.PREDICT_INPUTS_PER_MINUTE));
    HttpApi http = new HttpApi(ledger, mempool, orderer, submissions, metrics, config.get(NodeConfig.WAIT_TIMEOUT), blobs, datasetCiphertexts,
        new ModelBlobsOnDemand(ledger, blobs, peerBlobs, datasetCiphertexts),
        submitter, encryptionKey, clock, compute, raft, nodeKey, uploads, limits);
    try {
      orderer.start();
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
    if (raft == null) {
      // Before the API serves anyone: publishers need the key on chain, and a client reading the node
      // key's nonce must not race the node's own transaction for it.
      publishEncryptionKey(ledger, submitter, encryptionKey, config.get(NodeConfig.WAIT_TIMEOUT));
    }
    if (!config.get(NodeConfig.VERIFIER_ENABLED)) {
      LOG.info("verifier off: {} is false; models are not replayed by this node", NodeConfig.VERIFIER_ENABLED.name());
    }
    verifier.start();
    roundVerifier.start();
    aggregator.start();
    uploads.start(config.get(NodeConfig.BLOBS_COLLECT_INTERVAL));
    try {
      if (!serverSettings.secure()) {
        LOG.warn("the HTTP API is unencrypted: {} is true; requests and answers cross the network in clear", NodeConfig.HTTP_INSECURE.name());
      }
      http.start(ports, stopped::get);
      if (raft != null) {
        // In a cluster the key's transaction may have to reach a leader through another member's
        // API, which may not serve yet: it is published in the background once this API serves.
        publisher = new Thread(() -> publishEncryptionKeyInCluster(ledger, submitter, encryptionKey, config.get(NodeConfig.WAIT_TIMEOUT)),
            "veriflow-publish-encryption-key");
        publisher.setDaemon(true);
        publisher.start();
      }
    } catch (RuntimeException e) {
      uploads.close();
      compute.close();
      aggregator.close();
      roundVerifier.close();
      verifier.close();
      orderer.close();
      erasure.close();
      ledger.close();
      throw e;
    }
    LOG.info("node for chain '{}' at height {} serving {} on port {}", ledger.chainId(), ledger.head().height(),
        serverSettings.secure() ? "HTTPS" : "HTTP", http.port());
    if (http.opsPort() >= 0) {
      LOG.info("operations listener (/health, /ready, /metrics) on {}:{}", serverSettings.ops().host(), http.opsPort());
    }
    return new Node(ledger, orderer, http, verifier, erasure, encryptionKey, compute, publisher, uploads, aggregator, roundVerifier);
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
  private static boolean publishEncryptionKey(Ledger ledger, NodeSubmitter submitter, EncryptionKeyPair key, java.time.Duration timeout) {
    Optional<IdentityRecord> me = Identities.find(ledger.state(Identities.NAME), submitter.identity());
    if (me.isEmpty()) {
      LOG.info("the node's identity {} is not registered; its encryption key {} is not published", submitter.identity(), key.publicKey().hex());
      return true;
    }
    if (published(ledger, submitter, key)) {
      return true;
    }
    CompletableFuture<TxOutcome> outcome;
    try {
      outcome = submitter.submit(Identities.NAME, "set_encryption_key",
          SetEncryptionKey.newBuilder().setPublicKey(ByteString.copyFrom(key.publicKey().bytes())).build());
    } catch (IllegalStateException e) {
      if (published(ledger, submitter, key)) {
        // A member catching up: the key it published before a restart reached its state meanwhile.
        LOG.info("the node's encryption key {} is on chain already", key.publicKey().hex());
        return true;
      }
      LOG.warn("cannot publish the node's encryption key {}: {}", key.publicKey().hex(), e.getMessage());
      return false;
    }
    TxOutcome o;
    try {
      o = outcome.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      LOG.warn("publishing the node's encryption key {} did not commit within {} ms: {}", key.publicKey().hex(), timeout.toMillis(), e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
    if (o.committed()) {
      LOG.info("published the node's encryption key {} at height {}", key.publicKey().hex(), o.height());
      return true;
    }
    LOG.warn("publishing the node's encryption key {} did not commit: {} {}: {}", key.publicKey().hex(), o.status(), o.code(), o.message());
    return false;
  }

  /** Whether the node's identity on chain, as of this node's state, holds {@code key}. */
  private static boolean published(Ledger ledger, NodeSubmitter submitter, EncryptionKeyPair key) {
    return Identities.find(ledger.state(Identities.NAME), submitter.identity())
        .map(r -> r.getEncryptionKey().equals(ByteString.copyFrom(key.publicKey().bytes()))).orElse(false);
  }

  /**
   * In a cluster: publishes the key, trying again while no leader is reachable (members starting one
   * by one). No pause is needed between attempts: a submission that meets an election already waits
   * for the next leader before it is refused.
   */
  private static void publishEncryptionKeyInCluster(Ledger ledger, NodeSubmitter submitter, EncryptionKeyPair key, java.time.Duration timeout) {
    for (int attempt = 1; attempt <= PUBLISH_ATTEMPTS; attempt++) {
      if (publishEncryptionKey(ledger, submitter, key, timeout) || Thread.currentThread().isInterrupted()) {
        return;
      }
    }
    LOG.warn("gave up publishing the node's encryption key after {} attempts; it is tried again at the next start", PUBLISH_ATTEMPTS);
  }

  private static final int PUBLISH_ATTEMPTS = 10;


  /**
   * Waits until the verifier owns no model.
   *
   * @param timeout how long to wait
   * @return true if it got there in time
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean verifierIdle(java.time.Duration timeout) throws InterruptedException {
    return verifier.awaitIdle(timeout);
  }

  /**
   * Completes once every blob deletion scheduled by an erasure so far has run.
   *
   * @return the future
   */
  public CompletableFuture<Void> erasureSettled() {
    return erasure.settled();
  }

  /**
   * The node's signed blob uploads: their quota and the collection of unreferenced blobs.
   *
   * @return the uploads service
   */
  public BlobUploads blobUploads() {
    return uploads;
  }

  /** The port the HTTP API listens on (useful with port 0). */
  public int httpPort() {
    return http.port();
  }

  /**
   * The port of the operations listener ({@code /health}, {@code /ready}, {@code /metrics}).
   *
   * @return the port, or -1 when {@code ops.enabled} is false
   */
  public int opsPort() {
    return http.opsPort();
  }

  public Ledger ledger() {
    return ledger;
  }

  @Override
  public void close() {
    if (publisher != null) {
      publisher.interrupt();
      try {
        publisher.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    uploads.close();
    compute.close();
    aggregator.close();
    roundVerifier.close();
    verifier.close();
    http.stop();
    orderer.close();
    erasure.close();
    encryptionKey.destroy();
    ledger.close();
  }
}
