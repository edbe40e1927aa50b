package org.veriflow.node.service;

import org.veriflow.core.crypto.Hash;

/**
 * What became of a transaction the node was watching.
 *
 * @param id the transaction's id
 * @param status committed or failed in a block, or rejected (dropped from the pool before one)
 * @param height the block's height, or -1 when {@link Status#REJECTED}
 * @param code the failure's or rejection's stable code; empty when committed
 * @param message the failure's or rejection's sentence; empty when committed
 */
public record TxOutcome(Hash id, Status status, long height, String code, String message) {
  /** The three ends of a watched transaction; the names are those the HTTP API answers with. */
  public enum Status {
    /** In a block, executed successfully. */
    COMMITTED,
    /** In a block, its execution failed (recorded with its code). */
    FAILED,
    /** Dropped from the pool before reaching a block. */
    REJECTED
  }

  /** Whether the transaction is in a block and executed successfully. */
  public boolean committed() {
    return status == Status.COMMITTED;
  }
}
