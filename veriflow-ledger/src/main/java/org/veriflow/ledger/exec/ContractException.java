package org.veriflow.ledger.exec;

import java.util.Objects;
import org.veriflow.protocol.FailureCode;

/**
 * A business outcome that fails the transaction: its writes are reverted, its nonce is consumed
 * and the result records {@link #code()}, the name of a contract's {@link FailureCode} (e.g. {@code
 * INSUFFICIENT_FUNDS}).
 */
public final class ContractException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient FailureCode failure;

  /**
   * @param failure why the call failed; its name is the code recorded in the transaction's result
   * @param message one sentence for people, also recorded in the result
   * @throws NullPointerException if {@code failure} is {@code null}
   */
  public ContractException(FailureCode failure, String message) {
    super(message);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /**
   * Why the call failed.
   *
   * @return the contract's failure code, never {@code null}
   */
  public FailureCode failure() {
    return failure;
  }

  /**
   * The stable code recorded in the transaction's result: {@code failure().name()}.
   *
   * @return the code, never {@code null}
   */
  public String code() {
    return failure.name();
  }
}
