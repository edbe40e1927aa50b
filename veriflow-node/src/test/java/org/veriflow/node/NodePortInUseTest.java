package org.veriflow.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.SystemContracts;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.store.rocksdb.RocksDbStore;

/**
 * A node whose port another process holds stops before it executes or commits anything: its store
 * stays at the genesis block (a node that starts commits its encryption key at height 1).
 */
class NodePortInUseTest {
  @TempDir Path dir;

  private final SigningKey admin = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final SigningKey nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);
  private GenesisSpec genesis;

  private void init(int httpPort, String opsPort) throws Exception {
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/node.key"), KeyPem.encodePrivate(nodeKey));
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), 1_000L);
    genesis = new GenesisSpec("veriflow-ports", 1_700_000_000_000L, 1024 * 1024, List.of(new GenesisSpec.Member("admin", admin.publicKey())),
        List.of(new GenesisSpec.Member("node1", nodeKey.publicKey())), balances);
    GenesisFile.write(dir.resolve("genesis.json"), genesis);
    NodeConfig.write(dir, Map.of(NodeConfig.HTTP_PORT.name(), Integer.toString(httpPort), NodeConfig.HTTP_INSECURE.name(), "true",
        NodeConfig.OPS_PORT.name(), opsPort, NodeConfig.VERIFIER_ENABLED.name(), "false"));
  }

  private Node start() {
    return Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
  }

  /** The height of the node's store, reopened as the node would reopen it. */
  private long storedHeight() {
    SystemContracts contracts = new SystemContracts();
    try (Ledger ledger = Ledger.open(RocksDbStore.open(dir.resolve("data")), contracts.registry(), contracts.identities(), genesis.toState())) {
      return ledger.head().height();
    }
  }

  @Test
  void apiPortTaken_refusedBeforeAnythingIsCommitted_thenStartsOnceFreed() throws Exception {
    int port;
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      port = taken.getLocalPort();
      init(port, "0");
      assertThatThrownBy(this::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("port in use").hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("http.port");
      assertThat(storedHeight()).isZero();
    }
    // Freed, the same node starts and commits its encryption key: the height checked above would have shown it.
    try (Node node = start()) {
      assertThat(node.httpPort()).isEqualTo(port);
      assertThat(node.ledger().head().height()).isEqualTo(1);
    }
  }

  @Test
  void opsPortTaken_refusedBeforeAnythingIsCommitted_andTheApiPortIsReleased() throws Exception {
    int apiPort;
    try (ServerSocket free = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      apiPort = free.getLocalPort();
    }
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      init(apiPort, Integer.toString(taken.getLocalPort()));
      assertThatThrownBy(this::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("port in use").hasMessageContaining("operations listener").hasMessageContaining("ops.port");
      assertThat(storedHeight()).isZero();
    }
    // The API's port, bound before the operations listener's failed, was let go.
    try (ServerSocket again = new ServerSocket(apiPort, 50, InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort()).isEqualTo(apiPort);
    }
  }
}
