package org.veriflow.ledger.exec;

/**
 * One method of a contract.
 *
 * <p>Contracts are deterministic: given the same state and transaction, every node must compute the
 * same writes and result. A business failure is a {@link ContractException}; any other exception
 * means the node is broken and stops.
 *
 * @param <A> the decoded arguments
 */
public interface ContractMethod<A> {
  /**
   * Decodes and validates the arguments, independently of state.
   *
   * @throws ContractException with the contract's {@code BAD_ARGUMENTS} code if they are invalid
   */
  A decode(byte[] arguments) throws ContractException;

  /**
   * Checks, read-only, that the sender may make this call; run when the transaction is admitted and
   * again when it executes.
   *
   * @throws ContractException with the contract's {@code NOT_AUTHORISED} code if not
   */
  void authorise(ContractContext context, A arguments) throws ContractException;

  /** Executes the call. */
  void execute(ExecutionContext context, A arguments) throws ContractException;
}
