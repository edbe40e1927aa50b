package org.veriflow.node;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import org.veriflow.ledger.Mempool;
import org.veriflow.node.http.ServerSettings;
import org.veriflow.node.http.TlsSettings;
import org.veriflow.raft.ClusterMember;

/**
 * A node's configuration. Sources, later ones winning: the defaults below, the file {@code
 * node.properties} in the node directory (written by {@code veriflow init}), environment variables
 * ({@code VERIFLOW_} + the key upper-cased with dots and dashes as underscores, e.g. {@code
 * VERIFLOW_HTTP_PORT}), and explicit overrides (command-line flags). Relative paths are resolved
 * against the node directory. Immutable.
 */
public final class NodeConfig {
  /** One configuration key with its type and default, side by side. */
  public record Key<T>(String name, String defaultValue, Function<String, T> parser, String description) {
    public String envName() {
      return "VERIFLOW_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
  }

  public static final Key<String> GENESIS_FILE = new Key<>("chain.genesis", "genesis.json", s -> s, "the genesis file");
  public static final Key<String> NODE_KEY = new Key<>("node.key", "keys/node.key", s -> s, "the node's signing key (PKCS#8 PEM); it signs blocks");
  public static final Key<String> NODE_ENCRYPTION_KEY = new Key<>("node.encryption-key", "keys/node-encryption.key", s -> s,
      "the node's X25519 encryption key (PKCS#8 PEM); dataset custody keys are wrapped for it; created at start if missing");
  public static final Key<String> DATA_DIR = new Key<>("data.dir", "data", s -> s, "where the ledger's RocksDB store lives");
  public static final Key<String> HTTP_HOST = new Key<>("http.host", "127.0.0.1", s -> s, "address the HTTP API binds to");
  public static final Key<Integer> HTTP_PORT = new Key<>("http.port", "7070", NodeConfig::port, "HTTP API port; 0 picks a free one");
  public static final Key<Integer> MAX_BLOCK_TXS = new Key<>("orderer.max-block-txs", "2000", s -> positive(s, "orderer.max-block-txs"), "a block is cut when this many transactions are pending");
  public static final Key<Duration> MAX_BLOCK_DELAY = new Key<>("orderer.max-block-delay-ms", "20", s -> Duration.ofMillis(positive(s, "orderer.max-block-delay-ms")), "or when the oldest pending transaction has waited this long");
  public static final Key<Integer> MEMPOOL_SIZE = new Key<>("mempool.max-size", "200000", s -> positive(s, "mempool.max-size"), "most pending transactions held");
  public static final Key<Long> MEMPOOL_MAX_BYTES = new Key<>("mempool.max-bytes", Long.toString(Mempool.Bounds.DEFAULT_MAX_BYTES),
      s -> positiveLong(s, "mempool.max-bytes"), "most serialised bytes of all pending transactions together; beyond it MEMPOOL_FULL");
  public static final Key<Long> MEMPOOL_MAX_SENDER_BYTES = new Key<>("mempool.max-sender-bytes", Long.toString(Mempool.Bounds.DEFAULT_MAX_SENDER_BYTES),
      s -> positiveLong(s, "mempool.max-sender-bytes"), "most serialised bytes of one sender's pending transactions; beyond it SENDER_POOL_FULL");
  public static final Key<Long> MEMPOOL_MAX_VALIDITY_BLOCKS = new Key<>("mempool.max-validity-blocks", Long.toString(Mempool.Bounds.DEFAULT_MAX_VALIDITY_BLOCKS),
      s -> positiveLong(s, "mempool.max-validity-blocks"), "how far above the next height a submitted transaction's valid_until_height may be; beyond it VALID_UNTIL_TOO_FAR");
  public static final Key<Duration> WAIT_TIMEOUT = new Key<>("http.wait-timeout-ms", "30000", s -> Duration.ofMillis(positive(s, "http.wait-timeout-ms")), "longest a ?wait=true submission waits for its block");

  public static final Key<String> BLOBS_DIR = new Key<>("blobs.dir", "blobs", s -> s, "where the content-addressed blob store keeps its files");
  public static final Key<Long> BLOBS_MAX_BYTES = new Key<>("blobs.max-bytes", Long.toString(1L << 30), s -> positiveLong(s, "blobs.max-bytes"), "largest blob accepted by an upload, in bytes");

  public static final Key<Boolean> VERIFIER_ENABLED = new Key<>("verifier.enabled", "true", NodeConfig::bool,
      "whether this node, if its key is an active validator, replays every registered model and recomputes every aggregated federated round, and attests the result");
  public static final Key<Integer> VERIFIER_CONCURRENCY = new Key<>("verifier.concurrency", "1", s -> positive(s, "verifier.concurrency"),
      "most model replays the verifier runs at once");
  public static final Key<Integer> VERIFIER_THREADS = new Key<>("verifier.threads", Integer.toString(Runtime.getRuntime().availableProcessors()),
      NodeConfig::engineThreads, "engine threads of each replay (default: the available processors); the artifact does not depend on it");

  public static final Key<Duration> VERIFIER_REPLAY_TIMEOUT = new Key<>("verifier.replay-timeout-ms",
      Long.toString(org.veriflow.node.service.Verifier.Budget.DEFAULT_REPLAY_TIMEOUT.toMillis()),
      s -> Duration.ofMillis(positiveLong(s, "verifier.replay-timeout-ms")),
      "longest a model replay may run; one that runs longer is stopped and attested BUDGET_EXCEEDED");
  public static final Key<Long> VERIFIER_REPLAY_MAX_BYTES = new Key<>("verifier.replay-max-bytes",
      Long.toString(org.veriflow.node.service.Verifier.Budget.DEFAULT_REPLAY_MAX_BYTES), s -> positiveLong(s, "verifier.replay-max-bytes"),
      "most memory a model replay may need by the estimate from its recipe; a costlier one is not started and is attested BUDGET_EXCEEDED");
  public static final Key<Long> VERIFIER_LARGE_REPLAY_COST = new Key<>("verifier.large-replay-cost",
      Long.toString(org.veriflow.node.service.Verifier.Budget.DEFAULT_LARGE_REPLAY_COST), s -> positiveLong(s, "verifier.large-replay-cost"),
      "a replay whose recipe cost (parameters x rows x epochs) passes this runs in a separate lane, one at a time, beside the others");

  public static final Key<Boolean> FL_AGGREGATOR_ENABLED = new Key<>("fl.aggregator.enabled", "true", NodeConfig::bool,
      "whether this node aggregates the rounds of the federated tasks whose aggregator is fl.aggregator.key-file's identity");
  public static final Key<String> FL_AGGREGATOR_KEY_FILE = new Key<>("fl.aggregator.key-file", "", String::trim,
      "the aggregator's signing key (PKCS#8 PEM, as 'veriflow keys' writes them); empty: the node's key");

  public static final Key<Long> MAX_BLOCK_BYTES = new Key<>("orderer.max-block-bytes", Long.toString(8L << 20),
      s -> positiveLong(s, "orderer.max-block-bytes"), "or when their serialised size would pass this many bytes (one block is one Raft entry)");

  public static final Key<String> CLUSTER_ID = new Key<>("cluster.id", "", String::trim,
      "this node's member id in a cluster; empty for a single node");
  public static final Key<List<ClusterMember>> CLUSTER_MEMBERS = new Key<>("cluster.members", "", NodeConfig::members,
      "every member of the cluster, comma-separated, each id@raft-host:raft-port@http://api-host:api-port");
  public static final Key<String> CLUSTER_RAFT_DIR = new Key<>("cluster.raft-dir", "raft", s -> s, "where the Raft log lives");
  public static final Key<Duration> CLUSTER_ELECTION_TIMEOUT = new Key<>("cluster.election-timeout-ms", "1000",
      s -> Duration.ofMillis(positive(s, "cluster.election-timeout-ms")),
      "a follower that hears nothing from the leader for this long (to twice this) starts an election");
  public static final Key<Long> CLUSTER_SNAPSHOT_INTERVAL = new Key<>("cluster.snapshot-interval", "10000",
      s -> positiveLong(s, "cluster.snapshot-interval"), "Raft log entries between snapshots (the ledger is the snapshot; the log before it is purged)");
  public static final Key<Long> CLUSTER_LOG_SEGMENT_BYTES = new Key<>("cluster.log-segment-bytes", Long.toString(32L << 20),
      s -> positiveLong(s, "cluster.log-segment-bytes"), "size at which a Raft log segment is closed; only closed segments are purged");

  // The HTTP listeners: bounds that keep slow or greedy clients from holding them, TLS, the operations listener.
  public static final Key<Integer> HTTP_THREADS = new Key<>("http.threads", "200", s -> atLeast(s, "http.threads", 8),
      "the API's request threads (at least 8)");
  public static final Key<Duration> HTTP_IDLE_TIMEOUT = new Key<>("http.idle-timeout-ms", "30000",
      s -> Duration.ofMillis(positive(s, "http.idle-timeout-ms")), "a connection, or a blocked read or write, with no progress for this long is closed");
  public static final Key<Duration> HTTP_HEADER_TIMEOUT = new Key<>("http.header-timeout-ms", "10000",
      s -> Duration.ofMillis(positive(s, "http.header-timeout-ms")), "a request whose headers are not complete this long after they began is cut");
  public static final Key<Long> HTTP_MIN_REQUEST_DATA_RATE = new Key<>("http.min-request-data-rate", "1024",
      s -> positiveLong(s, "http.min-request-data-rate"), "bytes per second below which a request body is cut (408)");
  public static final Key<Integer> HTTP_MAX_CONNECTIONS_PER_ADDRESS = new Key<>("http.max-connections-per-address", "128",
      s -> positive(s, "http.max-connections-per-address"), "most open connections from one client address; more are closed when accepted");
  public static final Key<String> HTTP_TLS_CERT = new Key<>("http.tls.cert", "", String::trim,
      "the API's certificate chain (PEM, the server's certificate first); with http.tls.key, the API speaks only TLS");
  public static final Key<String> HTTP_TLS_KEY = new Key<>("http.tls.key", "", String::trim,
      "the certificate's private key (PKCS#8 PEM: EC P-256, RSA or Ed25519)");
  public static final Key<String> HTTP_TLS_CLIENT_CA = new Key<>("http.tls.client-ca", "", String::trim,
      "the CAs (PEM bundle) whose client certificates are accepted; needed by http.tls.client-auth want or need");
  public static final Key<TlsSettings.ClientAuth> HTTP_TLS_CLIENT_AUTH = new Key<>("http.tls.client-auth", "none", NodeConfig::clientAuth,
      "none, want (ask for a client certificate) or need (refuse a client without one)");
  public static final Key<Boolean> HTTP_INSECURE = new Key<>("http.insecure", "false", NodeConfig::bool,
      "true to serve plain HTTP without a certificate (development only; the node logs a warning)");
  public static final Key<Boolean> OPS_ENABLED = new Key<>("ops.enabled", "true", NodeConfig::bool,
      "whether /health, /ready and /metrics are also served on the operations listener, with its own threads");
  public static final Key<String> OPS_HOST = new Key<>("ops.host", "127.0.0.1", s -> s, "address the operations listener binds to");
  public static final Key<String> OPS_PORT = new Key<>("ops.port", "", NodeConfig::optionalPort,
      "the operations listener's port; empty: http.port + 1000 (any free one when http.port is 0); 0 picks a free one");

  public static final Key<Duration> BLOBS_UNREFERENCED_TTL = new Key<>("blobs.unreferenced-ttl-ms", Long.toString(24L * 60 * 60 * 1000),
      s -> Duration.ofMillis(positiveLong(s, "blobs.unreferenced-ttl-ms")),
      "an uploaded blob that nothing committed on chain names is deleted this long after its upload, freeing its uploader's quota");
  public static final Key<Duration> BLOBS_COLLECT_INTERVAL = new Key<>("blobs.collect-interval-ms", Long.toString(10L * 60 * 1000),
      s -> Duration.ofMillis(positiveLong(s, "blobs.collect-interval-ms")), "how often unreferenced blobs are looked for");
  public static final Key<Integer> SIGNED_NONCES_PER_IDENTITY = new Key<>("http.signed-nonces-per-identity", "10000",
      s -> positive(s, "http.signed-nonces-per-identity"),
      "most signed-request nonces remembered at once for one identity; past it that identity's signed requests are refused for a while");
  public static final Key<Long> PREDICTIONS_PER_MINUTE = new Key<>("predict.requests-per-minute", "600",
      s -> positiveLong(s, "predict.requests-per-minute"), "predictions one identity may ask of this node per minute");
  public static final Key<Long> PREDICT_INPUTS_PER_MINUTE = new Key<>("predict.inputs-per-minute", "10000",
      s -> positiveLong(s, "predict.inputs-per-minute"), "inputs one identity may send to this node's predictions per minute (at least 1000)");

  // Transport security between cluster members: mutual TLS on Raft, HTTPS with a member certificate on relays and block fetches.
  public static final Key<String> CLUSTER_TLS_CERT = new Key<>("cluster.tls.cert", "", String::trim,
      "this member's certificate (PEM), signed by the cluster's CA and naming its member id and node key; presented on Raft and to other members' APIs");
  public static final Key<String> CLUSTER_TLS_KEY = new Key<>("cluster.tls.key", "", String::trim, "the private key of cluster.tls.cert (PKCS#8 PEM)");
  public static final Key<String> CLUSTER_TLS_CA = new Key<>("cluster.tls.ca", "", String::trim,
      "the cluster's CA certificate(s) (PEM): every member's certificate must be signed by it; other members' APIs are trusted through it");
  public static final Key<Boolean> CLUSTER_INSECURE = new Key<>("cluster.insecure", "false", NodeConfig::bool,
      "true: Raft traffic between members is plain gRPC, unauthenticated (logged as a warning); otherwise a cluster member needs cluster.tls.cert, .key and .ca");

  public static final List<Key<?>> ALL = List.of(GENESIS_FILE, NODE_KEY, NODE_ENCRYPTION_KEY, DATA_DIR, HTTP_HOST, HTTP_PORT, MAX_BLOCK_TXS, MAX_BLOCK_DELAY,
      MAX_BLOCK_BYTES, MEMPOOL_SIZE, MEMPOOL_MAX_BYTES, MEMPOOL_MAX_SENDER_BYTES, MEMPOOL_MAX_VALIDITY_BLOCKS, WAIT_TIMEOUT, BLOBS_DIR, BLOBS_MAX_BYTES, VERIFIER_ENABLED, VERIFIER_CONCURRENCY, VERIFIER_THREADS,
      VERIFIER_REPLAY_TIMEOUT, VERIFIER_REPLAY_MAX_BYTES, VERIFIER_LARGE_REPLAY_COST, FL_AGGREGATOR_ENABLED, FL_AGGREGATOR_KEY_FILE,
      CLUSTER_ID, CLUSTER_MEMBERS, CLUSTER_RAFT_DIR, CLUSTER_ELECTION_TIMEOUT, CLUSTER_SNAPSHOT_INTERVAL, CLUSTER_LOG_SEGMENT_BYTES,
      CLUSTER_TLS_CERT, CLUSTER_TLS_KEY, CLUSTER_TLS_CA, CLUSTER_INSECURE,
      HTTP_THREADS, HTTP_IDLE_TIMEOUT, HTTP_HEADER_TIMEOUT, HTTP_MIN_REQUEST_DATA_RATE, HTTP_MAX_CONNECTIONS_PER_ADDRESS, HTTP_TLS_CERT, HTTP_TLS_KEY,
      HTTP_TLS_CLIENT_CA, HTTP_TLS_CLIENT_AUTH, HTTP_INSECURE, OPS_ENABLED, OPS_HOST, OPS_PORT,
      BLOBS_UNREFERENCED_TTL, BLOBS_COLLECT_INTERVAL, SIGNED_NONCES_PER_IDENTITY, PREDICTIONS_PER_MINUTE, PREDICT_INPUTS_PER_MINUTE);

  /** The file name of the configuration inside a node directory. */
  public static final String FILE_NAME = "node.properties";

  private final Path dir;
  private final Map<String, String> values;

  private NodeConfig(Path dir, Map<String, String> values) {
    this.dir = dir;
    this.values = values;
    for (Key<?> k : ALL) {
      get(k); // fail early on a bad value
    }
    if (clustered() && get(CLUSTER_MEMBERS).stream().noneMatch(m -> m.id().equals(get(CLUSTER_ID)))) {
      throw new IllegalArgumentException("configuration 'cluster.id' = '" + get(CLUSTER_ID) + "' is not among 'cluster.members'");
    }
    if (clustered()) {
      checkAdvertisedApi();
    }
    if (clustered() && !get(CLUSTER_INSECURE)
        && (get(CLUSTER_TLS_CERT).isEmpty() || get(CLUSTER_TLS_KEY).isEmpty() || get(CLUSTER_TLS_CA).isEmpty())) {
      throw new IllegalArgumentException("a cluster member needs '" + CLUSTER_TLS_CERT.name() + "', '" + CLUSTER_TLS_KEY.name() + "' and '"
          + CLUSTER_TLS_CA.name() + "' (mutual TLS between members), or '" + CLUSTER_INSECURE.name() + "' = true to run Raft unauthenticated");
    }
  }

  /**
   * Loads the configuration of the node directory {@code dir}.
   *
   * @param env the environment (normally {@code System.getenv()})
   * @param overrides explicit values by key name, e.g. from flags
   * @throws IllegalArgumentException if the file cannot be read, or a value or key is invalid
   */
  public static NodeConfig load(Path dir, Map<String, String> env, Map<String, String> overrides) {
    Map<String, String> values = new TreeMap<>();
    for (Key<?> k : ALL) {
      values.put(k.name(), k.defaultValue());
    }
    Path file = dir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
      }
      for (String name : new TreeMap<>(toMap(p)).keySet()) {
        if (!values.containsKey(name)) {
          throw new IllegalArgumentException(file + ": unknown key '" + name + "'");
        }
        values.put(name, p.getProperty(name).trim());
      }
    }
    for (Key<?> k : ALL) {
      String v = env.get(k.envName());
      if (v != null) {
        values.put(k.name(), v.trim());
      }
    }
    for (Map.Entry<String, String> o : new TreeMap<>(overrides).entrySet()) {
      if (!values.containsKey(o.getKey())) {
        throw new IllegalArgumentException("unknown configuration key '" + o.getKey() + "'");
      }
      values.put(o.getKey(), o.getValue());
    }
    return new NodeConfig(dir, values);
  }

  private static Map<String, String> toMap(Properties p) {
    Map<String, String> m = new TreeMap<>();
    for (String n : p.stringPropertyNames()) {
      m.put(n, p.getProperty(n));
    }
    return m;
  }

  /** Writes a configuration file with the given values (others keep their defaults). */
  public static void write(Path dir, Map<String, String> values) throws IOException {
    Properties p = new Properties();
    for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
      p.setProperty(e.getKey(), e.getValue());
    }
    Files.createDirectories(dir);
    try (Writer w = Files.newBufferedWriter(dir.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
      p.store(w, "Veriflow node configuration; environment variables VERIFLOW_<KEY> and flags override it");
    }
  }

  public <T> T get(Key<T> key) {
    String raw = values.get(key.name());
    try {
      return key.parser().apply(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("configuration '" + key.name() + "' = '" + raw + "': " + e.getMessage(), e);
    }
  }

  /** A path-valued key resolved against the node directory. */
  public Path path(Key<String> key) {
    return dir.resolve(get(key));
  }

  public Path dir() {
    return dir;
  }

  private static int port(String s) {
    int p = Integer.parseInt(s);
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("port must be 0..65535");
    }
    return p;
  }

  private static List<ClusterMember> members(String s) {
    List<ClusterMember> out = new java.util.ArrayList<>();
    for (String part : s.split(",")) {
      if (!part.isBlank()) {
        out.add(ClusterMember.parse(part));
      }
    }
    return List.copyOf(out);
  }

  /**
   * A member serves its API where its own entry in {@code cluster.members} says it does: the other
   * members relay transactions and fetch blocks at that URL only. The port must be the advertised
   * one (so port 0 is refused); a wildcard host ({@code 0.0.0.0}, {@code ::}) matches any advertised
   * host; a loopback host only a loopback one; two IP addresses must be equal. A host name on
   * either side, other than {@code localhost}, is not resolved here and is taken as matching.
   *
   * @throws IllegalArgumentException naming the configured address, the advertised URL and the fix
   */
  private void checkAdvertisedApi() {
    ClusterMember self = get(CLUSTER_MEMBERS).stream().filter(m -> m.id().equals(get(CLUSTER_ID))).findFirst().orElse(null);
    if (self == null) {
      return; // refused just after, naming cluster.id
    }
    String host = get(HTTP_HOST);
    int port = get(HTTP_PORT);
    int advertisedPort = self.apiUrl().getPort() >= 0 ? self.apiUrl().getPort() : "https".equals(self.apiUrl().getScheme()) ? 443 : 80;
    String fix = "; other members reach this member's API only at the URL 'cluster.members' gives it. Either change this member's entry in '"
        + CLUSTER_MEMBERS.name() + "' on every member to the address it serves, or drop the override of '" + HTTP_PORT.name() + "'/'"
        + HTTP_HOST.name() + "' (" + HTTP_PORT.envName() + ", " + HTTP_HOST.envName() + ", node start --http-port)";
    if (port == 0) {
      throw new IllegalArgumentException("configuration '" + HTTP_PORT.name() + "' = 0 (any free port) cannot serve member " + self.id()
          + "'s advertised API URL " + self.apiUrl() + fix);
    }
    if (port != advertisedPort || !hostMatches(host, self.apiUrl().getHost())) {
      throw new IllegalArgumentException("configuration '" + HTTP_HOST.name() + "':'" + HTTP_PORT.name() + "' = " + host + ":" + port
          + " differs from member " + self.id() + "'s advertised API URL " + self.apiUrl() + " in '" + CLUSTER_MEMBERS.name() + "'" + fix);
    }
  }

  /** Whether an API bound to {@code bound} is reachable at {@code advertised}, as far as can be told without resolving names. */
  static boolean hostMatches(String bound, String advertised) {
    String b = unbracket(bound);
    String a = unbracket(advertised);
    if (b.equalsIgnoreCase(a) || b.isEmpty() || isWildcard(b)) {
      return true;
    }
    boolean bLoop = isLoopback(b);
    boolean aLoop = isLoopback(a);
    if (bLoop || aLoop) {
      return bLoop && aLoop;
    }
    if (isIpLiteral(b) && isIpLiteral(a)) {
      return literal(b).equals(literal(a));
    }
    return true;
  }

  private static String unbracket(String host) {
    String h = host.trim();
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  private static boolean isIpLiteral(String h) {
    return h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.contains(":");
  }

  private static boolean isWildcard(String h) {
    return isIpLiteral(h) && literal(h).isAnyLocalAddress();
  }

  private static boolean isLoopback(String h) {
    return "localhost".equalsIgnoreCase(h) || isIpLiteral(h) && literal(h).isLoopbackAddress();
  }

  /** An IP literal as an address; no name lookup happens for a literal. */
  private static java.net.InetAddress literal(String h) {
    try {
      return java.net.InetAddress.getByName(h);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("'" + h + "' is not an IP address", e);
    }
  }

  /** Whether this node is a member of a cluster ({@code cluster.id} set) rather than a single node. */
  public boolean clustered() {
    return !get(CLUSTER_ID).isEmpty();
  }

  private static int engineThreads(String s) {
    int v = positive(s, "verifier.threads");
    if (v > 1024) {
      throw new IllegalArgumentException("verifier.threads must be at most 1024");
    }
    return v;
  }

  private static boolean bool(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    };
  }

  private static int positive(String s, String name) {
    int v;
    try {
      v = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number", e);
    }
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return v;
  }

  private static long positiveLong(String s, String name) {
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a whole number", e);
    }
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return v;
  }

  /** Offset of the operations listener's default port from the API's. */
  static final int OPS_PORT_OFFSET = 1000;

  /**
   * The HTTP listeners' settings ({@code http.*}, {@code ops.*}).
   *
   * @return the settings; {@link ServerSettings#tls()} is null when {@code http.insecure} is true
   * @throws IllegalArgumentException if neither a certificate and key nor {@code http.insecure=true}
   *     is configured, if only one of certificate and key is, or if a value is invalid
   */
  public ServerSettings serverSettings() {
    boolean hasCert = !get(HTTP_TLS_CERT).isEmpty();
    boolean hasKey = !get(HTTP_TLS_KEY).isEmpty();
    if (hasCert != hasKey) {
      throw new IllegalArgumentException("configuration '" + HTTP_TLS_CERT.name() + "' and '" + HTTP_TLS_KEY.name() + "' go together; only "
          + (hasCert ? HTTP_TLS_CERT.name() : HTTP_TLS_KEY.name()) + " is set");
    }
    TlsSettings tls = null;
    if (hasCert && get(HTTP_INSECURE)) {
      throw new IllegalArgumentException("configuration '" + HTTP_INSECURE.name() + "' = true contradicts '" + HTTP_TLS_CERT.name() + "'");
    }
    if (hasCert) {
      String ca = get(HTTP_TLS_CLIENT_CA);
      tls = new TlsSettings(path(HTTP_TLS_CERT), path(HTTP_TLS_KEY), ca.isEmpty() ? null : dir.resolve(ca), get(HTTP_TLS_CLIENT_AUTH));
    } else if (!get(HTTP_INSECURE)) {
      throw new IllegalArgumentException("the HTTP API needs a certificate: set '" + HTTP_TLS_CERT.name() + "' and '" + HTTP_TLS_KEY.name()
          + "' (PEM files), or '" + HTTP_INSECURE.name() + "=true' to serve plain HTTP");
    }
    int port = get(HTTP_PORT);
    String opsPort = get(OPS_PORT);
    int ops;
    if (!opsPort.isEmpty()) {
      ops = Integer.parseInt(opsPort);
    } else {
      ops = port == 0 || port + OPS_PORT_OFFSET > 65535 ? 0 : port + OPS_PORT_OFFSET;
    }
    return new ServerSettings(get(HTTP_HOST), port, get(HTTP_THREADS), get(HTTP_IDLE_TIMEOUT), get(HTTP_HEADER_TIMEOUT),
        get(HTTP_MIN_REQUEST_DATA_RATE), get(HTTP_MAX_CONNECTIONS_PER_ADDRESS), tls, new ServerSettings.Ops(get(OPS_ENABLED), get(OPS_HOST), ops));
  }

  private static String optionalPort(String s) {
    String t = s.trim();
    if (!t.isEmpty()) {
      try {
        port(t);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a whole number", e);
      }
    }
    return t;
  }

  private static TlsSettings.ClientAuth clientAuth(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "none" -> TlsSettings.ClientAuth.NONE;
      case "want" -> TlsSettings.ClientAuth.WANT;
      case "need" -> TlsSettings.ClientAuth.NEED;
      default -> throw new IllegalArgumentException("must be none, want or need");
    };
  }

  private static int atLeast(String s, String name, int min) {
    int v = positive(s, name);
    if (v < min) {
      throw new IllegalArgumentException(name + " must be at least " + min);
    }
    return v;
  }

  @Override
  public String toString() {
    return "NodeConfig" + Objects.toString(values);
  }
}
