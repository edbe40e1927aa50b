package org.veriflow.node.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/**
 * The node's HTTP listeners with TLS: a throwaway CA signs the server's certificate (and a client's);
 * a client that trusts the CA is served, one that does not fails the handshake, and with
 * {@code http.tls.client-auth=need} a client without a certificate is refused. A node with neither
 * a certificate nor {@code http.insecure=true} does not start.
 */
class HttpTlsTest {
  @TempDir Path dir;
  private Node node;
  private Issued ca;
  private Issued server;
  private Issued clientCert;

  /** A key pair and its certificate. */
  private record Issued(KeyPair keys, X509Certificate certificate) {}

  @BeforeEach
  void writeNodeDirectory() throws Exception {
    SigningKey admin = SigningKey.generate(SignatureAlgorithm.ED25519);
    SigningKey nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/node.key"), KeyPem.encodePrivate(nodeKey));
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), 1_000L);
    GenesisFile.write(dir.resolve("genesis.json"), new GenesisSpec("veriflow-tls", 1_700_000_000_000L, 1024 * 1024,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())), List.of(new GenesisSpec.Member("node1", nodeKey.publicKey())), balances));
    ca = issue("CN=Veriflow test CA", null, true);
    server = issue("CN=node1", ca, false);
    clientCert = issue("CN=client", ca, false);
    Files.writeString(dir.resolve("keys/ca.pem"), pem("CERTIFICATE", ca.certificate().getEncoded()));
    Files.writeString(dir.resolve("keys/http.pem"), pem("CERTIFICATE", server.certificate().getEncoded()) + pem("CERTIFICATE", ca.certificate().getEncoded()));
    Files.writeString(dir.resolve("keys/http.key"), pem("PRIVATE KEY", server.keys().getPrivate().getEncoded()));
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void tls_clientTrustingTheCa_served_clientNotTrustingIt_failsTheHandshake() throws Exception {
    start(Map.of());
    HttpClient trusting = client(trustOnly(), null);
    for (int port : new int[] {node.httpPort(), node.opsPort()}) {
      HttpResponse<String> r = trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
    }
    HttpClient stranger = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    assertThatThrownBy(() -> stranger.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.httpPort() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    // Plain HTTP to the TLS port gets no answer as HTTP.
    assertThatThrownBy(() -> stranger.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/health"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isInstanceOf(IOException.class);
  }

  @Test
  void clientAuthNeed_clientWithoutCertificate_refused_clientWithOne_served() throws Exception {
    start(Map.of(NodeConfig.HTTP_TLS_CLIENT_CA.name(), "keys/ca.pem", NodeConfig.HTTP_TLS_CLIENT_AUTH.name(), "need"));
    URI health = URI.create("https://127.0.0.1:" + node.httpPort() + "/health");
    assertThatThrownBy(() -> client(trustOnly(), null).send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
    HttpResponse<String> r = client(trustOnly(), clientCert).send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void noCertificate_andNotInsecure_nodeRefusesToStart() throws Exception {
    NodeConfig.write(dir, Map.of(NodeConfig.HTTP_PORT.name(), "0", NodeConfig.OPS_PORT.name(), "0"));
    NodeConfig config = NodeConfig.load(dir, Map.of(), Map.of());
    assertThatThrownBy(() -> Node.start(config, Clock.systemUTC(), e -> { })).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http.tls.cert").hasMessageContaining("http.tls.key").hasMessageContaining("http.insecure=true");
    NodeConfig onlyCert = NodeConfig.load(dir, Map.of(), Map.of(NodeConfig.HTTP_TLS_CERT.name(), "keys/http.pem"));
    assertThatThrownBy(onlyCert::serverSettings).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http.tls.key");
    NodeConfig needWithoutCa = NodeConfig.load(dir, Map.of(), Map.of(NodeConfig.HTTP_TLS_CERT.name(), "keys/http.pem",
        NodeConfig.HTTP_TLS_KEY.name(), "keys/http.key", NodeConfig.HTTP_TLS_CLIENT_AUTH.name(), "need"));
    assertThatThrownBy(needWithoutCa::serverSettings).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http.tls.client-ca");
  }

  // ------------------------------------------------------------ helpers

  private void start(Map<String, String> extra) throws IOException {
    Map<String, String> settings = new TreeMap<>(extra);
    settings.put(NodeConfig.HTTP_PORT.name(), "0");
    settings.put(NodeConfig.OPS_PORT.name(), "0");
    settings.put(NodeConfig.VERIFIER_ENABLED.name(), "false");
    settings.put(NodeConfig.HTTP_TLS_CERT.name(), "keys/http.pem");
    settings.put(NodeConfig.HTTP_TLS_KEY.name(), "keys/http.key");
    NodeConfig.write(dir, settings);
    node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
  }

  private KeyStore trustOnly() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    return trust;
  }

  private static HttpClient client(KeyStore trust, Issued clientIdentity) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (clientIdentity != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", clientIdentity.keys().getPrivate(), "pw".toCharArray(), new X509Certificate[] {clientIdentity.certificate()});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, "pw".toCharArray());
    }
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(2)).build();
  }

  /** An EC P-256 key and its certificate, signed by {@code issuer} (self-signed when null), for 127.0.0.1 and localhost. */
  private static Issued issue(String subject, Issued issuer, boolean isCa) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    X500Name name = new X500Name(subject);
    X500Name issuerName = issuer == null ? name : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
    PrivateKey signer = issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)),
        Date.from(now.plusSeconds(3600)), name, keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
    }
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    return new Issued(keys, cert);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + new String(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encode(der), StandardCharsets.US_ASCII)
        + "\n-----END " + type + "-----\n";
  }
}
