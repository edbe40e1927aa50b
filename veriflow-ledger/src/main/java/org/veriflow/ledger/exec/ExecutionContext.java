package org.veriflow.ledger.exec;

/**
 * A {@link ContractContext} that can also write: puts and deletes go to the contract's own
 * namespace and take effect only if the transaction succeeds.
 */
public interface ExecutionContext extends ContractContext {
  void put(byte[] key, byte[] value);

  void delete(byte[] key);

  /** Records an event in the transaction's result. */
  void emit(String name, byte[] data);

  /** Sets the method's output, recorded in the transaction's result. */
  void output(byte[] output);
}
