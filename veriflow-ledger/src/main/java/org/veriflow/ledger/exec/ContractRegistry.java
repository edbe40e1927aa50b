package org.veriflow.ledger.exec;

import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** The contracts a chain runs, by name. Immutable and thread-safe. */
public final class ContractRegistry {
  /** The ledger's own namespace (nonces, chain parameters); no contract may take it. */
  public static final String SYSTEM_NAMESPACE = "sys";

  private final SortedMap<String, Contract> contracts;

  public ContractRegistry(Collection<? extends Contract> contracts) {
    SortedMap<String, Contract> m = new TreeMap<>();
    for (Contract c : contracts) {
      if (!c.name().matches("[a-z][a-z0-9-]{0,31}") || c.name().equals(SYSTEM_NAMESPACE)) {
        throw new IllegalArgumentException("invalid contract name '" + c.name() + "'");
      }
      if (m.put(c.name(), c) != null) {
        throw new IllegalArgumentException("two contracts are named '" + c.name() + "'");
      }
    }
    this.contracts = Collections.unmodifiableSortedMap(m);
  }

  public Optional<Contract> get(String name) {
    return Optional.ofNullable(contracts.get(name));
  }

  public SortedMap<String, Contract> all() {
    return contracts;
  }
}
