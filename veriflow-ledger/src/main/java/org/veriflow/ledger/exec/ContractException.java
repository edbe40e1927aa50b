package org.veriflow.ledger.exec;

import java.util.Objects;

/**
 * A business outcome that fails the transaction: its writes are reverted, its nonce is consumed
 * and the result records {@link #code()}. Codes are stable names (e.g. {@code INSUFFICIENT_FUNDS}).
 */
public final class ContractException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String code;

  public ContractException(String code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public String code() {
    return code;
  }
}
