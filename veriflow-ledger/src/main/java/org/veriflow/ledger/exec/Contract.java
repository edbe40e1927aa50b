package org.veriflow.ledger.exec;

import java.util.Optional;
import java.util.SortedSet;

/** A system contract: a name (also its state namespace) and its methods. */
public interface Contract {
  /** Name, lower-case letters, digits and dashes; also the contract's state namespace. */
  String name();

  Optional<ContractMethod<?>> method(String name);

  /** The method names, sorted. */
  SortedSet<String> methodNames();
}
