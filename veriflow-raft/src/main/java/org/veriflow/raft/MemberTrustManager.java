package org.veriflow.raft;

import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust between members: the JDK's PKIX check against the cluster's CA, then the member the
 * certificate names. A member that dials another must meet the member configured at the address it
 * dialled (the engine tells the peer's host and port); a member that serves accepts any configured
 * member, whose Raft requests {@link MemberInterceptor} then binds to that member.
 */
final class MemberTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;
  private final MemberCertificates members;
  private final ClusterSettings settings;

  MemberTrustManager(X509ExtendedTrustManager pkix, MemberCertificates members, ClusterSettings settings) {
    this.pkix = pkix;
    this.members = members;
    this.settings = settings;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    pkix.checkClientTrusted(chain, authType, engine);
    members.member(chain[0]);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    pkix.checkServerTrusted(chain, authType, engine);
    if (engine == null) {
      throw new CertificateException("the address dialled is unknown, so the member expected there cannot be checked");
    }
    expect(members.member(chain[0]), engine.getPeerHost(), engine.getPeerPort());
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    pkix.checkClientTrusted(chain, authType, socket);
    members.member(chain[0]);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    pkix.checkServerTrusted(chain, authType, socket);
    if (socket == null || socket.getInetAddress() == null) {
      throw new CertificateException("the address dialled is unknown, so the member expected there cannot be checked");
    }
    expect(members.member(chain[0]), socket.getInetAddress().getHostAddress(), socket.getPort());
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    pkix.checkClientTrusted(chain, authType);
    members.member(chain[0]);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a member's certificate is checked only with the address dialled");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }

  /** Refuses a certificate of another member than the one configured at {@code host:port}. */
  void expect(String named, String host, int port) throws CertificateException {
    ClusterMember expected = at(host, port);
    if (expected == null) {
      throw new CertificateException("no member is configured at " + host + ":" + port + ", the address dialled");
    }
    if (!expected.id().equals(named)) {
      throw new CertificateException("the member at " + host + ":" + port + " must be '" + expected.id() + "', but its certificate names '" + named + "'");
    }
  }

  private ClusterMember at(String host, int port) {
    for (ClusterMember m : settings.members()) {
      if (m.raftPort() == port && m.raftHost().equalsIgnoreCase(host)) {
        return m;
      }
    }
    // The same address written differently (a name and its address): compare what they resolve to.
    for (ClusterMember m : settings.members()) {
      if (m.raftPort() == port && sameAddress(m.raftHost(), host)) {
        return m;
      }
    }
    return null;
  }

  private static boolean sameAddress(String a, String b) {
    try {
      return InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
