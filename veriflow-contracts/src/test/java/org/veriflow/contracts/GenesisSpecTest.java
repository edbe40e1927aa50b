package org.veriflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.IdentityId;

class GenesisSpecTest {
  private static GenesisSpec spec(List<GenesisSpec.Member> admins, List<GenesisSpec.Member> validators, TreeMap<IdentityId, Long> balances) {
    return new GenesisSpec(TestChain.CHAIN_ID, TestChain.GENESIS_MILLIS, TestChain.MAX_TX_BYTES, admins, validators, balances);
  }

  private static final GenesisSpec.Member ADMIN_MEMBER = new GenesisSpec.Member("admin", ADMIN.publicKey());
  private static final GenesisSpec.Member VALIDATOR_MEMBER = new GenesisSpec.Member("validator", VALIDATOR.publicKey());

  @Test
  void toState_balanceForUnnamedIdentity_refused() {
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(TestChain.key(40).id(), 5L);
    GenesisSpec spec = spec(List.of(ADMIN_MEMBER), List.of(VALIDATOR_MEMBER), balances);
    assertThatThrownBy(spec::toState).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(TestChain.key(40).id().value());
  }

  @Test
  void toState_sameKeyNamedTwice_refused() {
    GenesisSpec spec = spec(List.of(ADMIN_MEMBER), List.of(new GenesisSpec.Member("validator", ADMIN.publicKey())), new TreeMap<>());
    assertThatThrownBy(spec::toState).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
  }

  @Test
  void new_negativeBalanceOrNoAdministratorOrNoValidator_refused() {
    TreeMap<IdentityId, Long> negative = new TreeMap<>();
    negative.put(ADMIN.id(), -1L);
    assertThatThrownBy(() -> spec(List.of(ADMIN_MEMBER), List.of(VALIDATOR_MEMBER), negative))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    assertThatThrownBy(() -> spec(List.of(), List.of(VALIDATOR_MEMBER), new TreeMap<>()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("administrator");
    assertThatThrownBy(() -> spec(List.of(ADMIN_MEMBER), List.of(), new TreeMap<>()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validator");
  }

  @Test
  void balances_callerMapOrAccessorChanged_specUnchanged() {
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(ADMIN.id(), 10L);
    GenesisSpec spec = spec(List.of(ADMIN_MEMBER), List.of(VALIDATOR_MEMBER), balances);
    balances.put(ADMIN.id(), 20L);

    assertThat(spec.balances()).isUnmodifiable();
    assertThat(spec.balances()).containsExactly(entry(ADMIN.id(), 10L));
    assertThat(spec.administrators()).isUnmodifiable();
  }
}
