package org.veriflow.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;

class IdentityIdTest {
  private static final String WELL_FORMED = "vf1" + "0123456789abcdef0123456789abcdef01234567";

  @Test
  void of_key_isPrefixAndFirst20BytesOfSpkiSha256() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      PublicKey key = SigningKey.generate(algorithm).publicKey();
      byte[] digest = Hash.sha256(key.spki()).bytes();
      String expected = "vf1" + Hex.encode(Arrays.copyOf(digest, 20));
      assertThat(IdentityId.of(key).value()).as(algorithm.label()).isEqualTo(expected).hasSize(43);
      assertThat(key.id()).isEqualTo(IdentityId.of(key));
    }
  }

  @Test
  void of_differentKeys_differentIds() {
    assertThat(SigningKey.generate(SignatureAlgorithm.ED25519).id()).isNotEqualTo(SigningKey.generate(SignatureAlgorithm.ED25519).id());
  }

  @Test
  void constructor_wellFormed_keepsValue() {
    IdentityId id = new IdentityId(WELL_FORMED);
    assertThat(id.value()).isEqualTo(WELL_FORMED);
    assertThat(id.toString()).isEqualTo(WELL_FORMED);
    assertThat(IdentityId.isWellFormed(WELL_FORMED)).isTrue();
  }

  @Test
  void constructor_wrongForms_rejected() {
    String hex40 = WELL_FORMED.substring(3);
    String[] wrong = {
      "", "vf1", "vf2" + hex40, "VF1" + hex40, "vf1" + hex40.toUpperCase(java.util.Locale.ROOT),
      "vf1" + hex40.substring(1), "vf1" + hex40 + "0", "vf1" + hex40.substring(1) + "g", " " + WELL_FORMED, hex40 + "abc",
    };
    for (String value : wrong) {
      assertThat(IdentityId.isWellFormed(value)).as("'%s' well formed", value).isFalse();
      assertThatThrownBy(() -> new IdentityId(value))
          .as("'%s'", value)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'vf1' followed by 40 lower-case hex characters");
    }
    assertThat(IdentityId.isWellFormed(null)).isFalse();
    assertThatThrownBy(() -> new IdentityId(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void compareTo_ordersByValue() {
    IdentityId a = new IdentityId("vf1" + "0".repeat(40));
    IdentityId b = new IdentityId("vf1" + "f".repeat(40));
    assertThat(a).isLessThan(b);
    assertThat(a).isEqualTo(new IdentityId("vf1" + "0".repeat(40)));
  }
}
