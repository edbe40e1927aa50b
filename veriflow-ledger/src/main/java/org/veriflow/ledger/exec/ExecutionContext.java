package org.veriflow.ledger.exec;

/**
 * A {@link ContractContext} that can also write. Writes take effect only if the transaction
 * succeeds; reads through {@link #state()} and {@link #state(String)} see the transaction's own
 * writes so far.
 */
public interface ExecutionContext extends ContractContext {
  /** Puts {@code value} under {@code key} in the contract's own namespace. */
  void put(byte[] key, byte[] value);

  /** Deletes {@code key} from the contract's own namespace. */
  void delete(byte[] key);

  /**
   * Puts {@code value} under {@code key} in {@code namespace}: the contract's own, or one that it
   * declares in {@link Contract#writesTo()}.
   *
   * @throws IllegalStateException if the contract did not declare {@code namespace} (a bug in the
   *     contract: the node stops rather than record a write the contract may not make)
   */
  void put(String namespace, byte[] key, byte[] value);

  /**
   * Deletes {@code key} from {@code namespace}, under the same rule as {@link #put(String, byte[],
   * byte[])}.
   *
   * @throws IllegalStateException if the contract did not declare {@code namespace}
   */
  void delete(String namespace, byte[] key);

  /** Records an event in the transaction's result. */
  void emit(String name, byte[] data);

  /** Sets the method's output, recorded in the transaction's result. */
  void output(byte[] output);
}
