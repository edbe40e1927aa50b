package org.veriflow.ledger.exec;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedSet;

/** A system contract: a name (also its state namespace) and its methods. */
public interface Contract {
  /** Name, lower-case letters, digits and dashes; also the contract's state namespace. */
  String name();

  Optional<ContractMethod<?>> method(String name);

  /** The method names, sorted. */
  SortedSet<String> methodNames();

  /**
   * Other contracts' namespaces this contract's methods may write, through {@link
   * ExecutionContext#put(String, byte[], byte[])} and {@link ExecutionContext#delete(String, byte[])}:
   * for example the credits namespace, for a contract that holds payments in escrow. Each must be
   * the name of another contract of the same {@link ContractRegistry}, never the ledger's own
   * namespace. Such writes are part of the transaction like its own: reverted if it fails, covered
   * by the state hash. Empty by default; a contract should declare as few as it needs.
   */
  default SortedSet<String> writesTo() {
    return Collections.emptySortedSet();
  }
}
