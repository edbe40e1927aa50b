package org.veriflow.ledger;

import java.util.List;
import java.util.Objects;
import org.veriflow.ledger.exec.ContractRegistry;

/**
 * Everything block 0 is made of: the chain parameters, the genesis time and the initial state
 * written by the contracts (administrators, balances). Every node derives the same genesis block from
 * it.
 */
public record GenesisState(ChainParams params, long timestampMillis, List<Write> writes) {
  /** One initial state entry in a contract's namespace. */
  public record Write(String namespace, byte[] key, byte[] value) {
    public Write {
      Objects.requireNonNull(namespace, "namespace");
      if (namespace.equals(ContractRegistry.SYSTEM_NAMESPACE)) {
        throw new IllegalArgumentException("genesis writes may not touch the ledger's own namespace");
      }
      key = key.clone();
      value = value.clone();
    }
  }

  public GenesisState {
    Objects.requireNonNull(params, "params");
    if (timestampMillis < 0) {
      throw new IllegalArgumentException("genesis timestamp must not be negative");
    }
    writes = List.copyOf(writes);
  }
}
