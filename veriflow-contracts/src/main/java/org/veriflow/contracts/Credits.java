package org.veriflow.contracts;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.protocol.proto.contracts.TransferCredits;
import org.veriflow.ledger.exec.Contract;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ledger.exec.StateView;

/**
 * The credits contract: balances minted at genesis, moved by transfers between registered
 * identities. An overdraft fails the transaction ({@code INSUFFICIENT_FUNDS}) and consumes its
 * nonce.
 *
 * <p>Other contracts move credits through the package's {@link #debit}, {@link #credit}, {@link
 * #escrow} and {@link #releaseEscrow}, writing this namespace (they declare it in {@link
 * org.veriflow.ledger.exec.Contract#writesTo()}). Escrow keeps credits out of every balance, under
 * an id the calling contract chooses, until they are released to someone. Every move takes from one
 * entry what it adds to another, so the sum of all balances and escrows stays what genesis minted.
 *
 * <p>State: {@code bal/<identity id>} → balance, 8 bytes big-endian; {@code esc/<escrow id>} →
 * credits held in escrow, 8 bytes big-endian, absent when none.
 */
public final class Credits implements Contract {
  public static final String NAME = "credits";
  private static final int MAX_MEMO = 256;

  private final SortedSet<String> methods = new TreeSet<>(List.of("transfer"));

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SortedSet<String> methodNames() {
    return methods;
  }

  @Override
  public Optional<ContractMethod<?>> method(String name) {
    return name.equals("transfer") ? Optional.of(new Transfer()) : Optional.empty();
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
   * @throws ContractException {@code INSUFFICIENT_FUNDS} if the balance is below {@code amount}
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws IllegalStateException if the calling contract may not write the credits namespace
   */
  static void debit(ExecutionContext ctx, String id, long amount) throws ContractException {
    requireAmount(amount);
    long balance = balance(ctx.state(NAME), id);
    if (balance < amount) {
      throw new ContractException("INSUFFICIENT_FUNDS", "balance " + balance + " is less than " + amount);
    }
    ctx.put(NAME, balanceKey(id), amount(balance - amount));
  }

  /**
   * Adds {@code amount} to the balance of {@code id}, in the credits namespace of {@code ctx}.
   *
   * @throws ContractException {@code BALANCE_OVERFLOW} if the balance would exceed {@link Long#MAX_VALUE}
   * @throws IllegalArgumentException if {@code amount} is negative
   * @throws IllegalStateException if the calling contract may not write the credits namespace
   */
  static void credit(ExecutionContext ctx, String id, long amount) throws ContractException {
    requireAmount(amount);
    long balance = balance(ctx.state(NAME), id);
    if (balance > Long.MAX_VALUE - amount) {
      throw new ContractException("BALANCE_OVERFLOW", "the recipient's balance would exceed " + Long.MAX_VALUE);
    }
    ctx.put(NAME, balanceKey(id), amount(balance + amount));
  }

  /**
   * Moves {@code amount} from the balance of {@code from} into escrow {@code escrowId}.
   *
   * @throws ContractException {@code INSUFFICIENT_FUNDS} as {@link #debit}; {@code BALANCE_OVERFLOW}
   *     if the escrow would exceed {@link Long#MAX_VALUE}
   */
  static void escrow(ExecutionContext ctx, String from, String escrowId, long amount) throws ContractException {
    debit(ctx, from, amount);
    long held = escrowed(ctx.state(NAME), escrowId);
    if (held > Long.MAX_VALUE - amount) {
      throw new ContractException("BALANCE_OVERFLOW", "escrow " + escrowId + " would exceed " + Long.MAX_VALUE);
    }
    ctx.put(NAME, escrowKey(escrowId), amount(held + amount));
  }

  /**
   * Pays everything held in escrow {@code escrowId} to the balance of {@code to} and removes the
   * escrow; nothing happens if it holds nothing.
   *
   * @return the credits paid
   * @throws ContractException {@code BALANCE_OVERFLOW} as {@link #credit}
   */
  static long releaseEscrow(ExecutionContext ctx, String escrowId, String to) throws ContractException {
    long held = escrowed(ctx.state(NAME), escrowId);
    if (held == 0) {
      return 0;
    }
    credit(ctx, to, held);
    ctx.delete(NAME, escrowKey(escrowId));
    return held;
  }

  private static void requireAmount(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("an amount of credits must not be negative, not " + amount);
    }
  }

  final class Transfer implements ContractMethod<TransferCredits> {
    @Override
    public TransferCredits decode(byte[] arguments) throws ContractException {
      TransferCredits m;
      try {
        m = TransferCredits.parseFrom(arguments);
      } catch (InvalidProtocolBufferException e) {
        throw new ContractException("BAD_ARGUMENTS", "arguments are not a TransferCredits message");
      }
      if (!IdentityId.isWellFormed(m.getTo())) {
        throw new ContractException("BAD_ARGUMENTS", "recipient '" + m.getTo() + "' is not an identity id");
      }
      if (m.getAmount() <= 0) { // a uint64 above Long.MAX_VALUE reads as negative
        throw new ContractException("BAD_ARGUMENTS", "amount must be between 1 and " + Long.MAX_VALUE);
      }
      if (m.getMemo().length() > MAX_MEMO) {
        throw new ContractException("BAD_ARGUMENTS", "memo is longer than " + MAX_MEMO + " characters");
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
        throw new ContractException("UNKNOWN_RECIPIENT", "recipient " + to + " is not a registered identity");
      }
      long amount = args.getAmount();
      if (from.equals(to)) {
        long balance = balance(ctx.state(), from);
        if (balance < amount) {
          throw new ContractException("INSUFFICIENT_FUNDS", "balance " + balance + " is less than " + amount);
        }
      } else {
        debit(ctx, from, amount);
        credit(ctx, to, amount);
      }
      ctx.emit("transfer", (from + ">" + to + ":" + amount).getBytes(StandardCharsets.UTF_8));
    }
  }
}
