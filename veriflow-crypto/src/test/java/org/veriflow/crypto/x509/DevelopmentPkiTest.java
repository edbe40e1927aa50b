package org.veriflow.crypto.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.CryptoFailure;
import org.veriflow.protocol.MemberCertificateProfile;

class DevelopmentPkiTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void issue_member_namesHostsMemberIdAndNodeKey_signedByCa() throws Exception {
    DevelopmentPki.Authority ca = DevelopmentPki.newAuthority("test CA", NOW);
    SigningKey nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);

    DevelopmentPki.Issued node = DevelopmentPki.issue(ca, DevelopmentPki.NodeRequest.member("node2", nodeKey.publicKey(),
        List.of("127.0.0.1", "localhost", "node2.example")), NOW);

    X509Certificate c = node.certificate();
    c.verify(ca.certificate().getPublicKey());
    assertThat(c.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(sans(c)).containsExactlyInAnyOrder("7:127.0.0.1", "2:localhost", "2:node2.example",
        "6:urn:veriflow:member:node2", "6:" + MemberCertificateProfile.nodeKeyUri(nodeKey.publicKey()));
    assertThat(c.getBasicConstraints()).isEqualTo(-1);
    assertThat(c.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(ca.certificate().getBasicConstraints()).isEqualTo(0);
    assertThat(ca.certificate().getNotAfter().toInstant()).isAfter(NOW.plusSeconds(9L * 365 * 86400));
    c.checkValidity(java.util.Date.from(NOW));
  }

  @Test
  void issue_singleNode_noMemberUris() throws Exception {
    DevelopmentPki.Authority ca = DevelopmentPki.newAuthority("test CA", NOW);
    X509Certificate c = DevelopmentPki.issue(ca, new DevelopmentPki.NodeRequest("node", List.of("127.0.0.1"), Optional.empty(), Optional.empty()), NOW)
        .certificate();
    assertThat(sans(c)).containsExactly("7:127.0.0.1");
  }

  @Test
  void nodeRequest_badHost_refused() {
    DevelopmentPki.Authority ca = DevelopmentPki.newAuthority("test CA", NOW);
    assertThatThrownBy(() -> DevelopmentPki.issue(ca, new DevelopmentPki.NodeRequest("n", List.of("not a host"), Optional.empty(), Optional.empty()), NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a DNS name");
  }

  @Test
  void pem_writeThenRead_sameCertificateAndKey() throws Exception {
    DevelopmentPki.Authority ca = DevelopmentPki.newAuthority("test CA", NOW);
    DevelopmentPki.Issued node = DevelopmentPki.issue(ca, new DevelopmentPki.NodeRequest("node", List.of("localhost"), Optional.empty(), Optional.empty()), NOW);
    Pem.writeCertificates(dir.resolve("tls/node.pem"), List.of(node.certificate(), ca.certificate()));
    Pem.writePrivateKey(dir.resolve("tls/node.key"), node.key());

    TlsMaterial.Identity read = TlsMaterial.readIdentity(dir.resolve("tls/node.pem"), dir.resolve("tls/node.key"));

    assertThat(read.chain()).containsExactly(node.certificate(), ca.certificate());
    assertThat(read.key().getEncoded()).isEqualTo(node.key().getEncoded());
    assertThat(Files.getPosixFilePermissions(dir.resolve("tls/node.key")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
  }

  @Test
  void readIdentity_keyOfAnotherCertificate_wrongKey() throws Exception {
    DevelopmentPki.Authority ca = DevelopmentPki.newAuthority("test CA", NOW);
    DevelopmentPki.Issued a = DevelopmentPki.issue(ca, new DevelopmentPki.NodeRequest("a", List.of("localhost"), Optional.empty(), Optional.empty()), NOW);
    DevelopmentPki.Issued b = DevelopmentPki.issue(ca, new DevelopmentPki.NodeRequest("b", List.of("localhost"), Optional.empty(), Optional.empty()), NOW);
    Pem.writeCertificates(dir.resolve("a.pem"), List.of(a.certificate()));
    Pem.writePrivateKey(dir.resolve("b.key"), b.key());

    assertThatThrownBy(() -> TlsMaterial.readIdentity(dir.resolve("a.pem"), dir.resolve("b.key")))
        .isInstanceOfSatisfying(CryptoException.class, e -> assertThat(e.code()).isEqualTo(CryptoFailure.WRONG_KEY));
  }

  @Test
  void readCertificates_notPem_malformed() throws Exception {
    Files.writeString(dir.resolve("x.pem"), "hello");
    assertThatThrownBy(() -> Pem.readCertificates(dir.resolve("x.pem")))
        .isInstanceOfSatisfying(CryptoException.class, e -> assertThat(e.code()).isEqualTo(CryptoFailure.MALFORMED));
    assertThatThrownBy(() -> Pem.readPrivateKey(dir.resolve("x.pem")))
        .isInstanceOfSatisfying(CryptoException.class, e -> assertThat(e.code()).isEqualTo(CryptoFailure.MALFORMED));
  }

  @Test
  void trustManager_certificateOfAnotherCa_refused() throws Exception {
    DevelopmentPki.Authority ca = DevelopmentPki.newAuthority("test CA", NOW);
    DevelopmentPki.Authority other = DevelopmentPki.newAuthority("other CA", NOW);
    DevelopmentPki.Issued good = DevelopmentPki.issue(ca, new DevelopmentPki.NodeRequest("a", List.of("localhost"), Optional.empty(), Optional.empty()), NOW);
    DevelopmentPki.Issued stranger = DevelopmentPki.issue(other, new DevelopmentPki.NodeRequest("a", List.of("localhost"), Optional.empty(), Optional.empty()), NOW);
    var tm = TlsMaterial.trustManager(List.of(ca.certificate()));

    tm.checkServerTrusted(new X509Certificate[] {good.certificate()}, "ECDHE_ECDSA");
    assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {stranger.certificate()}, "ECDHE_ECDSA"))
        .isInstanceOf(java.security.cert.CertificateException.class);
  }

  private static List<String> sans(X509Certificate c) throws Exception {
    List<String> out = new ArrayList<>();
    for (List<?> san : c.getSubjectAlternativeNames()) {
      out.add(san.get(0) + ":" + san.get(1));
    }
    return out;
  }
}
