package org.veriflow.ledger.exec;

import org.veriflow.core.crypto.IdentityId;

/**
 * Tells the ledger whether a sender may transact at all; implemented by the identities contract,
 * which keeps the registry in its namespace.
 */
public interface SenderRegistry {
  enum Status {
    ACTIVE,
    REVOKED,
    UNKNOWN
  }

  /** The namespace whose view {@link #status} receives. */
  String namespace();

  Status status(StateView registry, IdentityId sender);
}
