package org.veriflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;

/** The {@code cluster} commands and {@code init --cluster}, against stand-in nodes or none. */
class ClusterCommandTest {
  @TempDir Path tmp;
  ScriptedCluster scripted;

  @AfterEach
  void stop() {
    if (scripted != null) {
      scripted.close();
    }
  }

  static long files(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  // ------------------------------------------------------------ init --cluster

  @Test
  void init_cluster3_printsMembersAndStartCommands() throws IOException {
    Path dir = tmp.resolve("c");
    Veriflow.Captured o = Veriflow.capture("init", "--dir", dir.toString(), "--cluster", "3", "--base-port", "9101");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.err()).isEmpty();
    assertThat(o.out()).contains("as a cluster of 3 nodes", "https://127.0.0.1:9101", "raft 127.0.0.1:9203", "tolerates 1 failed")
        .contains("veriflow node start --dir " + dir.resolve("node1"), "veriflow node start --dir " + dir.resolve("node3"));
    assertThat(dir.resolve("node3/node.properties")).exists();
  }

  @Test
  void init_jsonOutput_singleAndCluster_documentedFields() throws IOException {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    Veriflow.Captured single = Veriflow.capture("init", "--dir", tmp.resolve("s").toString(), "--http-port", "7999", "--output", "json");
    assertThat(single.exitCode()).as(single.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode s = json.readTree(single.out());
    assertThat(s.fieldNames()).toIterable().containsExactly("chainId", "dir", "administrator", "administratorKey", "credits", "majority", "nodes",
        "caFile");
    assertThat(s.get("credits").asLong()).isEqualTo(NodeSetup.GENESIS_CREDITS);
    assertThat(s.get("nodes")).hasSize(1);
    assertThat(s.get("nodes").get(0).get("apiUrl").asText()).isEqualTo("https://127.0.0.1:7999");
    assertThat(s.get("caFile").asText()).isEqualTo(tmp.resolve("s/tls/ca.pem").toString());
    assertThat(s.get("nodes").get(0).get("raftAddress").isNull()).isTrue();

    Path dir = tmp.resolve("c");
    Veriflow.Captured cluster = Veriflow.capture("init", "--dir", dir.toString(), "--cluster", "3", "--base-port", "9101", "--output", "json");
    assertThat(cluster.exitCode()).as(cluster.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode c = json.readTree(cluster.out());
    assertThat(c.get("majority").asInt()).isEqualTo(2);
    assertThat(c.get("nodes")).hasSize(3);
    com.fasterxml.jackson.databind.JsonNode node3 = c.get("nodes").get(2);
    assertThat(node3.fieldNames()).toIterable().containsExactly("id", "validator", "dir", "apiUrl", "raftAddress");
    assertThat(node3.get("id").asText()).isEqualTo("node3");
    assertThat(node3.get("dir").asText()).isEqualTo(dir.resolve("node3").toString());
    assertThat(node3.get("raftAddress").asText()).isEqualTo("127.0.0.1:9203");
    assertThat(c.get("caFile").asText()).isEqualTo(dir.resolve("ca/dev-ca.pem").toString());
  }

  @Test
  void init_insecureHttp_plainUrlsNoCertificatesAndAWarning() throws IOException {
    Path dir = tmp.resolve("c");
    Veriflow.Captured o = Veriflow.capture("init", "--dir", dir.toString(), "--cluster", "3", "--base-port", "9101", "--insecure-http");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out()).contains("http://127.0.0.1:9101").doesNotContain("https://");
    assertThat(o.err()).contains("warning: --insecure-http");
    assertThat(dir.resolve("ca")).doesNotExist();
    assertThat(dir.resolve("node1/tls")).doesNotExist();
    assertThat(Files.readString(dir.resolve("node1/node.properties"))).contains("http.insecure=true", "cluster.insecure=true");
  }

  @Test
  void init_clusterEven_warnsOnStandardError() {
    Veriflow.Captured o = Veriflow.capture("init", "--dir", tmp.resolve("c").toString(), "--cluster", "4");
    assertThat(o.exitCode()).isZero();
    assertThat(o.err()).startsWith("warning: ").contains("cluster of 4 nodes tolerates no more failed nodes (1) than a cluster of 3");
  }

  @Test
  void init_cluster0_usageErrorAndNothingWritten() throws IOException {
    Path dir = tmp.resolve("c");
    Veriflow.Captured o = Veriflow.capture("init", "--dir", dir.toString(), "--cluster", "0");
    assertThat(o.exitCode()).isEqualTo(Veriflow.USAGE);
    assertThat(o.err()).contains("error: ", "at least 1 node");
    assertThat(files(dir)).isZero();
  }

  @Test
  void init_clusterPortsAbove65535_usageErrorAndNothingWritten() throws IOException {
    Path dir = tmp.resolve("c");
    Veriflow.Captured o = Veriflow.capture("init", "--dir", dir.toString(), "--cluster", "3", "--base-port", "65500");
    assertThat(o.exitCode()).isEqualTo(Veriflow.USAGE);
    assertThat(o.err()).contains("65535");
    assertThat(files(dir)).isZero();
  }

  @Test
  void init_httpPortWithCluster_usageError() {
    Veriflow.Captured o = Veriflow.capture("init", "--dir", tmp.resolve("c").toString(), "--cluster", "3", "--http-port", "8000");
    assertThat(o.exitCode()).isEqualTo(Veriflow.USAGE);
    assertThat(o.err()).contains("--base-port");
  }

  @Test
  void init_basePortWithoutCluster_usageError() throws IOException {
    Veriflow.Captured o = Veriflow.capture("init", "--dir", tmp.resolve("c").toString(), "--base-port", "8000");
    assertThat(o.exitCode()).isEqualTo(Veriflow.USAGE);
    assertThat(o.err()).contains("--cluster");
    assertThat(files(tmp.resolve("c"))).isZero();
  }

  @Test
  void init_clusterOverExistingCluster_refusedAndNothingWritten() throws IOException {
    Path dir = tmp.resolve("c");
    assertThat(Veriflow.capture("init", "--dir", dir.toString(), "--cluster", "3").exitCode()).isZero();
    long before = files(dir);
    Veriflow.Captured o = Veriflow.capture("init", "--dir", dir.toString(), "--cluster", "5");
    assertThat(o.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(o.err()).startsWith("error: ").contains("already holds");
    assertThat(files(dir)).isEqualTo(before);
  }

  @Test
  void init_withoutCluster_writesASingleNodeAsBefore() {
    Path dir = tmp.resolve("n");
    Veriflow.Captured o = Veriflow.capture("init", "--dir", dir.toString(), "--http-port", "7171");
    assertThat(o.exitCode()).isZero();
    assertThat(o.out()).contains("initialised chain 'veriflow-local' in " + dir, "start it with: veriflow node start --dir " + dir);
    assertThat(dir.resolve("node.properties")).exists();
    assertThat(dir.resolve("node1")).doesNotExist();
  }

  // ------------------------------------------------------------ cluster status

  @Test
  void status_unreachableNode_clearErrorAndFailure() {
    Veriflow.Captured o = Veriflow.capture("cluster", "status", "--node", "http://127.0.0.1:1");
    assertThat(o.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(o.err()).startsWith("error: UNREACHABLE: cannot reach the node at http://127.0.0.1:1");
  }

  @Test
  void status_zeroTimeout_usageError() {
    Veriflow.Captured o = Veriflow.capture("cluster", "status", "--node", "http://127.0.0.1:1", "--timeout-ms", "0");
    assertThat(o.exitCode()).isEqualTo(Veriflow.USAGE);
  }

  @Test
  void status_membersAtOneHeight_allAgree() throws IOException {
    scripted = new ScriptedCluster(3);
    Veriflow.Captured o = Veriflow.capture("cluster", "status", "--node", scripted.node(2).url());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out()).contains("chain:   veriflow-test", "term:    3", "leader:  node1", "all 3 members agree");
    assertThat(line(o.out(), "node1")).contains("LEADER", scripted.node(1).url(), " 5 ", scripted.node(1).stateHash(5).substring(0, 12), "yes (node2,node3)");
    assertThat(line(o.out(), "node3")).contains("FOLLOWER", "127.0.0.1:7202");
  }

  @Test
  void status_httpsMembers_caFile_everyMemberAskedOverTls() throws IOException {
    org.veriflow.crypto.x509.DevelopmentPki.Authority ca = org.veriflow.crypto.x509.DevelopmentPki.newAuthority("test CA", java.time.Instant.now());
    org.veriflow.crypto.x509.DevelopmentPki.Issued cert = org.veriflow.crypto.x509.DevelopmentPki.issue(ca,
        new org.veriflow.crypto.x509.DevelopmentPki.NodeRequest("node", java.util.List.of("127.0.0.1"), java.util.Optional.empty(), java.util.Optional.empty()),
        java.time.Instant.now());
    org.veriflow.crypto.x509.Pem.writeCertificates(tmp.resolve("ca.pem"), java.util.List.of(ca.certificate()));
    scripted = new ScriptedCluster(3, org.veriflow.crypto.x509.TlsMaterial.context(java.util.List.of(ca.certificate()),
        java.util.Optional.of(new org.veriflow.crypto.x509.TlsMaterial.Identity(cert.key(), java.util.List.of(cert.certificate())))));

    Veriflow.Captured trusted = Veriflow.capture("cluster", "status", "--node", scripted.node(2).url(), "--ca-file", tmp.resolve("ca.pem").toString());
    Veriflow.Captured untrusted = Veriflow.capture("cluster", "status", "--node", scripted.node(2).url());

    assertThat(trusted.exitCode()).as(trusted.err()).isZero();
    assertThat(trusted.out()).contains("all 3 members agree");
    assertThat(untrusted.exitCode()).isNotZero();
    assertThat(untrusted.err()).contains("TLS_UNTRUSTED");
  }

  @Test
  void anyNodeCommand_clientCertWithoutKey_refusedBeforeConnecting() {
    Veriflow.Captured o = Veriflow.capture("cluster", "status", "--node", "https://127.0.0.1:1", "--client-cert", tmp.resolve("c.pem").toString());
    assertThat(o.exitCode()).isNotZero();
    assertThat(o.err()).contains("--client-cert and --client-key go together");
  }

  @Test
  void status_membersAtDifferentHeights_comparedAtEachHead() throws IOException {
    scripted = new ScriptedCluster(3);
    scripted.node(2).height = 4;
    scripted.node(3).height = 2;
    Veriflow.Captured o = Veriflow.capture("cluster", "status", "--node", scripted.node(1).url());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(line(o.out(), "node1")).contains("unconfirmed");
    assertThat(line(o.out(), "node2")).contains("yes (node1)");
    assertThat(line(o.out(), "node3")).contains("yes (node1,node2)");
  }

  @Test
  void status_stateDiffersAtOneHeight_namesTheMembersAndFails() throws IOException {
    scripted = new ScriptedCluster(3);
    scripted.node(3).forkHeight = 5;
    Veriflow.Captured o = Veriflow.capture("cluster", "status", "--node", scripted.node(1).url());
    assertThat(o.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(line(o.out(), "node3")).contains("NO (differs from node1,node2)");
    assertThat(line(o.out(), "node1")).contains("NO (differs from node3)");
    assertThat(o.err()).contains("error: the members disagree: at height 5 node1, node2 have block " + scripted.node(1).blockHash(5).substring(0, 12)
        + " state " + scripted.node(1).stateHash(5).substring(0, 12) + "; node3 have block " + scripted.node(3).blockHash(5).substring(0, 12));
  }

  @Test
  void status_forkBelowTheHeads_foundThroughTheBlocks() throws IOException {
    scripted = new ScriptedCluster(2);
    scripted.node(1).height = 7;
    scripted.node(2).forkHeight = 3;
    scripted.node(2).height = 4;
    Veriflow.Captured o = Veriflow.capture("cluster", "status", "--node", scripted.node(1).url());
    assertThat(o.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(line(o.out(), "node2")).contains("NO (differs from node1)");
    assertThat(o.err()).contains("at height 4");
  }

  @Test
  void status_memberDown_shownUnreachableAndOthersAgree() throws IOException {
    scripted = new ScriptedCluster(3);
    scripted.node(3).server.stop(0);
    Veriflow.Captured o = Veriflow.capture("cluster", "status", "--node", scripted.node(1).url());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(line(o.out(), "node3")).contains("unreachable");
    assertThat(o.out()).contains("node3: unreachable: ", "the 2 reachable members of 3 agree");
  }

  @Test
  void status_memberHangs_shownUnreachableAfterTheTimeout() throws IOException {
    scripted = new ScriptedCluster(3);
    scripted.node(2).hang = true;
    Veriflow.Captured o = Veriflow.capture("cluster", "status", "--node", scripted.node(1).url(), "--timeout-ms", "300");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(line(o.out(), "node2")).contains("unreachable");
    assertThat(o.out()).contains("the 2 reachable members of 3 agree");
  }

  @Test
  void status_memberOfAnotherChain_fails() throws IOException {
    scripted = new ScriptedCluster(3);
    scripted.node(3).chainId = "veriflow-other";
    Veriflow.Captured o = Veriflow.capture("cluster", "status", "--node", scripted.node(1).url());
    assertThat(o.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(o.err()).contains("node3 answers for chain 'veriflow-other'");
  }

  @Test
  void status_memberAnsweringAsAnother_fails() throws IOException {
    scripted = new ScriptedCluster(3);
    scripted.node(3).self = "node2";
    Veriflow.Captured o = Veriflow.capture("cluster", "status", "--node", scripted.node(1).url());
    assertThat(o.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(o.err()).contains("node3's API at " + scripted.node(3).url() + " answers as member node2");
  }

  @Test
  void status_singleNode_saysSoWithItsHead() throws IOException {
    scripted = new ScriptedCluster(1);
    scripted.node(1).clustered = false;
    Veriflow.Captured o = Veriflow.capture("cluster", "status", "--node", scripted.node(1).url());
    assertThat(o.exitCode()).isZero();
    assertThat(o.out()).contains("single node (not clustered), chain veriflow-test", "height:      5", "state hash:  " + scripted.node(1).stateHash(5));
  }

  // ------------------------------------------------------------ cluster checkpoints

  @Test
  void checkpoints_unreachableNode_clearErrorAndFailure() {
    Veriflow.Captured o = Veriflow.capture("cluster", "checkpoints", "--node", "http://127.0.0.1:1");
    assertThat(o.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(o.err()).startsWith("error: UNREACHABLE: ");
  }

  @Test
  void checkpoints_negativeHeight_usageError() {
    Veriflow.Captured o = Veriflow.capture("cluster", "checkpoints", "--node", "http://127.0.0.1:1", "--height", "-1");
    assertThat(o.exitCode()).isEqualTo(Veriflow.USAGE);
    assertThat(o.err()).contains("--height must not be negative");
  }

  @Test
  void checkpoints_defaultHeight_isTheLowestHeadAndAllAgree() throws IOException {
    scripted = new ScriptedCluster(3);
    scripted.node(2).height = 3;
    Veriflow.Captured o = Veriflow.capture("cluster", "checkpoints", "--node", scripted.node(1).url());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out()).contains("height:  3", "all 3 checkpoints at height 3 agree");
    assertThat(line(o.out(), "node2")).contains(scripted.node(2).key.id().value(), scripted.node(2).blockHash(3).substring(0, 12), "ok");
  }

  @Test
  void checkpoints_oneMemberDiffers_namedAndFails() throws IOException {
    scripted = new ScriptedCluster(3);
    scripted.node(2).forkHeight = 4;
    Veriflow.Captured o = Veriflow.capture("cluster", "checkpoints", "--node", scripted.node(1).url(), "--height", "4");
    assertThat(o.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(o.err()).contains("error: the checkpoints at height 4 disagree: node1, node3 sign block " + scripted.node(1).blockHash(4)
        + " state " + scripted.node(1).stateHash(4) + "; node2 sign block " + scripted.node(2).blockHash(4));
  }

  @Test
  void checkpoints_jsonOutput_oneObjectWithEveryMember_andTheExitCodeOfText() throws IOException {
    scripted = new ScriptedCluster(3);
    scripted.node(2).forkHeight = 4;
    Veriflow.Captured o = Veriflow.capture("cluster", "checkpoints", "--node", scripted.node(1).url(), "--height", "4", "--output", "json");
    assertThat(o.exitCode()).isEqualTo(Veriflow.FAILURE);
    com.fasterxml.jackson.databind.JsonNode compared = new com.fasterxml.jackson.databind.ObjectMapper().readTree(o.out());
    assertThat(compared.fieldNames()).toIterable().containsExactly("chainId", "height", "checkpoints", "agree", "problems");
    assertThat(compared.get("height").asLong()).isEqualTo(4);
    assertThat(compared.get("agree").asBoolean()).isFalse();
    assertThat(compared.get("checkpoints")).hasSize(3);
    com.fasterxml.jackson.databind.JsonNode node2 = compared.get("checkpoints").get(1);
    assertThat(node2.fieldNames()).toIterable().containsExactly("member", "signer", "blockHash", "stateHash", "check", "problem");
    assertThat(node2.get("member").asText()).isEqualTo("node2");
    assertThat(node2.get("blockHash").asText()).isEqualTo(scripted.node(2).blockHash(4));
    assertThat(compared.get("problems").get(0).asText()).contains("the checkpoints at height 4 disagree");
  }

  @Test
  void checkpoints_badSignature_fails() throws IOException {
    scripted = new ScriptedCluster(3);
    scripted.node(3).badSignature = true;
    Veriflow.Captured o = Veriflow.capture("cluster", "checkpoints", "--node", scripted.node(1).url());
    assertThat(o.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(line(o.out(), "node3")).contains("BAD (BAD_SIGNATURE)");
    assertThat(o.err()).contains("error: node3's checkpoint does not verify: BAD_SIGNATURE");
  }

  @Test
  void checkpoints_signerNotAnOrderer_fails() throws IOException {
    scripted = new ScriptedCluster(3);
    scripted.node(3).foreignSigner = SigningKey.generate(SignatureAlgorithm.ED25519);
    Veriflow.Captured o = Veriflow.capture("cluster", "checkpoints", "--node", scripted.node(1).url());
    assertThat(o.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(line(o.out(), "node3")).contains("BAD (UNKNOWN_SIGNER)");
    assertThat(o.err()).contains("error: node3's checkpoint does not verify: UNKNOWN_SIGNER");
  }

  @Test
  void checkpoints_heightAboveAMembersHead_thatMemberHasNone() throws IOException {
    scripted = new ScriptedCluster(3);
    scripted.node(3).height = 2;
    Veriflow.Captured o = Veriflow.capture("cluster", "checkpoints", "--node", scripted.node(1).url(), "--height", "4");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(line(o.out(), "node3")).contains("no checkpoint: UNKNOWN_BLOCK");
    assertThat(o.out()).contains("all 2 checkpoints at height 4 agree (no checkpoint from node3)");
  }

  @Test
  void checkpoints_singleNode_checksItsOwn() throws IOException {
    scripted = new ScriptedCluster(1);
    scripted.node(1).clustered = false;
    Veriflow.Captured o = Veriflow.capture("cluster", "checkpoints", "--node", scripted.node(1).url());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out()).contains("single node", "all 1 checkpoints at height 5 agree");
  }

  /** The output line that starts with {@code id}. */
  static String line(String out, String id) {
    return out.lines().filter(l -> l.startsWith(id + " ")).findFirst().orElseThrow(() -> new AssertionError("no line for " + id + " in:\n" + out));
  }
}
