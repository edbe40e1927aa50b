package org.veriflow.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster member whose API address (after the file, the environment and flags) is not the one its
 * own entry in {@code cluster.members} advertises is refused: the other members would relay to the
 * advertised address and every relayed submission would fail.
 */
class NodeConfigAdvertisedApiTest {
  private static final String MEMBERS = "node1@127.0.0.1:7201@http://127.0.0.1:7101,node2@127.0.0.1:7202@http://127.0.0.1:7102";

  @TempDir Path dir;

  private Map<String, String> member(String httpPort) {
    Map<String, String> o = new HashMap<>(Map.of("cluster.id", "node1", "cluster.members", MEMBERS, "cluster.insecure", "true",
        "http.insecure", "true"));
    o.put("http.port", httpPort);
    return o;
  }

  @Test
  void member_servingTheAdvertisedPort_loads() {
    assertThat(NodeConfig.load(dir, Map.of(), member("7101")).get(NodeConfig.HTTP_PORT)).isEqualTo(7101);
  }

  @Test
  void member_httpPortOverriddenByAFlag_refusedNamingBothAndTheFix() throws Exception {
    NodeConfig.write(dir, member("7101"));
    // As 'node start --http-port 7171' passes it.
    assertThatThrownBy(() -> NodeConfig.load(dir, Map.of(), Map.of("http.port", "7171")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("127.0.0.1:7171").hasMessageContaining("http://127.0.0.1:7101")
        .hasMessageContaining("change this member's entry in 'cluster.members' on every member")
        .hasMessageContaining("drop the override");
  }

  @Test
  void member_httpPortOverriddenByTheEnvironment_refused() throws Exception {
    NodeConfig.write(dir, member("7101"));
    assertThatThrownBy(() -> NodeConfig.load(dir, Map.of("VERIFLOW_HTTP_PORT", "7300"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("127.0.0.1:7300").hasMessageContaining("http://127.0.0.1:7101");
  }

  @Test
  void member_portZero_refused() {
    assertThatThrownBy(() -> NodeConfig.load(dir, Map.of(), member("0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'http.port' = 0").hasMessageContaining("http://127.0.0.1:7101");
  }

  @Test
  void member_wildcardHost_matchesAnyAdvertisedHostButNotAnotherPort() {
    Map<String, String> o = member("7101");
    o.put("http.host", "0.0.0.0");
    assertThat(NodeConfig.load(dir, Map.of(), o).get(NodeConfig.HTTP_HOST)).isEqualTo("0.0.0.0");
    o.put("http.port", "7102");
    assertThatThrownBy(() -> NodeConfig.load(dir, Map.of(), o)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.0.0.0:7102");
  }

  @Test
  void member_boundToAnotherAddress_refused() {
    Map<String, String> o = member("7101");
    o.put("http.host", "10.0.0.5");
    assertThatThrownBy(() -> NodeConfig.load(dir, Map.of(), o)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10.0.0.5:7101").hasMessageContaining("http://127.0.0.1:7101");
  }

  @Test
  void hosts_matchByTheRules() {
    assertThat(NodeConfig.hostMatches("127.0.0.1", "localhost")).isTrue();
    assertThat(NodeConfig.hostMatches("::", "10.1.2.3")).isTrue();
    assertThat(NodeConfig.hostMatches("127.0.0.1", "10.1.2.3")).isFalse();
    assertThat(NodeConfig.hostMatches("10.1.2.3", "[::1]")).isFalse();
    assertThat(NodeConfig.hostMatches("10.1.2.3", "10.1.2.4")).isFalse();
    assertThat(NodeConfig.hostMatches("10.1.2.3", "node1.example.org")).isTrue();
  }

  @Test
  void singleNode_anyPort_loads() {
    assertThat(NodeConfig.load(dir, Map.of(), Map.of("http.port", "0")).get(NodeConfig.HTTP_PORT)).isZero();
  }
}
