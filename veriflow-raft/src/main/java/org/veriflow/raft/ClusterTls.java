package org.veriflow.raft;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Mutual TLS between the members of a cluster, on Ratis's gRPC transport. Each member presents its
 * certificate, signed by the cluster's CA and naming its member id and node key (the profile of
 * {@link org.veriflow.protocol.MemberCertificateProfile}); a peer is accepted only if its chain leads
 * to one of {@code authorities}, it names a configured member whose node key {@code nodeKeys}
 * confirms, and, when this member dials, it is the member configured at the address dialled. Every
 * Raft request a peer sends must come from the member its certificate names.
 *
 * @param key this member's TLS private key
 * @param chain this member's certificate, then any intermediates
 * @param authorities the cluster's CA certificates
 * @param nodeKeys confirms that a certificate's node key is its member's
 */
public record ClusterTls(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> authorities, NodeKeyCheck nodeKeys) {
  public ClusterTls {
    Objects.requireNonNull(key, "key");
    chain = List.copyOf(chain);
    authorities = List.copyOf(authorities);
    Objects.requireNonNull(nodeKeys, "nodeKeys");
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("the member's certificate is missing");
    }
    if (authorities.isEmpty()) {
      throw new IllegalArgumentException("the cluster's CA certificate is missing");
    }
  }

  @Override
  public String toString() {
    return "ClusterTls[" + chain.get(0).getSubjectX500Principal() + "]";
  }
}
