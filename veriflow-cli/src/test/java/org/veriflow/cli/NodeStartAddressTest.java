package org.veriflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code node start --http-port P} on a cluster member whose entry in {@code cluster.members}
 * advertises another port is refused: the other members would keep relaying to the advertised one.
 */
class NodeStartAddressTest {
  @TempDir Path tmp;

  @Test
  void clusterMember_httpPortOverride_exit1NamingBothAddressesAndTheFix() {
    Path dir = tmp.resolve("c");
    Veriflow.Captured init = Veriflow.capture("init", "--dir", dir.toString(), "--cluster", "3", "--base-port", "9101");
    assertThat(init.exitCode()).as(init.err()).isZero();

    Veriflow.Captured o = Veriflow.capture("node", "start", "--dir", dir.resolve("node1").toString(), "--http-port", "9171");

    assertThat(o.exitCode()).isEqualTo(Veriflow.FAILURE).isEqualTo(1);
    assertThat(o.err()).startsWith("error: ").contains("127.0.0.1:9171", "https://127.0.0.1:9101", "cluster.members", "on every member",
        "drop the override");
    assertThat(o.out()).doesNotContain("node serving");
    // Refused before the node opened anything.
    assertThat(dir.resolve("node1/data")).doesNotExist();
  }
}
