package org.veriflow.raft;

import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Mutual TLS between the members of a cluster, on Ratis's gRPC transport. Each member presents its
 * certificate, signed by the cluster's CA and naming its member id and node key (the profile of
 * {@link org.veriflow.protocol.MemberCertificateProfile}); a peer is accepted only if its chain leads
 * to one of {@code authorities}, it names a configured member whose node key {@code nodeKeys}
 * confirms, and, when this member dials, it is the member configured at the address dialled. Every
 * Raft request a peer sends must come from the member its certificate names.
 *
 * <p>The key and trust managers are built outside this module (from PEM files, by the node), so
 * that certificate and key handling has one home; this module only adds the member checks.
 *
 * @param keyManager presents this member's certificate and key
 * @param certificate this member's own certificate (it must name this member and its node key)
 * @param authorities the JDK's PKIX checks against the cluster's CA certificates
 * @param nodeKeys confirms that a certificate's node key is its member's
 */
public record ClusterTls(KeyManager keyManager, X509Certificate certificate, X509ExtendedTrustManager authorities, NodeKeyCheck nodeKeys) {
  public ClusterTls {
    Objects.requireNonNull(keyManager, "keyManager");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(authorities, "authorities");
    Objects.requireNonNull(nodeKeys, "nodeKeys");
  }

  @Override
  public String toString() {
    return "ClusterTls[" + certificate.getSubjectX500Principal() + "]";
  }
}
