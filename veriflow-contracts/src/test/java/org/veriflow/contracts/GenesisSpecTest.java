package org.veriflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import org.veriflow.contracts.models.Models;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.ledger.GenesisState;

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

  private static GenesisSpec withRequired(int requiredAttestations, List<GenesisSpec.Member> validators) {
    return new GenesisSpec(TestChain.CHAIN_ID, TestChain.GENESIS_MILLIS, TestChain.MAX_TX_BYTES, requiredAttestations,
        List.of(ADMIN_MEMBER), validators, new TreeMap<>());
  }

  private static final GenesisSpec.Member SECOND_VALIDATOR_MEMBER = new GenesisSpec.Member("validator-2", TestChain.key(20).publicKey());

  @Test
  void new_requiredAttestationsZeroOrAboveValidatorCount_refused() {
    assertThatThrownBy(() -> withRequired(0, List.of(VALIDATOR_MEMBER)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("required attestations").hasMessageContaining("not 0");
    assertThatThrownBy(() -> withRequired(2, List.of(VALIDATOR_MEMBER)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("number of validators (1)").hasMessageContaining("not 2");
    assertThatThrownBy(() -> withRequired(-1, List.of(VALIDATOR_MEMBER, SECOND_VALIDATOR_MEMBER)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("required attestations");
  }

  @Test
  void new_withoutRequiredAttestations_requiresOne() {
    assertThat(spec(List.of(ADMIN_MEMBER), List.of(VALIDATOR_MEMBER), new TreeMap<>()).requiredAttestations()).isEqualTo(1);
  }

  @Test
  void toState_requiredAttestationsTwo_writtenToModelsNamespaceAsEightBytes() {
    GenesisState state = withRequired(2, List.of(VALIDATOR_MEMBER, SECOND_VALIDATOR_MEMBER)).toState();

    List<GenesisState.Write> models = state.writes().stream().filter(w -> w.namespace().equals(Models.NAME)).toList();
    assertThat(models).singleElement().satisfies(w -> {
      assertThat(new String(w.key(), StandardCharsets.UTF_8)).isEqualTo("p/required_attestations");
      assertThat(w.value()).containsExactly(0, 0, 0, 0, 0, 0, 0, 2);
    });
  }

  @Test
  void toState_requiredAttestationsOne_nothingWrittenSoBlockZeroUnchanged() {
    GenesisState one = withRequired(1, List.of(VALIDATOR_MEMBER, SECOND_VALIDATOR_MEMBER)).toState();

    assertThat(one.writes()).noneMatch(w -> w.namespace().equals(Models.NAME));
  }
}
