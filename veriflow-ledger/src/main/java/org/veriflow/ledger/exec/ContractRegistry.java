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

  /**
   * @throws IllegalArgumentException if a name is invalid or taken twice, or a contract declares in
   *     {@link Contract#writesTo()} a namespace that is not another contract of {@code contracts}
   */
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
    for (Contract c : m.values()) {
      for (String target : c.writesTo()) {
        if (target.equals(c.name()) || !m.containsKey(target)) {
          throw new IllegalArgumentException("contract '" + c.name() + "' declares that it writes to '" + target
              + "', which is not another contract of this registry");
        }
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
