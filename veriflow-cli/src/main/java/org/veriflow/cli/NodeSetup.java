package org.veriflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.veriflow.client.KeyFiles;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.crypto.x509.DevelopmentPki;
import org.veriflow.crypto.x509.Pem;
import org.veriflow.ledger.ChainParams;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.NodeConfig;
import org.veriflow.raft.ClusterMember;

/**
 * Writes ready-to-start node directories, of a single node or of a cluster: keys, genesis file,
 * configuration and, unless {@link Transport#INSECURE}, a development CA with a certificate for each
 * node (see {@link DevelopmentPki} for the profile).
 */
public final class NodeSetup {
  /** Credits minted for the first administrator at genesis. */
  public static final long GENESIS_CREDITS = 1_000_000_000L;

  /** Default first HTTP port of a cluster's nodes; their Raft ports start {@link #RAFT_PORT_OFFSET} above. */
  static final int DEFAULT_BASE_PORT = 7101;
  /** A cluster node's Raft port is its HTTP port plus this. */
  static final int RAFT_PORT_OFFSET = 100;
  /** Most nodes {@link #initCluster} writes: beyond this, HTTP ports would run into Raft ports. */
  static final int MAX_CLUSTER_SIZE = RAFT_PORT_OFFSET;
  /** The host every member of a cluster written by {@link #initCluster} listens on. */
  static final String CLUSTER_HOST = "127.0.0.1";

  /** Where a node's TLS files go, relative to its directory; the configuration names them. */
  static final String TLS_CA = "tls/ca.pem";
  static final String TLS_CERT = "tls/node.pem";
  static final String TLS_KEY = "tls/node.key";
  /**
   * The development CA's certificate and private key, relative to the directory {@code init} writes
   * (for a cluster, beside the node directories): no node reads them; the key issues certificates only.
   */
  static final String CA_CERT = "ca/dev-ca.pem";
  static final String CA_KEY = "ca/dev-ca.key";

  /** How the written nodes are reached. */
  public enum Transport {
    /**
     * TLS everywhere: a development CA, a certificate per node, the HTTP API on HTTPS (asking
     * clients for a certificate, not requiring one), mutual TLS between cluster members.
     */
    TLS,
    /**
     * No TLS, said explicitly in the configuration ({@code http.insecure=true}, and {@code
     * cluster.insecure=true} for a cluster): plain HTTP and unauthenticated Raft, logged as warnings.
     */
    INSECURE
  }

  /**
   * A node directory written by {@link #init}.
   *
   * @param dir the node's directory
   * @param admin the first administrator's key (also in {@code keys/admin.key})
   * @param node the node's orderer key (also in {@code keys/node.key})
   * @param chainId the chain's id
   * @param apiUrl where the node's HTTP API will be ({@code https} unless insecure)
   * @param caFile the CA certificate its clients trust ({@code tls/ca.pem}), empty when insecure
   */
  public record Result(Path dir, SigningKey admin, SigningKey node, String chainId, URI apiUrl, Optional<Path> caFile) {}

  /**
   * A cluster written by {@link #initCluster}; {@code nodes} in member order, node1 first.
   *
   * @param caFile the CA certificate the members' clients trust, empty when insecure
   */
  public record ClusterResult(Path dir, SigningKey admin, List<ClusterNode> nodes, String chainId, Optional<Path> caFile) {
    public ClusterResult {
      nodes = List.copyOf(nodes);
    }
  }

  /** One node of a written cluster: its directory, its orderer key and its member entry. */
  public record ClusterNode(Path dir, SigningKey key, ClusterMember member) {}

  private NodeSetup() {}

  /**
   * Writes a single node's directory: keys, genesis file (the administrator holding {@link
   * #GENESIS_CREDITS}) and configuration.
   *
   * @param dir the directory to write; must not hold a node
   * @param chainId the chain's id
   * @param httpPort the HTTP port the node will serve on, 0 for any free port
   * @param keyType the administrator key's algorithm
   * @param genesisTime the genesis block's time
   * @return what was written
   * @throws IllegalArgumentException if {@code dir} already holds a node
   * @throws IOException if a file cannot be written
   */
  public static Result init(Path dir, String chainId, int httpPort, SignatureAlgorithm keyType, Instant genesisTime) throws IOException {
    return init(dir, chainId, httpPort, keyType, genesisTime, Transport.TLS);
  }

  /**
   * Writes a single node's directory as {@link #init(Path, String, int, SignatureAlgorithm, Instant)},
   * reached as {@code transport} says.
   *
   * @param transport TLS (a development CA in {@code dir/ca}, the node's certificate in {@code
   *     dir/tls}) or explicitly insecure
   * @return what was written
   * @throws IllegalArgumentException if {@code dir} already holds a node
   * @throws IOException if a file cannot be written
   */
  public static Result init(Path dir, String chainId, int httpPort, SignatureAlgorithm keyType, Instant genesisTime, Transport transport)
      throws IOException {
    if (Files.exists(dir.resolve(NodeConfig.FILE_NAME)) || Files.exists(dir.resolve("genesis.json"))) {
      throw new IllegalArgumentException(dir + " already holds a node; choose another directory");
    }
    SigningKey admin = SigningKey.generate(keyType);
    SigningKey node = SigningKey.generate(SignatureAlgorithm.ED25519);
    KeyFiles.write(dir.resolve("keys/admin.key"), admin);
    KeyFiles.write(dir.resolve("keys/node.key"), node);
    // The node publishes it on chain at its first start; dataset custody keys are wrapped for it.
    EncryptionKeyPair encryption = EncryptionKeyPair.generate();
    encryption.writePem(dir.resolve("keys/node-encryption.key"));
    encryption.destroy();
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), GENESIS_CREDITS);
    GenesisSpec spec = new GenesisSpec(chainId, genesisTime.toEpochMilli(), ChainParams.DEFAULT_MAX_TX_BYTES,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())),
        List.of(new GenesisSpec.Member("node1", node.publicKey())), balances);
    GenesisFile.write(dir.resolve("genesis.json"), spec);
    Map<String, String> config = new TreeMap<>(Map.of(
        NodeConfig.GENESIS_FILE.name(), "genesis.json",
        NodeConfig.NODE_KEY.name(), "keys/node.key",
        NodeConfig.NODE_ENCRYPTION_KEY.name(), "keys/node-encryption.key",
        NodeConfig.DATA_DIR.name(), "data",
        NodeConfig.HTTP_PORT.name(), Integer.toString(httpPort)));
    Optional<Path> ca = Optional.empty();
    if (transport == Transport.TLS) {
      DevelopmentPki.Authority authority = writeAuthority(dir, chainId, Instant.now());
      writeNodeTls(dir, authority, new DevelopmentPki.NodeRequest("node", List.of(CLUSTER_HOST, "localhost"), Optional.empty(), Optional.empty()),
          Instant.now());
      ca = Optional.of(dir.resolve(TLS_CA));
    }
    config.putAll(httpTransport(transport));
    NodeConfig.write(dir, config);
    return new Result(dir, admin, node, chainId, URI.create(scheme(transport) + "://" + CLUSTER_HOST + ":" + httpPort), ca);
  }

  /** The URL scheme of the API of nodes written with {@code transport}. */
  static String scheme(Transport transport) {
    return transport == Transport.TLS ? "https" : "http";
  }

  /** The HTTP API's configuration keys for {@code transport}; the files are those {@link #writeNodeTls} writes. */
  private static Map<String, String> httpTransport(Transport transport) {
    if (transport == Transport.INSECURE) {
      return Map.of(NodeConfig.HTTP_INSECURE.name(), "true");
    }
    return Map.of(
        NodeConfig.HTTP_TLS_CERT.name(), TLS_CERT,
        NodeConfig.HTTP_TLS_KEY.name(), TLS_KEY,
        NodeConfig.HTTP_TLS_CLIENT_CA.name(), TLS_CA,
        // Members present their certificate when they relay; other clients need none.
        NodeConfig.HTTP_TLS_CLIENT_AUTH.name(), "want");
  }

  /** Creates the development CA and writes its certificate and key under {@code dir/ca}. */
  private static DevelopmentPki.Authority writeAuthority(Path dir, String chainId, Instant now) throws IOException {
    DevelopmentPki.Authority authority = DevelopmentPki.newAuthority("Veriflow development CA for " + chainId, now);
    Pem.writeCertificates(dir.resolve(CA_CERT), List.of(authority.certificate()));
    Pem.writePrivateKey(dir.resolve(CA_KEY), authority.key());
    return authority;
  }

  /** Writes a node's {@code tls/ca.pem}, {@code tls/node.pem} and {@code tls/node.key}. */
  private static void writeNodeTls(Path nodeDir, DevelopmentPki.Authority authority, DevelopmentPki.NodeRequest request, Instant now) throws IOException {
    DevelopmentPki.Issued issued = DevelopmentPki.issue(authority, request, now);
    Pem.writeCertificates(nodeDir.resolve(TLS_CA), List.of(authority.certificate()));
    Pem.writeCertificates(nodeDir.resolve(TLS_CERT), List.of(issued.certificate()));
    Pem.writePrivateKey(nodeDir.resolve(TLS_KEY), issued.key());
  }

  /**
   * Writes a cluster of {@code size} nodes on this machine: {@code dir/node1} .. {@code dir/nodeN},
   * each with its own node and encryption keys, the same genesis file (one file, copied byte for
   * byte) naming every node key as a validator ({@code node1} ..) and the administrator, and a
   * configuration naming every member; node i serves HTTP on {@code basePort + i - 1} and Raft on
   * {@code basePort + 100 + i - 1}, both on 127.0.0.1. The administrator's key goes to {@code
   * dir/keys/admin.key}.
   *
   * <p>Every refusal is decided before anything is written.
   *
   * @throws IllegalArgumentException if {@code size} is not 1..100, a port would fall outside
   *     1..65535, the chain id is invalid, or {@code dir} already holds a node or a cluster
   * @throws IOException if a file cannot be written (what was written so far stays)
   */
  public static ClusterResult initCluster(Path dir, String chainId, int size, int basePort, SignatureAlgorithm keyType, Instant genesisTime)
      throws IOException {
    return initCluster(dir, chainId, size, basePort, keyType, genesisTime, Transport.TLS);
  }

  /**
   * Writes a cluster as {@link #initCluster(Path, String, int, int, SignatureAlgorithm, Instant)},
   * reached as {@code transport} says: with TLS, a development CA in {@code dir/ca} and, in each node's
   * {@code tls} directory, the CA's certificate and the node's certificate, bound to its member id
   * and node key, serving its API (HTTPS) and Raft (mutual TLS).
   *
   * @param transport TLS or explicitly insecure
   * @return what was written
   * @throws IllegalArgumentException as the other overload
   * @throws IOException if a file cannot be written (what was written so far stays)
   */
  public static ClusterResult initCluster(Path dir, String chainId, int size, int basePort, SignatureAlgorithm keyType, Instant genesisTime,
      Transport transport) throws IOException {
    checkClusterShape(size, basePort);
    checkNoNodeIn(dir, size);
    SigningKey admin = SigningKey.generate(keyType);
    List<SigningKey> keys = new ArrayList<>();
    List<ClusterMember> members = new ArrayList<>();
    List<GenesisSpec.Member> validators = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      String id = "node" + i;
      SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
      keys.add(key);
      members.add(new ClusterMember(id, CLUSTER_HOST + ":" + (basePort + RAFT_PORT_OFFSET + i - 1),
          URI.create(scheme(transport) + "://" + CLUSTER_HOST + ":" + (basePort + i - 1))));
      validators.add(new GenesisSpec.Member(id, key.publicKey()));
    }
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), GENESIS_CREDITS);
    // Built before anything is written, so that an invalid chain id leaves no files behind.
    GenesisSpec spec = new GenesisSpec(chainId, genesisTime.toEpochMilli(), ChainParams.DEFAULT_MAX_TX_BYTES,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())), validators, balances);
    String memberList = String.join(",", members.stream().map(ClusterMember::spec).toList());

    KeyFiles.write(dir.resolve("keys/admin.key"), admin);
    DevelopmentPki.Authority authority = transport == Transport.TLS ? writeAuthority(dir, chainId, Instant.now()) : null;
    List<ClusterNode> nodes = new ArrayList<>();
    Path genesis = null;
    for (int i = 0; i < size; i++) {
      ClusterMember m = members.get(i);
      Path nodeDir = dir.resolve(m.id());
      KeyFiles.write(nodeDir.resolve("keys/node.key"), keys.get(i));
      EncryptionKeyPair encryption = EncryptionKeyPair.generate();
      encryption.writePem(nodeDir.resolve("keys/node-encryption.key"));
      encryption.destroy();
      if (genesis == null) {
        genesis = nodeDir.resolve("genesis.json");
        GenesisFile.write(genesis, spec);
      } else {
        // Every member must start from the same block 0: one file, copied, never written again.
        Files.copy(genesis, nodeDir.resolve("genesis.json"));
      }
      Map<String, String> config = new TreeMap<>(Map.of(
          NodeConfig.GENESIS_FILE.name(), "genesis.json",
          NodeConfig.NODE_KEY.name(), "keys/node.key",
          NodeConfig.NODE_ENCRYPTION_KEY.name(), "keys/node-encryption.key",
          NodeConfig.DATA_DIR.name(), "data",
          NodeConfig.HTTP_PORT.name(), Integer.toString(m.apiUrl().getPort()),
          NodeConfig.CLUSTER_ID.name(), m.id(),
          NodeConfig.CLUSTER_MEMBERS.name(), memberList));
      config.putAll(httpTransport(transport));
      if (authority != null) {
        writeNodeTls(nodeDir, authority, DevelopmentPki.NodeRequest.member(m.id(), keys.get(i).publicKey(),
            List.of(m.raftHost(), m.apiUrl().getHost(), CLUSTER_HOST, "localhost")), Instant.now());
        config.put(NodeConfig.CLUSTER_TLS_CERT.name(), TLS_CERT);
        config.put(NodeConfig.CLUSTER_TLS_KEY.name(), TLS_KEY);
        config.put(NodeConfig.CLUSTER_TLS_CA.name(), TLS_CA);
      } else {
        config.put(NodeConfig.CLUSTER_INSECURE.name(), "true");
      }
      NodeConfig.write(nodeDir, config);
      nodes.add(new ClusterNode(nodeDir, keys.get(i), m));
    }
    return new ClusterResult(dir, admin, nodes, chainId, authority == null ? Optional.empty() : Optional.of(dir.resolve(CA_CERT)));
  }

  /**
   * Checks a cluster's size and ports: 1..100 nodes, HTTP ports {@code basePort ..} and Raft ports
   * {@code basePort + 100 ..} all within 1..65535.
   *
   * @throws IllegalArgumentException saying which limit is passed
   */
  static void checkClusterShape(int size, int basePort) {
    if (size < 1) {
      throw new IllegalArgumentException("a cluster needs at least 1 node, not " + size);
    }
    if (size > MAX_CLUSTER_SIZE) {
      throw new IllegalArgumentException("a cluster of more than " + MAX_CLUSTER_SIZE + " nodes would give HTTP ports that are also Raft ports, not "
          + size);
    }
    if (basePort < 1) {
      throw new IllegalArgumentException("the base port must be 1..65535, not " + basePort);
    }
    long lastRaftPort = (long) basePort + RAFT_PORT_OFFSET + size - 1;
    if (lastRaftPort > 65535) {
      throw new IllegalArgumentException("with base port " + basePort + ", " + size + " nodes need Raft ports up to " + lastRaftPort
          + ", above 65535; choose a base port of at most " + (65535 - RAFT_PORT_OFFSET - size + 1));
    }
  }

  /** Refuses a directory that already holds a node, a cluster's administrator key or one of the node directories. */
  private static void checkNoNodeIn(Path dir, int size) throws IOException {
    if (Files.exists(dir.resolve(NodeConfig.FILE_NAME)) || Files.exists(dir.resolve("genesis.json"))) {
      throw new IllegalArgumentException(dir + " already holds a node; choose another directory");
    }
    if (Files.exists(dir.resolve("keys/admin.key"))) {
      throw new IllegalArgumentException(dir + " already holds keys/admin.key (a node or a cluster); choose another directory");
    }
    if (Files.isDirectory(dir)) {
      try (var children = Files.list(dir)) {
        for (Path child : children.sorted().toList()) {
          if (Files.exists(child.resolve(NodeConfig.FILE_NAME)) || Files.exists(child.resolve("genesis.json"))) {
            throw new IllegalArgumentException(dir + " already holds a cluster (" + child.getFileName() + " is a node); choose another directory");
          }
        }
      }
    }
    for (int i = 1; i <= size; i++) {
      if (Files.exists(dir.resolve("node" + i))) {
        throw new IllegalArgumentException(dir.resolve("node" + i) + " already exists; choose another directory");
      }
    }
  }
}
