package org.veriflow.raft;

import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.veriflow.protocol.MemberCertificateProfile;

/** Reads and checks the member a certificate names (see {@link MemberCertificateProfile}). */
final class MemberCertificates {
  private static final int SAN_URI = 6;

  private final ClusterSettings settings;
  private final NodeKeyCheck nodeKeys;

  MemberCertificates(ClusterSettings settings, NodeKeyCheck nodeKeys) {
    this.settings = settings;
    this.nodeKeys = nodeKeys;
  }

  /**
   * The member {@code leaf} names, once checked: it is a configured member and its node key is
   * that member's.
   *
   * @throws CertificateException saying why the certificate names no acceptable member
   */
  String member(X509Certificate leaf) throws CertificateException {
    List<String> ids = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (String uri : uris(leaf)) {
      MemberCertificateProfile.memberId(uri).ifPresent(ids::add);
      if (uri.startsWith(MemberCertificateProfile.NODE_KEY_URI_PREFIX)) {
        keys.add(uri);
      }
    }
    String subject = leaf.getSubjectX500Principal().getName();
    if (ids.size() != 1) {
      throw new CertificateException("certificate '" + subject + "' names " + ids.size() + " member ids (" + MemberCertificateProfile.MEMBER_URI_PREFIX
          + "...), not exactly one");
    }
    if (keys.size() != 1) {
      throw new CertificateException("certificate '" + subject + "' names " + keys.size() + " node keys (" + MemberCertificateProfile.NODE_KEY_URI_PREFIX
          + "...), not exactly one");
    }
    String id = ids.get(0);
    if (settings.member(id) == null) {
      throw new CertificateException("certificate '" + subject + "' names member '" + id + "', which is not a configured member");
    }
    var refusal = nodeKeys.refusal(id, keys.get(0));
    if (refusal.isPresent()) {
      throw new CertificateException("certificate '" + subject + "' of member '" + id + "': " + refusal.get());
    }
    return id;
  }

  /** The member id a certificate names, unchecked, or null. */
  static String memberIdOf(X509Certificate leaf) {
    try {
      String found = null;
      for (String uri : uris(leaf)) {
        String id = MemberCertificateProfile.memberId(uri).orElse(null);
        if (id != null) {
          if (found != null) {
            return null;
          }
          found = id;
        }
      }
      return found;
    } catch (CertificateParsingException e) {
      return null;
    }
  }

  private static List<String> uris(X509Certificate leaf) throws CertificateParsingException {
    List<String> out = new ArrayList<>();
    Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
    if (sans != null) {
      for (List<?> san : sans) {
        if (san.size() == 2 && san.get(0) instanceof Integer type && type == SAN_URI && san.get(1) instanceof String s) {
          out.add(s);
        }
      }
    }
    return out;
  }
}
