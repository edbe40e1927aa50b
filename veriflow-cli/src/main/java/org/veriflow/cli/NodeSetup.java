package org.veriflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.veriflow.client.KeyFiles;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.ledger.ChainParams;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.NodeConfig;
import org.veriflow.raft.ClusterMember;

/** Writes ready-to-start node directories, of a single node or of a cluster: keys, genesis file and configuration. */
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

  /**
   * A node directory written by {@link #init}.
   *
   * @param dir the node's directory
   * @param admin the first administrator's key (also in {@code keys/admin.key})
   * @param node the node's orderer key (also in {@code keys/node.key})
   * @param chainId the chain's id
   */
  public record Result(Path dir, SigningKey admin, SigningKey node, String chainId) {}

  /** A cluster written by {@link #initCluster}; {@code nodes} in member order, node1 first. */
  public record ClusterResult(Path dir, SigningKey admin, List<ClusterNode> nodes, String chainId) {
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
    NodeConfig.write(dir, Map.of(
        NodeConfig.GENESIS_FILE.name(), "genesis.json",
        NodeConfig.NODE_KEY.name(), "keys/node.key",
        NodeConfig.NODE_ENCRYPTION_KEY.name(), "keys/node-encryption.key",
        NodeConfig.DATA_DIR.name(), "data",
        NodeConfig.HTTP_INSECURE.name(), "true",
        NodeConfig.HTTP_PORT.name(), Integer.toString(httpPort)));
    return new Result(dir, admin, node, chainId);
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
          java.net.URI.create("http://" + CLUSTER_HOST + ":" + (basePort + i - 1))));
      validators.add(new GenesisSpec.Member(id, key.publicKey()));
    }
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), GENESIS_CREDITS);
    // Built before anything is written, so that an invalid chain id leaves no files behind.
    GenesisSpec spec = new GenesisSpec(chainId, genesisTime.toEpochMilli(), ChainParams.DEFAULT_MAX_TX_BYTES,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())), validators, balances);
    String memberList = String.join(",", members.stream().map(ClusterMember::spec).toList());

    KeyFiles.write(dir.resolve("keys/admin.key"), admin);
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
      NodeConfig.write(nodeDir, Map.of(
          NodeConfig.GENESIS_FILE.name(), "genesis.json",
          NodeConfig.NODE_KEY.name(), "keys/node.key",
          NodeConfig.NODE_ENCRYPTION_KEY.name(), "keys/node-encryption.key",
          NodeConfig.DATA_DIR.name(), "data",
          NodeConfig.HTTP_INSECURE.name(), "true",
          NodeConfig.HTTP_PORT.name(), Integer.toString(m.apiUrl().getPort()),
          NodeConfig.CLUSTER_ID.name(), m.id(),
          NodeConfig.CLUSTER_MEMBERS.name(), memberList));
      nodes.add(new ClusterNode(nodeDir, keys.get(i), m));
    }
    return new ClusterResult(dir, admin, nodes, chainId);
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
