package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/identities/{id}}.
 *
 * @param id the identity id
 * @param kind the identity's kind
 * @param name its name
 * @param owner the identity that owns it (empty for none)
 * @param algorithm its key's algorithm
 * @param publicKey its public key (hex)
 * @param roles its roles
 * @param status {@code ACTIVE} or {@code REVOKED}
 * @param registeredHeight the height it was registered at
 * @param encryptionKey its X25519 public key (64 hex); null (absent) when it has none
 * @param revokedHeight the height it was revoked at; null (absent) unless revoked
 * @param revocationReason why it was revoked; null (absent) unless revoked
 */
public record Identity(String id, String kind, String name, String owner, String algorithm, String publicKey, List<String> roles,
    String status, long registeredHeight, String encryptionKey, Long revokedHeight, String revocationReason) {
  /** Copies the list. */
  public Identity {
    roles = List.copyOf(roles);
  }
}
