package org.veriflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.NodeConfig;
import org.veriflow.crypto.x509.Pem;
import org.veriflow.crypto.x509.TlsMaterial;
import org.veriflow.protocol.MemberCertificateProfile;
import org.veriflow.raft.ClusterMember;

class NodeSetupClusterTest {
  static final Instant GENESIS = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path tmp;

  static NodeConfig config(Path nodeDir) {
    return NodeConfig.load(nodeDir, Map.of(), Map.of());
  }

  static List<Path> files(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void initCluster_threeNodes_writesEveryNodeDirectory() throws IOException {
    Path dir = tmp.resolve("cluster");
    NodeSetup.ClusterResult r = NodeSetup.initCluster(dir, "veriflow-test", 3, 7101, SignatureAlgorithm.ED25519, GENESIS);
    assertThat(r.nodes()).hasSize(3);
    assertThat(dir.resolve("keys/admin.key")).isRegularFile();
    assertThat(dir.resolve("node.properties")).doesNotExist();
    assertThat(dir.resolve("genesis.json")).doesNotExist();
    for (int i = 1; i <= 3; i++) {
      Path n = dir.resolve("node" + i);
      assertThat(n.resolve("keys/node.key")).isRegularFile();
      assertThat(n.resolve("keys/node-encryption.key")).isRegularFile();
      assertThat(n.resolve("genesis.json")).isRegularFile();
      assertThat(n.resolve("node.properties")).isRegularFile();
      assertThat(n.resolve("keys/admin.key")).doesNotExist();
      NodeConfig c = config(n);
      assertThat(c.clustered()).isTrue();
      assertThat(c.get(NodeConfig.CLUSTER_ID)).isEqualTo("node" + i);
      assertThat(c.path(NodeConfig.DATA_DIR)).isEqualTo(n.resolve("data"));
      assertThat(c.path(NodeConfig.BLOBS_DIR)).isEqualTo(n.resolve("blobs"));
      assertThat(c.path(NodeConfig.NODE_KEY)).isEqualTo(n.resolve("keys/node.key"));
    }
    assertThat(dir.resolve("node4")).doesNotExist();
  }

  @Test
  void initCluster_tls_eachMemberCertificateSignedByTheCaAndBoundToItsIdAndNodeKey() throws Exception {
    Path dir = tmp.resolve("cluster");
    NodeSetup.ClusterResult r = NodeSetup.initCluster(dir, "veriflow-test", 3, 7101, SignatureAlgorithm.ED25519, GENESIS);
    X509Certificate ca = Pem.readCertificates(dir.resolve("ca/dev-ca.pem")).get(0);
    assertThat(r.caFile()).contains(dir.resolve("ca/dev-ca.pem"));
    assertThat(dir.resolve("ca/dev-ca.key")).isRegularFile();
    for (NodeSetup.ClusterNode node : r.nodes()) {
      Path n = node.dir();
      NodeConfig c = config(n);
      assertThat(c.get(NodeConfig.CLUSTER_INSECURE)).isFalse();
      assertThat(c.get(NodeConfig.HTTP_INSECURE)).isFalse();
      assertThat(c.path(NodeConfig.CLUSTER_TLS_CA)).isEqualTo(n.resolve("tls/ca.pem"));
      assertThat(c.path(NodeConfig.HTTP_TLS_CLIENT_CA)).isEqualTo(n.resolve("tls/ca.pem"));
      assertThat(String.valueOf(c.get(NodeConfig.HTTP_TLS_CLIENT_AUTH)).toLowerCase(java.util.Locale.ROOT)).isEqualTo("want");
      assertThat(node.member().apiUrl().getScheme()).isEqualTo("https");
      TlsMaterial.Identity id = TlsMaterial.readIdentity(c.path(NodeConfig.CLUSTER_TLS_CERT), c.path(NodeConfig.CLUSTER_TLS_KEY));
      assertThat(c.path(NodeConfig.HTTP_TLS_CERT)).isEqualTo(c.path(NodeConfig.CLUSTER_TLS_CERT));
      id.certificate().verify(ca.getPublicKey());
      assertThat(Pem.readCertificates(c.path(NodeConfig.CLUSTER_TLS_CA))).containsExactly(ca);
      List<String> uris = new java.util.ArrayList<>();
      List<String> hosts = new java.util.ArrayList<>();
      for (List<?> san : id.certificate().getSubjectAlternativeNames()) {
        ((Integer) san.get(0) == 6 ? uris : hosts).add((String) san.get(1));
      }
      assertThat(uris).containsExactlyInAnyOrder(MemberCertificateProfile.memberUri(node.member().id()),
          MemberCertificateProfile.nodeKeyUri(node.key().publicKey()));
      assertThat(hosts).contains("127.0.0.1", "localhost");
      // No node needs the CA's key.
      try (var files = Files.walk(n)) {
        assertThat(files.map(Path::getFileName).map(Path::toString)).doesNotContain("dev-ca.key");
      }
    }
  }

  @Test
  void initCluster_insecure_explicitInConfigurationAndNoCertificates() throws IOException {
    Path dir = tmp.resolve("cluster");
    NodeSetup.ClusterResult r = NodeSetup.initCluster(dir, "veriflow-test", 3, 7101, SignatureAlgorithm.ED25519, GENESIS, NodeSetup.Transport.INSECURE);
    assertThat(r.caFile()).isEmpty();
    assertThat(dir.resolve("ca")).doesNotExist();
    NodeConfig c = config(dir.resolve("node2"));
    assertThat(c.get(NodeConfig.CLUSTER_INSECURE)).isTrue();
    assertThat(c.get(NodeConfig.HTTP_INSECURE)).isTrue();
    assertThat(c.get(NodeConfig.CLUSTER_TLS_CERT)).isEmpty();
    assertThat(r.nodes().get(0).member().apiUrl().getScheme()).isEqualTo("http");
  }

  @Test
  void init_singleNode_tlsByDefault_certificateForLoopback() throws Exception {
    Path dir = tmp.resolve("single");
    NodeSetup.Result r = NodeSetup.init(dir, "veriflow-test", 7070, SignatureAlgorithm.ED25519, GENESIS);
    assertThat(r.apiUrl().toString()).isEqualTo("https://127.0.0.1:7070");
    assertThat(r.caFile()).contains(dir.resolve("tls/ca.pem"));
    NodeConfig c = config(dir);
    TlsMaterial.Identity id = TlsMaterial.readIdentity(c.path(NodeConfig.HTTP_TLS_CERT), c.path(NodeConfig.HTTP_TLS_KEY));
    id.certificate().verify(Pem.readCertificates(dir.resolve("tls/ca.pem")).get(0).getPublicKey());
    assertThat(c.get(NodeConfig.HTTP_INSECURE)).isFalse();
  }

  @Test
  void initCluster_genesis_oneFileSharedByteForByte() throws IOException {
    Path dir = tmp.resolve("cluster");
    NodeSetup.initCluster(dir, "veriflow-test", 5, 7101, SignatureAlgorithm.ED25519, GENESIS);
    byte[] first = Files.readAllBytes(dir.resolve("node1/genesis.json"));
    for (int i = 2; i <= 5; i++) {
      assertThat(Files.readAllBytes(dir.resolve("node" + i + "/genesis.json"))).as("node" + i).isEqualTo(first);
    }
  }

  @Test
  void initCluster_genesis_validatorsAreTheNodeKeysAndAdminHasTheCredits() throws IOException {
    Path dir = tmp.resolve("cluster");
    NodeSetup.ClusterResult r = NodeSetup.initCluster(dir, "veriflow-test", 3, 7101, SignatureAlgorithm.P256, GENESIS);
    GenesisSpec g = GenesisFile.read(dir.resolve("node2/genesis.json"));
    assertThat(g.chainId()).isEqualTo("veriflow-test");
    assertThat(g.timestampMillis()).isEqualTo(GENESIS.toEpochMilli());
    List<PublicKey> nodeKeys = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      nodeKeys.add(KeyPem.decodePrivate(Files.readString(dir.resolve("node" + i + "/keys/node.key"))).publicKey());
    }
    assertThat(g.validators().stream().map(GenesisSpec.Member::name)).containsExactly("node1", "node2", "node3");
    assertThat(g.validators().stream().map(GenesisSpec.Member::key)).containsExactlyElementsOf(nodeKeys);
    assertThat(new HashSet<>(nodeKeys)).hasSize(3);
    PublicKey admin = KeyPem.decodePrivate(Files.readString(dir.resolve("keys/admin.key"))).publicKey();
    assertThat(admin.algorithm()).isEqualTo(SignatureAlgorithm.P256);
    assertThat(admin).isEqualTo(r.admin().publicKey());
    assertThat(g.administrators()).singleElement().satisfies(m -> {
      assertThat(m.name()).isEqualTo("admin");
      assertThat(m.key()).isEqualTo(admin);
    });
    assertThat(g.balances()).containsExactlyEntriesOf(Map.of(admin.id(), NodeSetup.GENESIS_CREDITS));
  }

  @Test
  void initCluster_configs_sameMembersEverywhereAndDistinctPorts() throws IOException {
    Path dir = tmp.resolve("cluster");
    NodeSetup.initCluster(dir, "veriflow-test", 4, 9000, SignatureAlgorithm.ED25519, GENESIS);
    List<ClusterMember> members = config(dir.resolve("node1")).get(NodeConfig.CLUSTER_MEMBERS);
    assertThat(members).extracting(ClusterMember::spec).containsExactly(
        "node1@127.0.0.1:9100@https://127.0.0.1:9000",
        "node2@127.0.0.1:9101@https://127.0.0.1:9001",
        "node3@127.0.0.1:9102@https://127.0.0.1:9002",
        "node4@127.0.0.1:9103@https://127.0.0.1:9003");
    Set<Integer> ports = new HashSet<>();
    for (int i = 1; i <= 4; i++) {
      NodeConfig c = config(dir.resolve("node" + i));
      assertThat(c.get(NodeConfig.CLUSTER_MEMBERS)).isEqualTo(members);
      assertThat(c.get(NodeConfig.HTTP_PORT)).isEqualTo(9000 + i - 1);
      ClusterMember self = members.get(i - 1);
      assertThat(self.id()).isEqualTo(c.get(NodeConfig.CLUSTER_ID));
      assertThat(self.apiUrl().getPort()).isEqualTo(c.get(NodeConfig.HTTP_PORT));
      ports.add(c.get(NodeConfig.HTTP_PORT));
      ports.add(self.raftPort());
    }
    assertThat(ports).hasSize(8);
  }

  @Test
  void initCluster_oneNode_aClusterOfOne() throws IOException {
    Path dir = tmp.resolve("cluster");
    NodeSetup.initCluster(dir, "veriflow-test", 1, 7101, SignatureAlgorithm.ED25519, GENESIS);
    assertThat(config(dir.resolve("node1")).get(NodeConfig.CLUSTER_MEMBERS)).singleElement()
        .extracting(ClusterMember::spec).isEqualTo("node1@127.0.0.1:7201@https://127.0.0.1:7101");
  }

  @Test
  void initCluster_sizeBelowOne_refusedAndNothingWritten() throws IOException {
    Path dir = tmp.resolve("cluster");
    for (int n : new int[] {0, -1}) {
      assertThatThrownBy(() -> NodeSetup.initCluster(dir, "veriflow-test", n, 7101, SignatureAlgorithm.ED25519, GENESIS))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 node");
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void initCluster_portsAbove65535_refusedAndNothingWritten() throws IOException {
    Path dir = tmp.resolve("cluster");
    assertThatThrownBy(() -> NodeSetup.initCluster(dir, "veriflow-test", 3, 65434, SignatureAlgorithm.ED25519, GENESIS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65536").hasMessageContaining("at most 65433");
    assertThat(dir).doesNotExist();
    NodeSetup.initCluster(dir, "veriflow-test", 3, 65433, SignatureAlgorithm.ED25519, GENESIS);
    assertThat(config(dir.resolve("node3")).get(NodeConfig.CLUSTER_MEMBERS).get(2).raftPort()).isEqualTo(65535);
  }

  @Test
  void initCluster_basePortZeroOrTooManyNodes_refused() {
    Path dir = tmp.resolve("cluster");
    assertThatThrownBy(() -> NodeSetup.initCluster(dir, "veriflow-test", 3, 0, SignatureAlgorithm.ED25519, GENESIS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("base port");
    assertThatThrownBy(() -> NodeSetup.initCluster(dir, "veriflow-test", 101, 7101, SignatureAlgorithm.ED25519, GENESIS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 100 nodes");
    assertThat(dir).doesNotExist();
  }

  @Test
  void initCluster_invalidChainId_refusedAndNothingWritten() {
    Path dir = tmp.resolve("cluster");
    assertThatThrownBy(() -> NodeSetup.initCluster(dir, "not a chain id!", 3, 7101, SignatureAlgorithm.ED25519, GENESIS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(dir).doesNotExist();
  }

  @Test
  void initCluster_overASingleNode_refusedAndNothingWritten() throws IOException {
    Path dir = tmp.resolve("node");
    NodeSetup.init(dir, "veriflow-test", 7070, SignatureAlgorithm.ED25519, GENESIS);
    List<Path> before = files(dir);
    assertThatThrownBy(() -> NodeSetup.initCluster(dir, "veriflow-test", 3, 7101, SignatureAlgorithm.ED25519, GENESIS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already holds a node");
    assertThat(files(dir)).isEqualTo(before);
  }

  @Test
  void initCluster_overACluster_refusedAndNothingWritten() throws IOException {
    Path dir = tmp.resolve("cluster");
    NodeSetup.initCluster(dir, "veriflow-test", 3, 7101, SignatureAlgorithm.ED25519, GENESIS);
    List<Path> before = files(dir);
    assertThatThrownBy(() -> NodeSetup.initCluster(dir, "veriflow-test", 5, 7101, SignatureAlgorithm.ED25519, GENESIS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already holds");
    assertThat(files(dir)).isEqualTo(before);
  }

  @Test
  void initCluster_overAClusterWithoutItsAdminKey_refusedAndNothingWritten() throws IOException {
    Path dir = tmp.resolve("cluster");
    NodeSetup.initCluster(dir, "veriflow-test", 3, 7101, SignatureAlgorithm.ED25519, GENESIS);
    Files.move(dir.resolve("keys/admin.key"), tmp.resolve("admin.key"));
    List<Path> before = files(dir);
    assertThatThrownBy(() -> NodeSetup.initCluster(dir, "veriflow-test", 3, 7101, SignatureAlgorithm.ED25519, GENESIS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already holds a cluster (node1 is a node)");
    assertThat(files(dir)).isEqualTo(before);
  }

  @Test
  void initCluster_nodeDirectoryExists_refusedAndNothingWritten() throws IOException {
    Path dir = tmp.resolve("cluster");
    Files.createDirectories(dir.resolve("node2"));
    assertThatThrownBy(() -> NodeSetup.initCluster(dir, "veriflow-test", 3, 7101, SignatureAlgorithm.ED25519, GENESIS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node2 already exists");
    assertThat(files(dir)).isEmpty();
  }

  @Test
  void initCluster_intoAnEmptyExistingDirectory_writes() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("cluster"));
    NodeSetup.initCluster(dir, "veriflow-test", 3, 7101, SignatureAlgorithm.ED25519, GENESIS);
    assertThat(dir.resolve("node3/node.properties")).isRegularFile();
  }
}
