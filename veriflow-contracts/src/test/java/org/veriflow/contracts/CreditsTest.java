package org.veriflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.ADMIN_CREDITS;
import static org.veriflow.contracts.TestChain.VALIDATOR;
import static org.veriflow.contracts.TestChain.VALIDATOR_CREDITS;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.proto.TxResult;
import org.veriflow.core.proto.TxStatus;
import org.veriflow.core.proto.contracts.IdentityKind;

class CreditsTest {
  private final TestChain chain = TestChain.open();

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
}
