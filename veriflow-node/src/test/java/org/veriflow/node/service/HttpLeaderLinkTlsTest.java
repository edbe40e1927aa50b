package org.veriflow.node.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.crypto.x509.DevelopmentPki;
import org.veriflow.crypto.x509.TlsMaterial;
import org.veriflow.raft.ClusterMember;

/**
 * Block fetches (and relays, over the same client) to an {@code https} member: the link trusts the
 * cluster's CA, verifies the member's host name, and presents this member's certificate, so that a
 * member's API that asks for client certificates can tell members from strangers.
 */
class HttpLeaderLinkTlsTest {
  private static final Instant NOW = Instant.now();
  private final DevelopmentPki.Authority ca = DevelopmentPki.newAuthority("cluster CA", NOW);
  private final AtomicReference<X509Certificate> presented = new AtomicReference<>();
  private HttpsServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void blocksAfter_httpsMemberRequiringClientCertificates_presentsTheMemberCertificate() throws Exception {
    start(ca);
    DevelopmentPki.Issued mine = member("node2");

    List<?> blocks = new HttpLeaderLink("node2", context(mine)).blocksAfter(leader(), 0, 10);

    assertThat(blocks).isEmpty();
    assertThat(presented.get().getSubjectAlternativeNames()).anySatisfy(san -> assertThat(san.get(1)).isEqualTo("urn:veriflow:member:node2"));
  }

  @Test
  void blocksAfter_memberCertificateOfAnotherCa_refused() throws Exception {
    start(DevelopmentPki.newAuthority("another CA", NOW));

    assertThatThrownBy(() -> new HttpLeaderLink("node2", context(member("node2"))).blocksAfter(leader(), 0, 10))
        .isInstanceOf(IOException.class);
    assertThat(presented.get()).isNull();
  }

  @Test
  void blocksAfter_withoutTheClusterTls_refused() throws Exception {
    start(ca);

    assertThatThrownBy(() -> new HttpLeaderLink("node2").blocksAfter(leader(), 0, 10)).isInstanceOf(IOException.class);
    assertThat(presented.get()).isNull();
  }

  private ClusterMember leader() {
    return new ClusterMember("node1", "127.0.0.1:1", URI.create("https://127.0.0.1:" + server.getAddress().getPort()));
  }

  private DevelopmentPki.Issued member(String id) {
    return DevelopmentPki.issue(ca, DevelopmentPki.NodeRequest.member(id, SigningKey.generate(SignatureAlgorithm.ED25519).publicKey(),
        List.of("127.0.0.1", "localhost")), NOW);
  }

  private SSLContext context(DevelopmentPki.Issued mine) {
    return TlsMaterial.context(List.of(ca.certificate()), Optional.of(new TlsMaterial.Identity(mine.key(), List.of(mine.certificate()))));
  }

  /** The leader's API, with a certificate of {@code authority}, requiring client certificates of the cluster's CA. */
  private void start(DevelopmentPki.Authority authority) throws IOException {
    DevelopmentPki.Issued cert = DevelopmentPki.issue(authority, DevelopmentPki.NodeRequest.member("node1",
        SigningKey.generate(SignatureAlgorithm.ED25519).publicKey(), List.of("127.0.0.1")), NOW);
    SSLContext tls = TlsMaterial.context(List.of(ca.certificate()), Optional.of(new TlsMaterial.Identity(cert.key(), List.of(cert.certificate()))));
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = tls.getDefaultSSLParameters();
        p.setNeedClientAuth(true);
        params.setSSLParameters(p);
      }
    });
    server.createContext("/v1/cluster/blocks", x -> {
      try {
        presented.set((X509Certificate) ((HttpsExchange) x).getSSLSession().getPeerCertificates()[0]);
      } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
        presented.set(null);
      }
      byte[] body = "{\"blocks\":[]}".getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    server.start();
  }
}
