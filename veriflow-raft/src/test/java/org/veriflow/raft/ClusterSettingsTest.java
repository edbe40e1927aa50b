package org.veriflow.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.junit.jupiter.api.Test;

/** Cluster configuration: the member syntax, every refusal, and the Ratis settings derived from it. */
class ClusterSettingsTest {
  private static final List<ClusterMember> THREE = List.of(
      ClusterMember.parse("node1@127.0.0.1:7201@http://127.0.0.1:7101"),
      ClusterMember.parse("node2@127.0.0.1:7202@http://127.0.0.1:7102"),
      ClusterMember.parse("node3@127.0.0.1:7203@http://127.0.0.1:7103"));

  private static ClusterSettings settings(String self, List<ClusterMember> members, long maxBlockBytes) {
    return new ClusterSettings(self, members, Path.of("raft"), 2000, maxBlockBytes, Duration.ofMillis(20), Duration.ofMillis(1000), 10_000,
        32L << 20, Duration.ofSeconds(30));
  }

  @Test
  void parsesAMemberAndWritesItBack() {
    ClusterMember m = ClusterMember.parse(" node2@10.0.0.2:7202@http://10.0.0.2:7102 ");
    assertThat(m.id()).isEqualTo("node2");
    assertThat(m.raftHost()).isEqualTo("10.0.0.2");
    assertThat(m.raftPort()).isEqualTo(7202);
    assertThat(m.apiUrl()).isEqualTo(URI.create("http://10.0.0.2:7102"));
    assertThat(ClusterMember.parse(m.spec())).isEqualTo(m);
  }

  @Test
  void refusesMalformedMembers() {
    assertThatThrownBy(() -> ClusterMember.parse("node1@127.0.0.1:7201")).hasMessageContaining("id@raft-host:raft-port@http://");
    assertThatThrownBy(() -> ClusterMember.parse("node 1@127.0.0.1:7201@http://127.0.0.1:7101")).hasMessageContaining("member id");
    assertThatThrownBy(() -> ClusterMember.parse("node1@127.0.0.1@http://127.0.0.1:7101")).hasMessageContaining("host:port");
    assertThatThrownBy(() -> ClusterMember.parse("node1@127.0.0.1:70000@http://127.0.0.1:7101")).hasMessageContaining("raft port");
    assertThatThrownBy(() -> ClusterMember.parse("node1@127.0.0.1:7201@ftp://127.0.0.1:7101")).hasMessageContaining("API URL");
  }

  @Test
  void refusesInconsistentClusters() {
    assertThatThrownBy(() -> settings("node4", THREE, 8 << 20)).hasMessageContaining("'node4' is not among the members");
    assertThatThrownBy(() -> settings("node1", List.of(THREE.get(0), THREE.get(0)), 8 << 20)).hasMessageContaining("node1 appears twice");
    assertThatThrownBy(() -> settings("node1", List.of(THREE.get(0), ClusterMember.parse("node2@127.0.0.1:7201@http://127.0.0.1:7102")), 8 << 20))
        .hasMessageContaining("raft address 127.0.0.1:7201 appears twice");
    assertThatThrownBy(() -> settings("node1", THREE, 100)).hasMessageContaining("maxBlockBytes");
    assertThatThrownBy(() -> settings("node1", List.of(), 8 << 20)).hasMessageContaining("at least one member");
  }

  @Test
  void derivesRaftLimitsFromTheLargestBlock() {
    ClusterSettings s = settings("node2", THREE, 8L << 20);
    RaftProperties p = RaftSettings.of(s);
    long entry = (8L << 20) + RaftSettings.ENTRY_OVERHEAD_BYTES;
    assertThat(RaftServerConfigKeys.Log.Appender.bufferByteLimit(p).getSize()).isEqualTo(entry);
    assertThat(RaftServerConfigKeys.Log.writeBufferSize(p).getSize()).isGreaterThanOrEqualTo(entry + 8);
    assertThat(GrpcConfigKeys.messageSizeMax(p, x -> { }).getSize()).isGreaterThan(entry);
    assertThat(GrpcConfigKeys.Server.port(p)).isEqualTo(7202);
    assertThat(RaftServerConfigKeys.Log.unsafeFlushEnabled(p)).isFalse();
    assertThat(RaftServerConfigKeys.Log.asyncFlushEnabled(p)).isFalse();
    assertThat(RaftServerConfigKeys.Log.corruptionPolicy(p)).isEqualTo(RaftServerConfigKeys.Log.CorruptionPolicy.EXCEPTION);
    assertThat(RaftServerConfigKeys.Read.option(p)).isEqualTo(RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    assertThat(RaftServerConfigKeys.Log.Appender.installSnapshotEnabled(p)).isFalse();
    assertThat(RaftServerConfigKeys.Log.purgeUptoSnapshotIndex(p)).isTrue();
    assertThat(RaftServerConfigKeys.Rpc.timeoutMax(p).toLong(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(2000);
  }
}
