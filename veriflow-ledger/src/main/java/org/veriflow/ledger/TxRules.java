package org.veriflow.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.ledger.exec.Contract;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ContractRegistry;
import org.veriflow.ledger.exec.SenderRegistry;

/**
 * The stateful checks, shared by admission (against committed state) and execution (against the
 * block's state so far): expiry, sender, nonce, contract, method, arguments, authorisation.
 */
final class TxRules {
  /** A transaction that passed the checks, with its contract, method and decoded arguments. */
  record Prepared(VerifiedTx tx, Contract contract, ContractMethod<Object> method, Object arguments) {}

  /** Either a prepared call or a rejection. */
  record Outcome(Prepared prepared, Rejection rejection) {}

  private final ContractRegistry contracts;
  private final SenderRegistry senders;

  TxRules(ContractRegistry contracts, SenderRegistry senders) {
    this.contracts = contracts;
    this.senders = senders;
  }

  static byte[] nonceKey(IdentityId id) {
    return Keys.state(ContractRegistry.SYSTEM_NAMESPACE, ("nonce/" + id.value()).getBytes(StandardCharsets.UTF_8));
  }

  /** The next nonce {@code id} must use. */
  static long nextNonce(StateSource state, IdentityId id) {
    return state.get(nonceKey(id)).map(Keys::readLong).orElse(0L);
  }

  /**
   * @param nonceWindow how far above the next nonce a nonce may be (admission); 0 demands the next
   *     nonce exactly (execution)
   */
  Outcome check(VerifiedTx tx, StateSource state, String chainId, long height, long timestampMillis, long nonceWindow) {
    long validUntil = tx.payload().getValidUntilHeight();
    if (validUntil < height) {
      return reject(RejectionCode.EXPIRED, "transaction was valid until height " + validUntil + "; the next block is " + height);
    }
    SenderRegistry.Status status = senders.status(TxContext.view(state, senders.namespace()), tx.sender());
    if (status == SenderRegistry.Status.UNKNOWN) {
      return reject(RejectionCode.UNKNOWN_SENDER, "sender " + tx.sender() + " is not a registered identity");
    }
    if (status == SenderRegistry.Status.REVOKED) {
      return reject(RejectionCode.REVOKED_SENDER, "sender " + tx.sender() + " is revoked");
    }
    long expected = nextNonce(state, tx.sender());
    long nonce = tx.nonce();
    if (Long.compareUnsigned(nonce, expected) < 0) {
      return reject(RejectionCode.NONCE_TOO_LOW, "nonce " + Long.toUnsignedString(nonce) + " was already used; the next nonce is "
          + Long.toUnsignedString(expected));
    }
    if (Long.compareUnsigned(nonce, expected + nonceWindow) > 0) {
      return reject(RejectionCode.NONCE_TOO_HIGH, nonceWindow == 0
          ? "nonce " + Long.toUnsignedString(nonce) + " is not the next nonce " + Long.toUnsignedString(expected)
          : "nonce " + Long.toUnsignedString(nonce) + " is more than " + nonceWindow + " above the next nonce " + Long.toUnsignedString(expected));
    }
    Optional<Contract> contract = contracts.get(tx.payload().getContract());
    if (contract.isEmpty()) {
      return reject(RejectionCode.UNKNOWN_CONTRACT, "no contract named '" + tx.payload().getContract() + "'");
    }
    Optional<ContractMethod<?>> found = contract.get().method(tx.payload().getMethod());
    if (found.isEmpty()) {
      return reject(RejectionCode.UNKNOWN_METHOD,
          "contract '" + contract.get().name() + "' has no method '" + tx.payload().getMethod() + "'; it has " + contract.get().methodNames());
    }
    @SuppressWarnings("unchecked")
    ContractMethod<Object> method = (ContractMethod<Object>) found.get();
    Object args;
    try {
      args = method.decode(tx.payload().getArguments().toByteArray());
    } catch (ContractException e) {
      return reject(e.failure() == RejectionCode.NON_CANONICAL ? RejectionCode.NON_CANONICAL : RejectionCode.BAD_ARGUMENTS, e.getMessage());
    }
    TxContext readOnly = TxContext.readOnly(state, contract.get().name(), tx, chainId, height, timestampMillis);
    try {
      method.authorise(readOnly, args);
    } catch (ContractException e) {
      return reject(RejectionCode.NOT_AUTHORISED, e.getMessage());
    }
    return new Outcome(new Prepared(tx, contract.get(), method, args), null);
  }

  private static Outcome reject(RejectionCode code, String message) {
    return new Outcome(null, new Rejection(code, message));
  }
}
