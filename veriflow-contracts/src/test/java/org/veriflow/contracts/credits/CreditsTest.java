package org.veriflow.contracts.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.ADMIN_CREDITS;
import static org.veriflow.contracts.TestChain.VALIDATOR;
import static org.veriflow.contracts.TestChain.VALIDATOR_CREDITS;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.veriflow.protocol.credits.CreditsFailure;
import org.veriflow.contracts.TestChain;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.ledger.exec.Contract;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ledger.store.InMemoryStore;

class CreditsTest {
  private TestChain chain = TestChain.open();

  @AfterEach
  void close() {
    chain.close();
  }

  @Test
  void genesis_balancesAsMinted() {
    assertThat(chain.balance(ADMIN.id())).isEqualTo(ADMIN_CREDITS);
    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(VALIDATOR_CREDITS);
    assertThat(chain.balance(TestChain.key(40).id())).isZero();
  }

  @Test
  void transfer_movesAmountAndEmitsEvent() {
    List<TxResult> results = chain.commitResults(TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 250));

    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(chain.balance(ADMIN.id())).isEqualTo(ADMIN_CREDITS - 250);
    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(VALIDATOR_CREDITS + 250);
    assertThat(results.get(0).getEvents(0).getContract()).isEqualTo(Credits.NAME);
    assertThat(results.get(0).getEvents(0).getData().toStringUtf8())
        .isEqualTo(ADMIN.id().value() + ">" + VALIDATOR.id().value() + ":250");
  }

  @Test
  void transfer_toNewlyRegisteredIdentity_createsItsBalance() {
    chain.commit(TestChain.register(ADMIN, 0, TestChain.key(10).publicKey(), IdentityKind.ORGANISATION, "hospital"));
    chain.commit(TestChain.transfer(ADMIN, 1, TestChain.key(10).id(), 42));
    assertThat(chain.balance(TestChain.key(10).id())).isEqualTo(42);
  }

  @Test
  void transfer_toSelf_balanceKeptNonceConsumed() {
    List<TxResult> results = chain.commitResults(TestChain.transfer(VALIDATOR, 0, VALIDATOR.id(), VALIDATOR_CREDITS));

    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(VALIDATOR_CREDITS);
    assertThat(chain.nextNonce(VALIDATOR)).isEqualTo(1);
  }

  @Test
  void transfer_wholeBalance_allowedThenEmpty() {
    chain.commit(TestChain.transfer(VALIDATOR, 0, ADMIN.id(), VALIDATOR_CREDITS));
    assertThat(chain.balance(VALIDATOR.id())).isZero();
    List<TxResult> results = chain.commitResults(TestChain.transfer(VALIDATOR, 1, ADMIN.id(), 1));
    assertThat(results.get(0).getCode()).isEqualTo("INSUFFICIENT_FUNDS");
  }

  @Test
  void transfer_laterInSameBlock_seesEarlierTransfer() {
    List<TxResult> results = chain.commitResults(
        TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 1_000),
        TestChain.transfer(VALIDATOR, 0, ADMIN.id(), 1_200));

    assertThat(results).extracting(TxResult::getStatus).containsExactly(TxStatus.COMMITTED, TxStatus.COMMITTED);
    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(VALIDATOR_CREDITS + 1_000 - 1_200);
  }

  @Test
  void transfer_manyTransfers_totalSupplyConserved() {
    for (int i = 0; i < 5; i++) {
      chain.commit(TestChain.transfer(ADMIN, i, VALIDATOR.id(), 100 + i), TestChain.transfer(VALIDATOR, i, ADMIN.id(), 7 * i + 1));
    }
    assertThat(chain.balance(ADMIN.id()) + chain.balance(VALIDATOR.id())).isEqualTo(ADMIN_CREDITS + VALIDATOR_CREDITS);
    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(VALIDATOR_CREDITS + (100 + 101 + 102 + 103 + 104) - (1 + 8 + 15 + 22 + 29));
  }

  // ------------------------------------------------------------------ helpers for other contracts

  /**
   * A contract that moves credits through the package helpers. Its argument is "identity:amount" or
   * "escrow id:identity[:amount]"; {@code declared} says whether it declares the credits namespace.
   */
  static final class Mover implements Contract {
    private final String name;
    private final boolean declared;

    Mover(String name, boolean declared) {
      this.name = name;
      this.declared = declared;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public SortedSet<String> writesTo() {
      return declared ? new TreeSet<>(List.of(Credits.NAME)) : new TreeSet<>();
    }

    @Override
    public SortedSet<String> methodNames() {
      return new TreeSet<>(List.of("credit", "debit", "escrow", "pay", "release"));
    }

    @Override
    public Optional<ContractMethod<?>> method(String method) {
      return methodNames().contains(method) ? Optional.of(new Call(method)) : Optional.empty();
    }

    private record Call(String method) implements ContractMethod<String[]> {
      @Override
      public String[] decode(byte[] arguments) throws ContractException {
        try {
          return StringValue.parseFrom(arguments).getValue().split(":");
        } catch (InvalidProtocolBufferException e) {
          throw new ContractException(CreditsFailure.BAD_ARGUMENTS, "not a StringValue");
        }
      }

      @Override
      public void authorise(ContractContext context, String[] args) {}

      @Override
      public void execute(ExecutionContext ctx, String[] a) throws ContractException {
        switch (method) {
          case "debit" -> Credits.debit(ctx, a[0], Long.parseLong(a[1]), Credits.OWN_FAILURES);
          case "credit" -> Credits.credit(ctx, a[0], Long.parseLong(a[1]), Credits.OWN_FAILURES);
          case "escrow" -> Credits.escrow(ctx, a[1], a[0], Long.parseLong(a[2]), Credits.OWN_FAILURES);
          case "release" -> ctx.output(Long.toString(Credits.releaseEscrow(ctx, a[0], a[1], Credits.OWN_FAILURES)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          case "pay" -> ctx.output(Long.toString(Credits.payFromEscrow(ctx, a[0], a[1], Long.parseLong(a[2]), Credits.OWN_FAILURES))
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
          default -> throw new IllegalStateException(method);
        }
      }
    }
  }

  private void openWithMovers() {
    chain.close();
    chain = TestChain.open(new InMemoryStore(), TestChain.spec().toState(), List.of(new Mover("mover", true), new Mover("intruder", false)));
  }

  private static byte[] move(String contract, long nonce, String method, String args) {
    return TestChain.tx(ADMIN, nonce, contract, method, StringValue.of(args));
  }

  @Test
  void debit_aboveBalance_failsInsufficientFundsBalanceKept() {
    openWithMovers();

    TestChain.assertFailed(chain.commitResults(move("mover", 0, "debit", VALIDATOR.id().value() + ":" + (VALIDATOR_CREDITS + 1))).get(0),
        "INSUFFICIENT_FUNDS");

    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(VALIDATOR_CREDITS);
  }

  @Test
  void credit_pastLongMax_failsBalanceOverflowBalanceKept() {
    openWithMovers();

    TestChain.assertFailed(chain.commitResults(move("mover", 0, "credit", ADMIN.id().value() + ":" + (Long.MAX_VALUE - ADMIN_CREDITS + 1))).get(0),
        "BALANCE_OVERFLOW");

    assertThat(chain.balance(ADMIN.id())).isEqualTo(ADMIN_CREDITS);
    assertThat(chain.commitResults(move("mover", 1, "credit", ADMIN.id().value() + ":" + (Long.MAX_VALUE - ADMIN_CREDITS))).get(0).getStatus())
        .isEqualTo(TxStatus.COMMITTED);
    assertThat(chain.balance(ADMIN.id())).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void escrowThenRelease_heldOutsideBalancesThenPaid_totalConserved() {
    openWithMovers();
    long total = chain.totalCredits();

    chain.commit(move("mover", 0, "escrow", "deal-1:" + VALIDATOR.id().value() + ":200"), move("mover", 1, "escrow", "deal-1:" + ADMIN.id().value() + ":50"));

    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(VALIDATOR_CREDITS - 200);
    assertThat(Credits.escrowed(chain.ledger.state(Credits.NAME), "deal-1")).isEqualTo(250);
    assertThat(chain.totalCredits()).isEqualTo(total);

    TxResult released = chain.commitResults(move("mover", 2, "release", "deal-1:" + ADMIN.id().value())).get(0);

    assertThat(released.getOutput().toStringUtf8()).isEqualTo("250");
    assertThat(Credits.escrowed(chain.ledger.state(Credits.NAME), "deal-1")).isZero();
    assertThat(chain.ledger.state(Credits.NAME).get(Credits.escrowKey("deal-1"))).isEmpty();
    assertThat(chain.balance(ADMIN.id())).isEqualTo(ADMIN_CREDITS - 50 + 250);
    assertThat(chain.totalCredits()).isEqualTo(total);
    assertThat(chain.commitResults(move("mover", 3, "release", "deal-1:" + ADMIN.id().value())).get(0).getOutput().toStringUtf8()).isEqualTo("0");
  }

  @Test
  void payFromEscrow_inParts_paysEachKeepsRestThenRemovesEscrow_totalConserved() {
    openWithMovers();
    long total = chain.totalCredits();
    chain.commit(move("mover", 0, "escrow", "pool-1:" + ADMIN.id().value() + ":300"));

    TxResult first = chain.commitResults(move("mover", 1, "pay", "pool-1:" + VALIDATOR.id().value() + ":120")).get(0);

    assertThat(first.getOutput().toStringUtf8()).isEqualTo("180");
    assertThat(Credits.escrowed(chain.ledger.state(Credits.NAME), "pool-1")).isEqualTo(180);
    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(VALIDATOR_CREDITS + 120);
    assertThat(chain.totalCredits()).isEqualTo(total);

    TxResult rest = chain.commitResults(move("mover", 2, "pay", "pool-1:" + ADMIN.id().value() + ":180")).get(0);

    assertThat(rest.getOutput().toStringUtf8()).isEqualTo("0");
    assertThat(chain.ledger.state(Credits.NAME).get(Credits.escrowKey("pool-1"))).isEmpty();
    assertThat(chain.balance(ADMIN.id())).isEqualTo(ADMIN_CREDITS - 300 + 180);
    assertThat(chain.totalCredits()).isEqualTo(total);
  }

  @Test
  void payFromEscrow_moreThanHeld_throwsIllegalArgumentNothingPaid() {
    openWithMovers();
    chain.commit(move("mover", 0, "escrow", "pool-2:" + ADMIN.id().value() + ":10"));
    var admitted = chain.admitted(move("mover", 1, "pay", "pool-2:" + VALIDATOR.id().value() + ":11"));

    assertThatThrownBy(() -> chain.ledger.execute(chain.nextTimestamp(), List.of(admitted))).isInstanceOf(IllegalArgumentException.class);

    assertThat(Credits.escrowed(chain.ledger.state(Credits.NAME), "pool-2")).isEqualTo(10);
    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(VALIDATOR_CREDITS);
  }

  @Test
  void escrow_aboveBalance_failsInsufficientFundsNothingHeld() {
    openWithMovers();

    TestChain.assertFailed(chain.commitResults(move("mover", 0, "escrow", "deal-2:" + VALIDATOR.id().value() + ":" + (VALIDATOR_CREDITS + 1))).get(0),
        "INSUFFICIENT_FUNDS");

    assertThat(Credits.escrowed(chain.ledger.state(Credits.NAME), "deal-2")).isZero();
    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(VALIDATOR_CREDITS);
  }

  @Test
  void helpers_fromContractNotDeclaringCredits_throwIllegalState() {
    openWithMovers();
    var admitted = chain.admitted(move("intruder", 0, "credit", ADMIN.id().value() + ":1"));

    assertThatThrownBy(() -> chain.ledger.execute(chain.nextTimestamp(), List.of(admitted))).isInstanceOf(IllegalStateException.class);

    assertThat(chain.balance(ADMIN.id())).isEqualTo(ADMIN_CREDITS);
  }
}
