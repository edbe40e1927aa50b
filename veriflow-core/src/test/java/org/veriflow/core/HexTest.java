package org.veriflow.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HexTest {
  @Test
  void encode_bytes_lowerCaseTwoCharactersPerByte() {
    assertThat(Hex.encode(new byte[] {0x00, 0x0f, (byte) 0xab, (byte) 0xff})).isEqualTo("000fabff");
    assertThat(Hex.encode(new byte[0])).isEmpty();
  }

  @Test
  void decode_upperOrLowerCase_sameBytes() {
    assertThat(Hex.decode("000FABff")).containsExactly(0x00, 0x0f, 0xab, 0xff);
  }

  @Test
  void decode_oddLength_rejectedWithLength() {
    assertThatThrownBy(() -> Hex.decode("abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hex string must have even length, not 3");
  }

  @Test
  void decode_nonHexCharacter_rejected() {
    assertThatThrownBy(() -> Hex.decode("0g")).isInstanceOf(IllegalArgumentException.class);
  }
}
