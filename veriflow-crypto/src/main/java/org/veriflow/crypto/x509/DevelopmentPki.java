package org.veriflow.crypto.x509;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.protocol.MemberCertificateProfile;

/**
 * A development certificate authority, as {@code veriflow init} creates one: a self-signed P-256 CA
 * and, signed by it, P-256 certificates for nodes. The profile (documented in docs/cluster.md):
 *
 * <ul>
 *   <li>CA: {@code CN=<name>}, basic constraints CA with path length 0, key usage keyCertSign and
 *       cRLSign, valid {@link #CA_VALIDITY} from its creation.
 *   <li>Node: {@code CN=<id>}, not a CA, key usage digitalSignature, extended key usage serverAuth and
 *       clientAuth (the same certificate serves the API and dials other members), valid {@link
 *       #NODE_VALIDITY}; subject alternative names: every host name (DNS) and address (IP) it is
 *       reached at, and for a cluster member the URIs of {@link MemberCertificateProfile} (its member
 *       id and its node key).
 * </ul>
 *
 * Every certificate is signed with ECDSA over SHA-256 and carries subject and authority key
 * identifiers. BouncyCastle's certificate builder is used here and nowhere else.
 */
public final class DevelopmentPki {
  /** How long a development CA is valid. */
  public static final Duration CA_VALIDITY = Duration.ofDays(3653);
  /** How long a node certificate is valid. */
  public static final Duration NODE_VALIDITY = Duration.ofDays(3653);
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private DevelopmentPki() {}

  /**
   * A certificate authority: its key and self-signed certificate. The key signs certificates only;
   * no running node needs it.
   *
   * @param key the CA's private key
   * @param certificate its self-signed certificate
   */
  public record Authority(PrivateKey key, X509Certificate certificate) {
    public Authority {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(certificate, "certificate");
    }

    @Override
    public String toString() {
      return "Authority[" + certificate.getSubjectX500Principal() + "]";
    }
  }

  /**
   * What a node certificate names.
   *
   * @param name the subject's common name (the member id, or {@code node} for a single node)
   * @param hosts the host names and IP addresses it is reached at (IP literals become IP SANs, the
   *     rest DNS SANs); at least one
   * @param memberId the cluster member id to bind, if a cluster member
   * @param nodeKey the member's node (block-signing) public key to bind, if a cluster member
   */
  public record NodeRequest(String name, List<String> hosts, Optional<String> memberId, Optional<PublicKey> nodeKey) {
    public NodeRequest {
      Objects.requireNonNull(name, "name");
      hosts = List.copyOf(new LinkedHashSet<>(hosts));
      Objects.requireNonNull(memberId, "memberId");
      Objects.requireNonNull(nodeKey, "nodeKey");
      if (hosts.isEmpty()) {
        throw new IllegalArgumentException("a node certificate needs at least one host name or address");
      }
      if (memberId.isPresent() != nodeKey.isPresent()) {
        throw new IllegalArgumentException("a member certificate binds both a member id and a node key, or neither");
      }
    }

    /**
     * A cluster member's request: bound to its id and node key.
     *
     * @param memberId the member id
     * @param nodeKey its node key
     * @param hosts where it is reached
     * @return the request
     */
    public static NodeRequest member(String memberId, PublicKey nodeKey, List<String> hosts) {
      return new NodeRequest(memberId, hosts, Optional.of(memberId), Optional.of(nodeKey));
    }
  }

  /**
   * A certificate and its private key.
   *
   * @param key the private key
   * @param certificate the certificate
   */
  public record Issued(PrivateKey key, X509Certificate certificate) {
    public Issued {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(certificate, "certificate");
    }

    @Override
    public String toString() {
      return "Issued[" + certificate.getSubjectX500Principal() + "]";
    }
  }

  /**
   * Creates a certificate authority with a fresh P-256 key.
   *
   * @param name its common name
   * @param now the start of its validity
   * @return the authority
   */
  public static Authority newAuthority(String name, Instant now) {
    KeyPair pair = p256();
    X500Name subject = name(name);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(pair.getPublic()));
      return new Authority(pair.getPrivate(), sign(b, pair.getPrivate()));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot build a CA certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Issues a node certificate with a fresh P-256 key, signed by {@code ca}.
   *
   * @param ca the authority
   * @param request what the certificate names
   * @param now the start of its validity
   * @return the key and certificate
   * @throws IllegalArgumentException if a host is neither a valid DNS name nor an IP address
   */
  public static Issued issue(Authority ca, NodeRequest request, Instant now) {
    KeyPair pair = p256();
    List<GeneralName> names = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String host : request.hosts()) {
      if (seen.add(host)) {
        names.add(hostName(host));
      }
    }
    request.memberId().ifPresent(id -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, MemberCertificateProfile.memberUri(id))));
    request.nodeKey().ifPresent(k -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, MemberCertificateProfile.nodeKeyUri(k))));
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(NODE_VALIDITY)), name(request.name()), pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
      return new Issued(pair.getPrivate(), sign(b, ca.key()));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot build a node certificate: " + e.getMessage(), e);
    }
  }

  private static GeneralName hostName(String host) {
    if (host.isEmpty()) {
      throw new IllegalArgumentException("a host name cannot be empty");
    }
    if (host.matches("[0-9.]+") || host.contains(":")) {
      try {
        // A literal only: getByName does not resolve a string that is an address.
        return new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress());
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("'" + host + "' is not an IP address", e);
      }
    }
    if (!host.matches("[A-Za-z0-9*]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*")) {
      throw new IllegalArgumentException("'" + host + "' is not a DNS name");
    }
    return new GeneralName(GeneralName.dNSName, host);
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Veriflow development CA").addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static KeyPair p256() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate a P-256 key", e);
    }
  }
}
