package org.veriflow.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SignatureAlgorithmTest {
  @Test
  void lengths_eachAlgorithm_matchOnChainEncodings() {
    assertThat(SignatureAlgorithm.ED25519.publicKeyLength()).isEqualTo(32);
    assertThat(SignatureAlgorithm.ED25519.signatureLength()).isEqualTo(64);
    assertThat(SignatureAlgorithm.P256.publicKeyLength()).isEqualTo(33);
    assertThat(SignatureAlgorithm.P256.signatureLength()).isEqualTo(64);
  }

  @Test
  void parse_labelInAnyCase_algorithm() {
    assertThat(SignatureAlgorithm.parse("ed25519")).isEqualTo(SignatureAlgorithm.ED25519);
    assertThat(SignatureAlgorithm.parse("P256")).isEqualTo(SignatureAlgorithm.P256);
    for (SignatureAlgorithm a : SignatureAlgorithm.values()) {
      assertThat(SignatureAlgorithm.parse(a.label())).isEqualTo(a);
    }
  }

  @Test
  void parse_unknownLabel_rejectedListingChoices() {
    for (String label : new String[] {"secp256k1", "p-256", "", "ed448"}) {
      assertThatThrownBy(() -> SignatureAlgorithm.parse(label))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("unknown key type '" + label + "': expected ed25519 or p256");
    }
  }
}
