package org.veriflow.contracts;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.proto.contracts.TransferCredits;
import org.veriflow.ledger.exec.Contract;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ledger.exec.StateView;

/**
 * The credits contract: balances minted at genesis, moved by transfers between registered
 * identities. An overdraft fails the transaction ({@code INSUFFICIENT_FUNDS}) and consumes its
 * nonce. State: {@code bal/<identity id>} → balance, 8 bytes big-endian.
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

  /** The balance of {@code id} in {@code state} (the credits namespace); 0 if it has none. */
  public static long balance(StateView state, String id) {
    return state.get(balanceKey(id)).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
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
      long fromBalance = balance(ctx.state(), from);
      if (fromBalance < amount) {
        throw new ContractException("INSUFFICIENT_FUNDS", "balance " + fromBalance + " is less than " + amount);
      }
      if (!from.equals(to)) {
        long toBalance = balance(ctx.state(), to);
        if (toBalance > Long.MAX_VALUE - amount) {
          throw new ContractException("BALANCE_OVERFLOW", "the recipient's balance would exceed " + Long.MAX_VALUE);
        }
        ctx.put(balanceKey(from), amount(fromBalance - amount));
        ctx.put(balanceKey(to), amount(toBalance + amount));
      }
      ctx.emit("transfer", (from + ">" + to + ":" + amount).getBytes(StandardCharsets.UTF_8));
    }
  }
}
