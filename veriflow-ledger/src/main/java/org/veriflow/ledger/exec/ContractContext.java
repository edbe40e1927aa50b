package org.veriflow.ledger.exec;

import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.PublicKey;

/**
 * What a contract may see while checking a transaction: the state, the transaction and the block
 * header. Nothing else: no clock, no randomness, no I/O (DESIGN.md, core rule 2). Not thread-safe.
 */
public interface ContractContext {
  /** This contract's own namespace. */
  StateView state();

  /** Another contract's namespace, read-only. */
  StateView state(String contract);

  IdentityId sender();

  PublicKey senderKey();

  Hash txId();

  String chainId();

  /** Height of the block being executed (or, when admitting, the next block). */
  long height();

  /** The block's timestamp, chosen by the orderer (or, when admitting, the head's). */
  long timestampMillis();
}
