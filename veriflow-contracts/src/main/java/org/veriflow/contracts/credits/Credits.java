package org.veriflow.contracts.credits;

import static org.veriflow.protocol.credits.CreditsFailure.BAD_ARGUMENTS;
import static org.veriflow.protocol.credits.CreditsFailure.UNKNOWN_RECIPIENT;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.veriflow.contracts.SystemContract;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.ledger.GenesisState;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.protocol.FailureCode;
import org.veriflow.protocol.credits.CreditsFailure;
import org.veriflow.protocol.proto.contracts.TransferCredits;

/**
 * The credits contract: balances minted at genesis, moved by transfers between registered
 * identities. An overdraft fails the transaction ({@code INSUFFICIENT_FUNDS}) and consumes its
 * nonce.
 *
 * <p>Other contracts move credits through {@link #escrow}, {@link #releaseEscrow} and {@link
 * #payFromEscrow}, writing this
 * namespace (they declare it in {@link org.veriflow.ledger.exec.Contract#writesTo()}) and failing
 * with their own codes ({@link MoveFailures}). Escrow keeps credits out of every balance, under
 * an id the calling contract chooses, until they are released to someone. Every move takes from one
 * entry what it adds to another, so the sum of all balances and escrows stays what genesis minted.
 *
 * <p>State: {@code bal/<identity id>} → balance, 8 bytes big-endian; {@code esc/<escrow id>} →
 * credits held in escrow, 8 bytes big-endian, absent when none.
 */
public final class Credits extends SystemContract {
  public static final String NAME = "credits";
  private static final int MAX_MEMO = 256;
  /** The credits contract's own codes for a move that fails. */
  static final MoveFailures OWN_FAILURES = new MoveFailures(CreditsFailure.INSUFFICIENT_FUNDS, CreditsFailure.BALANCE_OVERFLOW);

  public Credits() {
    super(NAME, Map.of("transfer", new Transfer()));
  }

  /**
   * The codes that the transaction of a contract moving credits fails with: that contract's own
   * {@code INSUFFICIENT_FUNDS} and {@code BALANCE_OVERFLOW}.
   *
   * @param insufficientFunds raised when a balance is below the amount taken from it
   * @param balanceOverflow raised when a balance or an escrow would exceed {@link Long#MAX_VALUE}
   */
  public record MoveFailures(FailureCode insufficientFunds, FailureCode balanceOverflow) {
    /**
     * @throws NullPointerException if a code is {@code null}
     * @throws IllegalArgumentException if a code is not named as the credits contract names it
     */
    public MoveFailures {
      Objects.requireNonNull(insufficientFunds, "insufficientFunds");
      Objects.requireNonNull(balanceOverflow, "balanceOverflow");
      if (!insufficientFunds.name().equals(CreditsFailure.INSUFFICIENT_FUNDS.name())
          || !balanceOverflow.name().equals(CreditsFailure.BALANCE_OVERFLOW.name())) {
        throw new IllegalArgumentException("a move of credits fails with INSUFFICIENT_FUNDS or BALANCE_OVERFLOW, not "
            + insufficientFunds.name() + " or " + balanceOverflow.name());
      }
    }
  }

  /**
   * The genesis write that mints {@code amount} credits for {@code id}.
   *
   * @param id the identity credited
   * @param amount its balance at genesis
   * @return the write of block 0
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public static GenesisState.Write genesisBalance(IdentityId id, long amount) {
    requireAmount(amount);
    return new GenesisState.Write(NAME, balanceKey(id.value()), amount(amount));
  }

  static byte[] balanceKey(String id) {
    return ("bal/" + id).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] amount(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static byte[] escrowKey(String escrowId) {
    return ("esc/" + escrowId).getBytes(StandardCharsets.UTF_8);
  }

  private static long read(StateView state, byte[] key) {
    return state.get(key).map(b -> {
      if (b.length != Long.BYTES) {
        throw new IllegalStateException("stored amount must be 8 bytes, not " + b.length);
      }
      return ByteBuffer.wrap(b).getLong();
    }).orElse(0L);
  }

  /** The balance of {@code id} in {@code state} (the credits namespace); 0 if it has none. */
  public static long balance(StateView state, String id) {
    return read(state, balanceKey(id));
  }

  /** The credits held in escrow {@code escrowId} in {@code state} (the credits namespace); 0 if none. */
  public static long escrowed(StateView state, String escrowId) {
    return read(state, escrowKey(escrowId));
  }

  // The failure messages are part of results, which blocks hash: credits.transfer's must not change.

  /**
   * Takes {@code amount} from the balance of {@code id}, in the credits namespace of {@code ctx}.
   *
   * @throws ContractException {@code failures.insufficientFunds()} if the balance is below {@code amount}
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws IllegalStateException if the calling contract may not write the credits namespace
   */
  static void debit(ExecutionContext ctx, String id, long amount, MoveFailures failures) throws ContractException {
    requireAmount(amount);
    long balance = balance(ctx.state(NAME), id);
    if (balance < amount) {
      throw new ContractException(failures.insufficientFunds(), "balance " + balance + " is less than " + amount);
    }
    ctx.put(NAME, balanceKey(id), amount(balance - amount));
  }

  /**
   * Adds {@code amount} to the balance of {@code id}, in the credits namespace of {@code ctx}.
   *
   * @throws ContractException {@code failures.balanceOverflow()} if the balance would exceed {@link Long#MAX_VALUE}
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws IllegalStateException if the calling contract may not write the credits namespace
   */
  static void credit(ExecutionContext ctx, String id, long amount, MoveFailures failures) throws ContractException {
    requireAmount(amount);
    long balance = balance(ctx.state(NAME), id);
    if (balance > Long.MAX_VALUE - amount) {
      throw new ContractException(failures.balanceOverflow(), "the recipient's balance would exceed " + Long.MAX_VALUE);
    }
    ctx.put(NAME, balanceKey(id), amount(balance + amount));
  }

  /**
   * Moves {@code amount} from the balance of {@code from} into escrow {@code escrowId}, in the
   * credits namespace of {@code ctx}.
   *
   * @param ctx the calling contract's context; it must declare the credits namespace in {@link
   *     org.veriflow.ledger.exec.Contract#writesTo()}
   * @param failures the calling contract's codes
   * @throws ContractException {@code failures.insufficientFunds()} as {@link #debit}; {@code
   *     failures.balanceOverflow()} if the escrow would exceed {@link Long#MAX_VALUE}
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws IllegalStateException if the calling contract may not write the credits namespace
   */
  public static void escrow(ExecutionContext ctx, String from, String escrowId, long amount, MoveFailures failures)
      throws ContractException {
    debit(ctx, from, amount, failures);
    long held = escrowed(ctx.state(NAME), escrowId);
    if (held > Long.MAX_VALUE - amount) {
      throw new ContractException(failures.balanceOverflow(), "escrow " + escrowId + " would exceed " + Long.MAX_VALUE);
    }
    ctx.put(NAME, escrowKey(escrowId), amount(held + amount));
  }

  /**
   * Pays everything held in escrow {@code escrowId} to the balance of {@code to} and removes the
   * escrow; nothing happens if it holds nothing.
   *
   * @param ctx the calling contract's context; it must declare the credits namespace in {@link
   *     org.veriflow.ledger.exec.Contract#writesTo()}
   * @param failures the calling contract's codes
   * @return the credits paid
   * @throws ContractException {@code failures.balanceOverflow()} as {@link #credit}
   * @throws IllegalStateException if the calling contract may not write the credits namespace
   */
  public static long releaseEscrow(ExecutionContext ctx, String escrowId, String to, MoveFailures failures)
      throws ContractException {
    long held = escrowed(ctx.state(NAME), escrowId);
    if (held == 0) {
      return 0;
    }
    credit(ctx, to, held, failures);
    ctx.delete(NAME, escrowKey(escrowId));
    return held;
  }

  /**
   * Pays {@code amount} of what escrow {@code escrowId} holds to the balance of {@code to}; the
   * escrow keeps the rest and is removed when nothing remains. Several calls split one escrow
   * among several recipients (a reward pool among participants).
   *
   * @param ctx the calling contract's context; it must declare the credits namespace in {@link
   *     org.veriflow.ledger.exec.Contract#writesTo()}
   * @param escrowId the escrow
   * @param to the identity paid
   * @param amount the credits paid, 0 to what the escrow holds
   * @param failures the calling contract's codes
   * @return what the escrow still holds
   * @throws ContractException {@code failures.balanceOverflow()} as {@link #credit}
   * @throws IllegalArgumentException if {@code amount} is negative or more than the escrow holds
   * @throws IllegalStateException if the calling contract may not write the credits namespace
   */
  public static long payFromEscrow(ExecutionContext ctx, String escrowId, String to, long amount, MoveFailures failures)
      throws ContractException {
    requireAmount(amount);
    long held = escrowed(ctx.state(NAME), escrowId);
    if (amount > held) {
      throw new IllegalArgumentException("escrow " + escrowId + " holds " + held + ", less than the " + amount + " to pay");
    }
    if (amount == 0) {
      return held;
    }
    credit(ctx, to, amount, failures);
    if (held == amount) {
      ctx.delete(NAME, escrowKey(escrowId));
    } else {
      ctx.put(NAME, escrowKey(escrowId), amount(held - amount));
    }
    return held - amount;
  }

  private static void requireAmount(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("an amount of credits must not be negative, not " + amount);
    }
  }

  static final class Transfer implements ContractMethod<TransferCredits> {
    @Override
    public TransferCredits decode(byte[] arguments) throws ContractException {
      TransferCredits m = parse(TransferCredits.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      if (!IdentityId.isWellFormed(m.getTo())) {
        throw new ContractException(BAD_ARGUMENTS, "recipient '" + m.getTo() + "' is not an identity id");
      }
      if (m.getAmount() <= 0) { // a uint64 above Long.MAX_VALUE reads as negative
        throw new ContractException(BAD_ARGUMENTS, "amount must be between 1 and " + Long.MAX_VALUE);
      }
      if (m.getMemo().length() > MAX_MEMO) {
        throw new ContractException(BAD_ARGUMENTS, "memo is longer than " + MAX_MEMO + " characters");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, TransferCredits args) {
      // Any active identity may move its own credits; the ledger has already checked the sender.
    }

    @Override
    public void execute(ExecutionContext ctx, TransferCredits args) throws ContractException {
      String from = ctx.sender().value();
      String to = args.getTo();
      if (Identities.find(ctx.state(Identities.NAME), to).isEmpty()) {
        throw new ContractException(UNKNOWN_RECIPIENT, "recipient " + to + " is not a registered identity");
      }
      long amount = args.getAmount();
      if (from.equals(to)) {
        long balance = balance(ctx.state(), from);
        if (balance < amount) {
          throw new ContractException(OWN_FAILURES.insufficientFunds(), "balance " + balance + " is less than " + amount);
        }
      } else {
        debit(ctx, from, amount, OWN_FAILURES);
        credit(ctx, to, amount, OWN_FAILURES);
      }
      ctx.emit("transfer", (from + ">" + to + ":" + amount).getBytes(StandardCharsets.UTF_8));
    }
  }
}
