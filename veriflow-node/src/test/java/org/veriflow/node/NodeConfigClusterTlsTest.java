package org.veriflow.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster member runs Raft over mutual TLS unless its configuration says {@code cluster.insecure=true}. */
class NodeConfigClusterTlsTest {
  private static final Map<String, String> MEMBER = Map.of("cluster.id", "node1", "http.port", "7101",
      "cluster.members", "node1@127.0.0.1:7201@https://127.0.0.1:7101,node2@127.0.0.1:7202@https://127.0.0.1:7102");

  @TempDir Path dir;

  @Test
  void member_noTlsKeysNotInsecure_refusedNamingTheKeys() {
    assertThatThrownBy(() -> NodeConfig.load(dir, Map.of(), MEMBER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cluster.tls.cert").hasMessageContaining("cluster.tls.key").hasMessageContaining("cluster.tls.ca")
        .hasMessageContaining("cluster.insecure");
  }

  @Test
  void member_certificateWithoutCa_refused() {
    Map<String, String> o = new java.util.HashMap<>(MEMBER);
    o.put("cluster.tls.cert", "tls/node.pem");
    o.put("cluster.tls.key", "tls/node.key");
    assertThatThrownBy(() -> NodeConfig.load(dir, Map.of(), o)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster.tls.ca");
  }

  @Test
  void member_explicitlyInsecure_loads() {
    Map<String, String> o = new java.util.HashMap<>(MEMBER);
    o.put("cluster.insecure", "true");
    assertThat(NodeConfig.load(dir, Map.of(), o).get(NodeConfig.CLUSTER_INSECURE)).isTrue();
  }

  @Test
  void member_tlsKeys_resolvedAgainstTheNodeDirectory() {
    Map<String, String> o = new java.util.HashMap<>(MEMBER);
    o.put("cluster.tls.cert", "tls/node.pem");
    o.put("cluster.tls.key", "tls/node.key");
    o.put("cluster.tls.ca", "tls/ca.pem");
    NodeConfig c = NodeConfig.load(dir, Map.of("VERIFLOW_CLUSTER_TLS_CA", "other/ca.pem"), o);
    assertThat(c.path(NodeConfig.CLUSTER_TLS_CERT)).isEqualTo(dir.resolve("tls/node.pem"));
    assertThat(c.get(NodeConfig.CLUSTER_INSECURE)).isFalse();
  }

  @Test
  void singleNode_needsNoClusterTls() {
    assertThat(NodeConfig.load(dir, Map.of(), Map.of()).clustered()).isFalse();
  }
}
