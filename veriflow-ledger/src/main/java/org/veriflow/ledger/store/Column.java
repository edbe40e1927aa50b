package org.veriflow.ledger.store;

/** The column families of a ledger store; each is an ordered key space of its own. */
public enum Column {
  /** height (8 bytes, big-endian) → serialised Block. */
  BLOCKS,
  /** transaction id (32 bytes) → its location (height, index in block, log leaf index). */
  TX_INDEX,
  /** height + index in block → serialised TxResult. */
  RESULTS,
  /** namespace + 0x00 + key → value: the world state. */
  STATE,
  /** level (1 byte) + index (8 bytes) → hash of that perfect subtree of the transaction log. */
  LOG_NODES,
  /** small named values: the head height (last stored block) and the applied height (last executed). */
  META
}
