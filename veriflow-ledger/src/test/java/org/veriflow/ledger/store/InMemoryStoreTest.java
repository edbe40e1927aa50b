package org.veriflow.ledger.store;

class InMemoryStoreTest extends KeyValueStoreContract {
  @Override
  KeyValueStore newStore() {
    return new InMemoryStore();
  }
}
