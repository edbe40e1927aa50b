package org.veriflow.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeysTest {
  private static byte[] hex(String h) {
    return HexFormat.of().parseHex(h);
  }

  @Test
  void prefixEnd_lastByteBelowFf_incrementsLastByte() {
    assertThat(Keys.prefixEnd(hex("6162"))).isEqualTo(hex("6163"));
    assertThat(Keys.prefixEnd(hex("00"))).isEqualTo(hex("01"));
    assertThat(Keys.prefixEnd(hex("7f"))).isEqualTo(hex("80"));
    assertThat(Keys.prefixEnd(hex("fe"))).isEqualTo(hex("ff"));
  }

  @Test
  void prefixEnd_trailingFfBytes_droppedAndPreviousByteIncremented() {
    assertThat(Keys.prefixEnd(hex("01ff"))).isEqualTo(hex("02"));
    assertThat(Keys.prefixEnd(hex("0a7fffff"))).isEqualTo(hex("0a80"));
  }

  @Test
  void prefixEnd_allFfOrEmpty_noUpperBound() {
    assertThat(Keys.prefixEnd(hex("ff"))).isNull();
    assertThat(Keys.prefixEnd(hex("ffffff"))).isNull();
    assertThat(Keys.prefixEnd(new byte[0])).isNull();
  }

  @Test
  void prefixEnd_doesNotModifyItsArgument() {
    byte[] prefix = hex("01ff");
    Keys.prefixEnd(prefix);
    assertThat(prefix).isEqualTo(hex("01ff"));
  }

  @Test
  void prefixEnd_randomKeys_boundsExactlyTheKeysWithThePrefix() {
    Random random = new Random(6962);
    byte[] alphabet = {0x00, 0x01, 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};
    for (int round = 0; round < 20_000; round++) {
      byte[] prefix = randomKey(random, alphabet, 3);
      byte[] key = randomKey(random, alphabet, 5);
      byte[] end = Keys.prefixEnd(prefix);
      boolean hasPrefix = key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
      boolean inRange = Arrays.compareUnsigned(key, prefix) >= 0 && (end == null || Arrays.compareUnsigned(key, end) < 0);
      assertThat(inRange)
          .as("key %s, prefix %s, end %s", HexFormat.of().formatHex(key), HexFormat.of().formatHex(prefix),
              end == null ? "none" : HexFormat.of().formatHex(end))
          .isEqualTo(hasPrefix);
    }
  }

  private static byte[] randomKey(Random random, byte[] alphabet, int maxLength) {
    byte[] k = new byte[random.nextInt(maxLength + 1)];
    for (int i = 0; i < k.length; i++) {
      k[i] = alphabet[random.nextInt(alphabet.length)];
    }
    return k;
  }

  @Test
  void height_bigEndian_byteOrderIsNumericOrder() {
    long[] heights = {0, 1, 255, 256, 65_535, 1L << 40, Long.MAX_VALUE};
    for (int i = 1; i < heights.length; i++) {
      assertThat(Arrays.compareUnsigned(Keys.height(heights[i - 1]), Keys.height(heights[i]))).isNegative();
      assertThat(Keys.readLong(Keys.height(heights[i]))).isEqualTo(heights[i]);
    }
  }

  @Test
  void result_ordersByHeightThenIndex() {
    assertThat(Arrays.compareUnsigned(Keys.result(1, 300), Keys.result(2, 0))).isNegative();
    assertThat(Arrays.compareUnsigned(Keys.result(2, 1), Keys.result(2, 256))).isNegative();
  }

  @Test
  void state_namespaceSeparatedByZeroByte() {
    assertThat(Keys.state("ns", hex("41"))).isEqualTo(hex("6e730041"));
    assertThat(Keys.namespacePrefixLength("ns")).isEqualTo(3);
  }
}
