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
  public static final Key<Duration> WAIT_TIMEOUT = new Key<>("http.wait-timeout-ms", "30000", s -> Duration.ofMillis(positive(s, "http.wait-timeout-ms")), "longest a ?wait=true submission waits for its block");

  public static final Key<String> BLOBS_DIR = new Key<>("blobs.dir", "blobs", s -> s, "where the content-addressed blob store keeps its files");
  public static final Key<Long> BLOBS_MAX_BYTES = new Key<>("blobs.max-bytes", Long.toString(1L << 30), s -> positiveLong(s, "blobs.max-bytes"), "largest blob accepted by an upload, in bytes");

  public static final Key<Boolean> VERIFIER_ENABLED = new Key<>("verifier.enabled", "true", NodeConfig::bool,
      "whether this node, if its key is an active validator, replays every registered model and attests the result");
  public static final Key<Integer> VERIFIER_CONCURRENCY = new Key<>("verifier.concurrency", "1", s -> positive(s, "verifier.concurrency"),
      "most model replays the verifier runs at once");
  public static final Key<Integer> VERIFIER_THREADS = new Key<>("verifier.threads", Integer.toString(Runtime.getRuntime().availableProcessors()),
      NodeConfig::engineThreads, "engine threads of each replay (default: the available processors); the artifact does not depend on it");

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

  // Transport security between cluster members: mutual TLS on Raft, HTTPS with a member certificate on relays and block fetches.
  public static final Key<String> CLUSTER_TLS_CERT = new Key<>("cluster.tls.cert", "", String::trim,
      "this member's certificate (PEM), signed by the cluster's CA and naming its member id and node key; presented on Raft and to other members' APIs");
  public static final Key<String> CLUSTER_TLS_KEY = new Key<>("cluster.tls.key", "", String::trim, "the private key of cluster.tls.cert (PKCS#8 PEM)");
  public static final Key<String> CLUSTER_TLS_CA = new Key<>("cluster.tls.ca", "", String::trim,
      "the cluster's CA certificate(s) (PEM): every member's certificate must be signed by it; other members' APIs are trusted through it");
  public static final Key<Boolean> CLUSTER_INSECURE = new Key<>("cluster.insecure", "false", NodeConfig::bool,
      "true: Raft traffic between members is plain gRPC, unauthenticated (logged as a warning); otherwise a cluster member needs cluster.tls.cert, .key and .ca");

  // The HTTP API's TLS keys, as veriflow init writes them; the HTTP server's TLS set-up reads them.
  public static final Key<String> HTTP_TLS_CERT = new Key<>("http.tls.cert", "", String::trim, "the API's certificate chain (PEM)");
  public static final Key<String> HTTP_TLS_KEY = new Key<>("http.tls.key", "", String::trim, "the private key of http.tls.cert (PKCS#8 PEM)");
  public static final Key<String> HTTP_TLS_CLIENT_CA = new Key<>("http.tls.client-ca", "", String::trim, "the CAs whose client certificates are accepted (PEM)");
  public static final Key<String> HTTP_TLS_CLIENT_AUTH = new Key<>("http.tls.client-auth", "none", String::trim, "none, want or need a client certificate");
  public static final Key<Boolean> HTTP_INSECURE = new Key<>("http.insecure", "false", NodeConfig::bool, "true: the API serves plain HTTP");

  public static final List<Key<?>> ALL = List.of(GENESIS_FILE, NODE_KEY, NODE_ENCRYPTION_KEY, DATA_DIR, HTTP_HOST, HTTP_PORT, MAX_BLOCK_TXS, MAX_BLOCK_DELAY,
      MAX_BLOCK_BYTES, MEMPOOL_SIZE, WAIT_TIMEOUT, BLOBS_DIR, BLOBS_MAX_BYTES, VERIFIER_ENABLED, VERIFIER_CONCURRENCY, VERIFIER_THREADS,
      CLUSTER_ID, CLUSTER_MEMBERS, CLUSTER_RAFT_DIR, CLUSTER_ELECTION_TIMEOUT, CLUSTER_SNAPSHOT_INTERVAL, CLUSTER_LOG_SEGMENT_BYTES,
      CLUSTER_TLS_CERT, CLUSTER_TLS_KEY, CLUSTER_TLS_CA, CLUSTER_INSECURE,
      HTTP_TLS_CERT, HTTP_TLS_KEY, HTTP_TLS_CLIENT_CA, HTTP_TLS_CLIENT_AUTH, HTTP_INSECURE);

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

  @Override
  public String toString() {
    return "NodeConfig" + Objects.toString(values);
  }
}
