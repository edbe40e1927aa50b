package org.veriflow.protocol;

/**
 * Why a contract call failed: one constant of a contract's failure enum (such as {@code
 * org.veriflow.protocol.credits.CreditsFailure}).
 *
 * <p>The constant's {@link #name()} is the stable code. A transaction that fails during execution
 * records it in its result, on chain; the HTTP API reports it as {@code code} in problem+json and the
 * CLI prints it. So a code is never renamed: a test pins every enum's names. A code that several
 * contracts raise, such as {@code BAD_ARGUMENTS}, is a constant of each of their enums, with the
 * same name.
 */
public interface FailureCode {
  /**
   * The stable code: upper-case letters, digits and underscores, such as {@code INSUFFICIENT_FUNDS}.
   * An enum implements it with its constant's name.
   *
   * @return the code, never {@code null}
   */
  String name();
}
