package org.veriflow.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SignatureCheckTest {
  @Test
  void requireValid_valid_returns() throws SignatureException {
    SignatureCheck.VALID.requireValid();
    assertThat(SignatureCheck.VALID.isValid()).isTrue();
  }

  @Test
  void requireValid_anyFailure_throwsNamingIt() {
    for (SignatureCheck check : SignatureCheck.values()) {
      if (check == SignatureCheck.VALID) {
        continue;
      }
      assertThat(check.isValid()).isFalse();
      assertThatThrownBy(check::requireValid)
          .isInstanceOfSatisfying(SignatureException.class, e -> assertThat(e.check()).isEqualTo(check))
          .hasMessage("signature check failed: " + check);
    }
  }
}
