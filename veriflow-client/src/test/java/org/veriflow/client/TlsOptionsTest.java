package org.veriflow.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.crypto.x509.DevelopmentPki;
import org.veriflow.crypto.x509.Pem;
import org.veriflow.crypto.x509.TlsMaterial;

/**
 * The SDK over HTTPS, against a TLS server holding a certificate of a development CA: trusted with
 * the CA file, refused with a stable code without it, for a host name the certificate does not
 * name, or when the server requires a client certificate that is not presented.
 */
class TlsOptionsTest {
  private static final Instant NOW = Instant.now();

  @TempDir Path dir;
  private HttpsServer server;
  private final AtomicReference<String> clientSubject = new AtomicReference<>();
  private final DevelopmentPki.Authority ca = DevelopmentPki.newAuthority("test CA", NOW);

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void caFile_trusted_answers() throws Exception {
    start(false);
    VeriflowClient client = new VeriflowClient(url("127.0.0.1"), Duration.ofSeconds(10), TlsOptions.trusting(dir.resolve("ca.pem")));

    assertThat(client.health().status()).isEqualTo("UP");
  }

  @Test
  void noCaFile_untrusted() throws Exception {
    start(false);
    VeriflowClient client = new VeriflowClient(url("127.0.0.1"), Duration.ofSeconds(10));

    assertThatThrownBy(client::health).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.code()).isEqualTo(TlsFailure.TLS_UNTRUSTED.name()));
  }

  @Test
  void caFileOfAnotherCa_untrusted() throws Exception {
    start(false);
    Pem.writeCertificates(dir.resolve("other.pem"), List.of(DevelopmentPki.newAuthority("other CA", NOW).certificate()));
    VeriflowClient client = new VeriflowClient(url("127.0.0.1"), Duration.ofSeconds(10), TlsOptions.trusting(dir.resolve("other.pem")));

    assertThatThrownBy(client::health).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.code()).isEqualTo(TlsFailure.TLS_UNTRUSTED.name()));
  }

  @Test
  void hostNotNamedByTheCertificate_untrusted() throws Exception {
    start(false);
    // The certificate names 127.0.0.1 and localhost; 127.0.0.2 reaches the same server (Linux loopback).
    VeriflowClient client = new VeriflowClient(url("127.0.0.2"), Duration.ofSeconds(10), TlsOptions.trusting(dir.resolve("ca.pem")));

    assertThatThrownBy(client::health).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.code()).isEqualTo(TlsFailure.TLS_UNTRUSTED.name()));
  }

  @Test
  void clientCertificateRequired_presented_answersAndServerSeesIt() throws Exception {
    start(true);
    DevelopmentPki.Issued me = DevelopmentPki.issue(ca, new DevelopmentPki.NodeRequest("client-1", List.of("localhost"), Optional.empty(), Optional.empty()), NOW);
    Pem.writeCertificates(dir.resolve("me.pem"), List.of(me.certificate()));
    Pem.writePrivateKey(dir.resolve("me.key"), me.key());
    VeriflowClient client = new VeriflowClient(url("localhost"), Duration.ofSeconds(10),
        TlsOptions.trusting(dir.resolve("ca.pem")).withClientCertificate(dir.resolve("me.pem"), dir.resolve("me.key")));

    assertThat(client.health().status()).isEqualTo("UP");
    assertThat(clientSubject.get()).contains("CN=client-1");
  }

  @Test
  void clientCertificateRequired_notPresented_refused() throws Exception {
    start(true);
    VeriflowClient client = new VeriflowClient(url("127.0.0.1"), Duration.ofSeconds(10), TlsOptions.trusting(dir.resolve("ca.pem")));

    assertThatThrownBy(client::health).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(TlsFailure.TLS_REFUSED.name()));
  }

  @Test
  void unreadableFiles_tlsConfig() throws Exception {
    Files.writeString(dir.resolve("junk.pem"), "not a certificate");
    assertThatThrownBy(() -> new VeriflowClient(URI.create("https://127.0.0.1:1"), Duration.ofSeconds(1),
        TlsOptions.trusting(dir.resolve("junk.pem"))))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(TlsFailure.TLS_CONFIG.name()));
    assertThatThrownBy(() -> TlsOptions.defaults().withClientCertificate(dir.resolve("a"), null)).isInstanceOf(NullPointerException.class);
  }

  private URI url(String host) {
    return URI.create("https://" + host + ":" + server.getAddress().getPort());
  }

  private void start(boolean needClientCertificate) throws IOException {
    DevelopmentPki.Issued cert = DevelopmentPki.issue(ca, new DevelopmentPki.NodeRequest("node", List.of("127.0.0.1", "localhost"), Optional.empty(),
        Optional.empty()), NOW);
    Pem.writeCertificates(dir.resolve("ca.pem"), List.of(ca.certificate()));
    SSLContext context = TlsMaterial.context(List.of(ca.certificate()), Optional.of(new TlsMaterial.Identity(cert.key(), List.of(cert.certificate()))));
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context) {
      @Override
      public void configure(HttpsParameters params) {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setNeedClientAuth(needClientCertificate);
        params.setSSLParameters(p);
      }
    });
    server.createContext("/health", exchange -> {
      if (exchange instanceof com.sun.net.httpserver.HttpsExchange https) {
        SSLSession session = https.getSSLSession();
        try {
          clientSubject.set(((java.security.cert.X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName());
        } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
          clientSubject.set(null);
        }
      }
      byte[] body = "{\"status\":\"UP\",\"chainId\":\"c\",\"height\":0}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }
}
