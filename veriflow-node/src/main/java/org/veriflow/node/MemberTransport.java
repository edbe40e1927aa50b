package org.veriflow.node;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.x509.Pem;
import org.veriflow.crypto.x509.TlsMaterial;
import org.veriflow.ledger.Ledger;
import org.veriflow.node.service.HttpLeaderLink;
import org.veriflow.protocol.MemberCertificateProfile;
import org.veriflow.raft.ClusterTls;
import org.veriflow.raft.NodeKeyCheck;

/**
 * How a cluster member talks to the others, from the {@code cluster.tls.*} and {@code
 * cluster.insecure} keys: mutual TLS on Raft and a TLS context (the cluster's CA, this member's
 * certificate) for relays and block fetches; or, when the configuration says so explicitly, plain
 * Raft with a warning.
 *
 * @param raft the Raft TLS settings, empty when insecure
 * @param https the context for other members' APIs, empty when insecure (the JDK's defaults then)
 */
record MemberTransport(Optional<ClusterTls> raft, Optional<SSLContext> https) {
  private static final Logger LOG = LoggerFactory.getLogger(MemberTransport.class);

  /**
   * Reads the member's certificate, key and the cluster's CA.
   *
   * @throws IllegalArgumentException naming the key whose file cannot be read or used
   */
  static MemberTransport of(NodeConfig config, GenesisSpec genesis, Ledger ledger) {
    if (config.get(NodeConfig.CLUSTER_INSECURE)) {
      LOG.warn("{} = true: Raft traffic between members is plain gRPC, unencrypted and unauthenticated; any host that reaches the Raft port "
          + "can take part as a member", NodeConfig.CLUSTER_INSECURE.name());
      return new MemberTransport(Optional.empty(), Optional.empty());
    }
    TlsMaterial.Identity identity;
    List<X509Certificate> authorities;
    try {
      identity = TlsMaterial.readIdentity(config.path(NodeConfig.CLUSTER_TLS_CERT), config.path(NodeConfig.CLUSTER_TLS_KEY));
    } catch (IOException | CryptoException e) {
      throw new IllegalArgumentException("configuration '" + NodeConfig.CLUSTER_TLS_CERT.name() + "' / '" + NodeConfig.CLUSTER_TLS_KEY.name()
          + "': " + e.getMessage(), e);
    }
    try {
      authorities = Pem.readCertificates(config.path(NodeConfig.CLUSTER_TLS_CA));
    } catch (IOException | CryptoException e) {
      throw new IllegalArgumentException("configuration '" + NodeConfig.CLUSTER_TLS_CA.name() + "': " + e.getMessage(), e);
    }
    ClusterTls raft = new ClusterTls(TlsMaterial.keyManagers(identity)[0], identity.chain().get(0), TlsMaterial.trustManager(authorities),
        nodeKeys(genesis, ledger));
    return new MemberTransport(Optional.of(raft), Optional.of(TlsMaterial.context(authorities, Optional.of(identity))));
  }

  /** The link to other members' APIs. */
  HttpLeaderLink link(String selfId) {
    return https.map(tls -> new HttpLeaderLink(selfId, tls)).orElseGet(() -> new HttpLeaderLink(selfId));
  }

  /**
   * A certificate's node key must be a block signer (validator) of the chain as this member knows
   * it; and if the genesis file names a validator after the member (as {@code veriflow init} does),
   * it must be that validator's key.
   */
  static NodeKeyCheck nodeKeys(GenesisSpec genesis, Ledger ledger) {
    return (memberId, nodeKeyUri) -> {
      Optional<PublicKey> named = genesis.validators().stream().filter(v -> v.name().equals(memberId)).map(GenesisSpec.Member::key).findFirst();
      if (named.isPresent() && !MemberCertificateProfile.nodeKeyUri(named.get()).equals(nodeKeyUri)) {
        return Optional.of("its node key " + nodeKeyUri + " is not the key of validator '" + memberId + "' in the genesis file");
      }
      boolean validator = ledger.params().orderers().stream().anyMatch(k -> MemberCertificateProfile.nodeKeyUri(k).equals(nodeKeyUri));
      return validator ? Optional.empty() : Optional.of("its node key " + nodeKeyUri + " is not a validator of chain '" + ledger.chainId() + "'");
    };
  }
}
