package org.veriflow.protocol;

import java.util.Optional;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.PublicKey;

/**
 * How a cluster member's TLS certificate names the member it belongs to. Two subject alternative
 * names of type URI (RFC 5280 section 4.2.1.6) bind the certificate:
 *
 * <ul>
 *   <li>{@code urn:veriflow:member:<id>}: the member id of {@code cluster.members};
 *   <li>{@code urn:veriflow:node-key:<algorithm>:<hex>}: the member's node key, the key that signs its
 *       blocks and is its validator identity on chain ({@code ed25519} or {@code p256}, its on-chain
 *       encoding in lower-case hex).
 * </ul>
 *
 * The certificate authority writes them ({@code veriflow init}); Raft members check them on every
 * connection. A certificate with none, or more than one, of either names no member.
 */
public final class MemberCertificateProfile {
  /** Prefix of the member-id URI. */
  public static final String MEMBER_URI_PREFIX = "urn:veriflow:member:";
  /** Prefix of the node-key URI. */
  public static final String NODE_KEY_URI_PREFIX = "urn:veriflow:node-key:";

  private MemberCertificateProfile() {}

  /**
   * The member-id URI.
   *
   * @param memberId the member's id
   * @return {@code urn:veriflow:member:<memberId>}
   */
  public static String memberUri(String memberId) {
    return MEMBER_URI_PREFIX + memberId;
  }

  /**
   * The node-key URI.
   *
   * @param nodeKey the member's node (block-signing) public key
   * @return {@code urn:veriflow:node-key:<algorithm>:<hex>}
   */
  public static String nodeKeyUri(PublicKey nodeKey) {
    return NODE_KEY_URI_PREFIX + nodeKey.algorithm().label() + ":" + Hex.encode(nodeKey.encoded());
  }

  /**
   * The member id a URI names.
   *
   * @param uri a subject alternative name of type URI
   * @return the id if {@code uri} is a member-id URI, else empty
   */
  public static Optional<String> memberId(String uri) {
    return uri.startsWith(MEMBER_URI_PREFIX) && uri.length() > MEMBER_URI_PREFIX.length()
        ? Optional.of(uri.substring(MEMBER_URI_PREFIX.length())) : Optional.empty();
  }
}
