package org.veriflow.raft;

import java.util.Optional;

/**
 * Whether the node key a member's certificate names is that member's node key: the key the member
 * signs its blocks with, its validator identity on chain. The node supplies it (it knows the chain's
 * validators), so that this module needs nothing of the contracts.
 */
@FunctionalInterface
public interface NodeKeyCheck {
  /**
   * Checks a certificate's node-key URI against a member.
   *
   * @param memberId the member the certificate names (a configured member)
   * @param nodeKeyUri the certificate's {@code urn:veriflow:node-key:<algorithm>:<hex>}
   * @return empty if it is that member's node key, else a sentence saying why not
   */
  Optional<String> refusal(String memberId, String nodeKeyUri);
}
