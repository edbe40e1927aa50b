package org.veriflow.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.RequestVoteRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.crypto.x509.DevelopmentPki;
import org.veriflow.crypto.x509.TlsMaterial;
import org.veriflow.protocol.MemberCertificateProfile;

/**
 * Mutual TLS between Raft members, on Ratis servers configured exactly as the orderer configures
 * them (with a counting state machine, so that each test takes seconds): a cluster whose members all
 * hold certificates of its CA commits; a member holding a certificate of another CA, one validly
 * signed for another member id, or one naming another member's node key never joins: the other two
 * elect and commit without it and it never receives an entry.
 */
class RaftTlsTest {
  private static final Instant NOW = Instant.now();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final Map<String, RaftServer> servers = new HashMap<>();
  private final Map<String, Counter> machines = new HashMap<>();
  private final DevelopmentPki.Authority ca = DevelopmentPki.newAuthority("cluster CA", NOW);
  private final Map<String, SigningKey> nodeKeys = new HashMap<>();
  private List<ClusterMember> members;
  private RaftGroup group;

  @AfterEach
  void stop() {
    for (RaftServer s : servers.values()) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Test
  void cluster_allCertificatesOfItsCa_commitsOnEveryMember() throws Exception {
    layout();
    for (String id : List.of("node1", "node2", "node3")) {
      start(id, certificate(ca, id, id));
    }

    commitOnLeader();

    awaitTrue(() -> machines.values().stream().allMatch(m -> m.applied.get() == 1), "every member applies the entry");
  }

  @Test
  void member_certificateOfAnotherCa_cannotJoinOrVote() throws Exception {
    layout();
    start("node1", certificate(ca, "node1", "node1"));
    start("node2", certificate(ca, "node2", "node2"));
    start("node3", certificate(DevelopmentPki.newAuthority("another CA", NOW), "node3", "node3"));

    assertOutsider("node3");
  }

  @Test
  void member_certificateSignedForAnotherMemberId_cannotJoinOrVote() throws Exception {
    layout();
    start("node1", certificate(ca, "node1", "node1"));
    // Validly signed by the cluster's CA, for member node2 and node2's key, but served and used by node3:
    // its handshakes with node1 succeed, its requests as node3 are refused, so with node2 down nobody leads.
    start("node3", certificate(ca, "node2", "node2"));
    await("no leader while only node1 and the impostor are up").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100)).until(() -> leaderOrNull() == null);
    start("node2", certificate(ca, "node2", "node2"));

    assertOutsider("node3");
  }

  @Test
  void member_certificateNamingAnotherMembersNodeKey_cannotJoinOrVote() throws Exception {
    layout();
    start("node1", certificate(ca, "node1", "node1"));
    start("node2", certificate(ca, "node2", "node2"));
    start("node3", certificate(ca, "node3", "node1"));

    assertOutsider("node3");
  }

  @Test
  void memberCheck_unknownMemberOrWrongKey_refused() throws Exception {
    layout();
    MemberCertificates check = new MemberCertificates(settings("node1"), this::nodeKeyRefusal);

    assertThat(check.member(certificate(ca, "node2", "node2").certificate())).isEqualTo("node2");
    SigningKey stranger = SigningKey.generate(SignatureAlgorithm.ED25519);
    assertThatThrownBy(() -> check.member(DevelopmentPki.issue(ca, DevelopmentPki.NodeRequest.member("node9", stranger.publicKey(),
        List.of("127.0.0.1")), NOW).certificate())).isInstanceOf(CertificateException.class).hasMessageContaining("not a configured member");
    assertThatThrownBy(() -> check.member(certificate(ca, "node2", "node3").certificate()))
        .isInstanceOf(CertificateException.class).hasMessageContaining("is not member node2's node key");
    assertThatThrownBy(() -> check.member(DevelopmentPki.issue(ca, new DevelopmentPki.NodeRequest("node2", List.of("127.0.0.1"), Optional.empty(),
        Optional.empty()), NOW).certificate())).isInstanceOf(CertificateException.class).hasMessageContaining("0 member ids");
  }

  @Test
  void orderer_ownCertificateNamingAnotherMember_refusedAtConstruction() throws Exception {
    layout();
    SigningKey key = nodeKeys.get("node1");
    org.veriflow.ledger.Ledger ledger = org.veriflow.ledger.Ledger.open(new org.veriflow.ledger.store.InMemoryStore(),
        new org.veriflow.ledger.exec.ContractRegistry(List.of()), new org.veriflow.ledger.exec.SenderRegistry() {
          @Override
          public String namespace() {
            return "identities";
          }

          @Override
          public Status status(org.veriflow.ledger.exec.StateView registry, org.veriflow.core.crypto.IdentityId sender) {
            return Status.UNKNOWN;
          }
        }, new org.veriflow.ledger.GenesisState(new org.veriflow.ledger.ChainParams("tls-test", 1024,
            List.of(key.publicKey(), nodeKeys.get("node2").publicKey())), 1_000L, List.of()));
    try {
      DevelopmentPki.Issued other = certificate(ca, "node2", "node2");
      ClusterTls tls = clusterTls(other);
      LeaderLink none = new LeaderLink() {
        @Override
        public List<Optional<org.veriflow.ledger.Rejection>> relay(ClusterMember leader, List<org.veriflow.ledger.VerifiedTx> txs) {
          throw new AssertionError("a member whose certificate names another must not start, let alone relay");
        }

        @Override
        public List<PositionedBlock> blocksAfter(ClusterMember member, long afterHeight, int max) {
          throw new AssertionError("a member whose certificate names another must not start, let alone fetch blocks");
        }
      };

      assertThatThrownBy(() -> new RaftOrderer(ledger, new org.veriflow.ledger.Mempool(ledger, 10), key, java.time.Clock.systemUTC(), settings("node1"),
          none, e -> { }, Optional.of(tls)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("this member is 'node1', but its TLS certificate names member 'node2'");
    } finally {
      ledger.close();
    }
  }

  @Test
  void trustManager_memberAtAnotherAddress_refused() throws Exception {
    layout();
    MemberTrustManager trust = new MemberTrustManager(null, new MemberCertificates(settings("node1"), this::nodeKeyRefusal), settings("node1"));
    ClusterMember node2 = members.get(1);

    trust.expect("node2", "127.0.0.1", node2.raftPort());
    trust.expect("node2", "localhost", node2.raftPort());
    assertThatThrownBy(() -> trust.expect("node3", "127.0.0.1", node2.raftPort()))
        .isInstanceOf(CertificateException.class).hasMessageContaining("must be 'node2', but its certificate names 'node3'");
    assertThatThrownBy(() -> trust.expect("node2", "127.0.0.1", 1)).isInstanceOf(CertificateException.class);
  }

  @Test
  void interceptor_readsRequestorIdThroughTheDescriptor() {
    RequestVoteRequestProto vote = RequestVoteRequestProto.newBuilder()
        .setServerRequest(RaftRpcRequestProto.newBuilder().setRequestorId(ByteString.copyFrom("node3", StandardCharsets.UTF_8))).build();

    assertThat(new MemberInterceptor().requestor(vote)).isEqualTo("node3");
    assertThat(new MemberInterceptor().requestor("not a message")).isNull();
  }

  // ------------------------------------------------------------------ fixture

  private void assertOutsider(String outsider) throws Exception {
    commitOnLeader();
    commitOnLeader();
    awaitTrue(() -> machines.entrySet().stream().filter(e -> !e.getKey().equals(outsider)).allMatch(e -> e.getValue().applied.get() == 2),
        "the two others apply both entries");
    // Give the outsider several election timeouts to join, vote or receive an entry.
    await(outsider + " applies no entry and never leads").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100)).until(() -> machines.get(outsider).applied.get() == 0 && !division(outsider).getInfo().isLeader());
    assertThat(division(outsider).getRaftLog().getLastCommittedIndex()).isLessThan(division(leader()).getRaftLog().getLastCommittedIndex());
  }

  private void commitOnLeader() throws Exception {
    awaitTrue(() -> leaderOrNull() != null, "a leader is elected");
    String leader = leader();
    RaftServer server = servers.get(leader);
    RaftClientRequest request = RaftClientRequest.newBuilder().setClientId(ClientId.randomId()).setServerId(RaftPeerId.valueOf(leader))
        .setGroupId(group.getGroupId()).setCallId(CALLS.incrementAndGet()).setMessage(Message.valueOf("entry"))
        .setType(RaftClientRequest.writeRequestType()).build();
    RaftClientReply reply = server.submitClientRequestAsync(request).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(reply.isSuccess()).as("write on leader %s: %s", leader, reply.getException()).isTrue();
  }

  private static final AtomicLong CALLS = new AtomicLong();

  private String leader() {
    String l = leaderOrNull();
    assertThat(l).isNotNull();
    return l;
  }

  private String leaderOrNull() {
    for (String id : List.of("node1", "node2", "node3")) {
      if (servers.containsKey(id) && division(id).getInfo().isLeaderReady()) {
        return id;
      }
    }
    return null;
  }

  private RaftServer.Division division(String id) {
    try {
      return servers.get(id).getDivision(group.getGroupId());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void layout() throws IOException {
    members = new ArrayList<>();
    List<RaftPeer> peers = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String id = "node" + i;
      nodeKeys.put(id, SigningKey.generate(SignatureAlgorithm.ED25519));
      ClusterMember m = new ClusterMember(id, "127.0.0.1:" + freePort(), URI.create("https://127.0.0.1:1"));
      members.add(m);
      peers.add(RaftPeer.newBuilder().setId(id).setAddress(m.raftAddress()).build());
    }
    group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.randomUUID()), peers);
  }

  private ClusterSettings settings(String self) {
    return new ClusterSettings(self, members, dir.resolve(self), 2000, 1 << 20, Duration.ofMillis(20), Duration.ofMillis(300), 10_000,
        64 * 1024, Duration.ofSeconds(5));
  }

  private Optional<String> nodeKeyRefusal(String memberId, String nodeKeyUri) {
    SigningKey k = nodeKeys.get(memberId);
    return k != null && MemberCertificateProfile.nodeKeyUri(k.publicKey()).equals(nodeKeyUri) ? Optional.empty()
        : Optional.of(nodeKeyUri + " is not member " + memberId + "'s node key");
  }

  /** A certificate naming member {@code memberId} and the node key of {@code keyOf}, signed by {@code authority}. */
  private DevelopmentPki.Issued certificate(DevelopmentPki.Authority authority, String memberId, String keyOf) {
    return DevelopmentPki.issue(authority, DevelopmentPki.NodeRequest.member(memberId, nodeKeys.get(keyOf).publicKey(), List.of("127.0.0.1", "localhost")), NOW);
  }

  private void start(String id, DevelopmentPki.Issued certificate) throws IOException {
    ClusterSettings s = settings(id);
    ClusterTls tls = clusterTls(certificate);
    Counter machine = new Counter();
    machines.put(id, machine);
    RaftServer server = RaftServer.newBuilder().setGroup(group).setServerId(RaftPeerId.valueOf(id)).setStateMachine(machine)
        .setProperties(RaftSettings.of(s)).setParameters(RaftSettings.parameters(s, Optional.of(tls)))
        .setOption(RaftStorage.StartupOption.FORMAT).build();
    servers.put(id, server);
    server.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** This member's TLS with {@code issued}, trusting the cluster's CA, built as the node builds it. */
  private ClusterTls clusterTls(DevelopmentPki.Issued issued) {
    return new ClusterTls(TlsMaterial.keyManagers(new TlsMaterial.Identity(issued.key(), List.of(issued.certificate())))[0], issued.certificate(),
        TlsMaterial.trustManager(List.of(ca.certificate())), this::nodeKeyRefusal);
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    await(what).atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
  }


  /** Counts the entries it applies. */
  private static final class Counter extends BaseStateMachine {
    final AtomicInteger applied = new AtomicInteger();

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      var entry = trx.getLogEntry();
      applied.incrementAndGet();
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
  }
}
