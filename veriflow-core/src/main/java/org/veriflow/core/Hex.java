package org.veriflow.core;

import java.util.HexFormat;

/** Lower-case hexadecimal encoding. Thread-safe. */
public final class Hex {
  private static final HexFormat FORMAT = HexFormat.of();

  private Hex() {}

  /** Encodes {@code bytes} as lower-case hex. */
  public static String encode(byte[] bytes) {
    return FORMAT.formatHex(bytes);
  }

  /**
   * Decodes hex, upper or lower case.
   *
   * @throws IllegalArgumentException if {@code hex} has odd length or a non-hex character
   */
  public static byte[] decode(String hex) {
    if (hex.length() % 2 != 0) {
      throw new IllegalArgumentException("hex string must have even length, not " + hex.length());
    }
    return FORMAT.parseHex(hex);
  }
}
