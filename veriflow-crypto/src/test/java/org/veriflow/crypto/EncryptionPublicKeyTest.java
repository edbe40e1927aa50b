package org.veriflow.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;

class EncryptionPublicKeyTest {
  private static final String ALICE = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";

  @Test
  void of_validKey_keepsBytesAndHex() {
    byte[] raw = Hex.decode(ALICE);
    EncryptionPublicKey key = EncryptionPublicKey.of(raw);
    raw[0] ^= 1;

    assertThat(key.hex()).isEqualTo(ALICE);
    assertThat(key.bytes()).isEqualTo(Hex.decode(ALICE));
    assertThat(key).hasToString(ALICE);
    assertThat(EncryptionPublicKey.fromHex(ALICE)).isEqualTo(key).hasSameHashCodeAs(key);
    assertThat(EncryptionPublicKey.fromHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")).isNotEqualTo(key);
  }

  @Test
  void id_isFirst16BytesOfSha256OfRawKey() throws Exception {
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(Hex.decode(ALICE));

    assertThat(EncryptionPublicKey.fromHex(ALICE).id()).isEqualTo(Hex.encode(Arrays.copyOf(sha, 16))).hasSize(32);
  }

  @Test
  void of_wrongLength_illegalArgument() {
    assertThatThrownBy(() -> EncryptionPublicKey.of(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("X25519 public key must be 32 bytes, not 31");
    assertThatThrownBy(() -> EncryptionPublicKey.fromHex("abcd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("X25519 public key must be 64 hex characters, not 4");
  }

  @Test
  void of_topBitSet_refusedAsSecondEncoding() {
    byte[] raw = Hex.decode(ALICE);
    raw[31] |= (byte) 0x80;

    assertThatThrownBy(() -> EncryptionPublicKey.of(raw))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("X25519 public key is not canonical: its top bit is set");
  }

  @Test
  void of_uCoordinateNotBelowP_refused() {
    BigInteger p = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    for (BigInteger u : new BigInteger[] {p, p.add(BigInteger.TWO), p.add(BigInteger.TEN)}) {
      assertThatThrownBy(() -> EncryptionPublicKey.of(littleEndian(u)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("X25519 public key is not canonical: its u-coordinate is not below 2^255 - 19");
    }
  }

  @Test
  void of_pointsOfSmallOrder_refused() {
    BigInteger p = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    byte[][] smallOrder = {
      littleEndian(BigInteger.ZERO),
      littleEndian(BigInteger.ONE),
      littleEndian(p.subtract(BigInteger.ONE)),
      // the two points of order 8 (as listed by RFC 7748 implementations and Tink)
      Hex.decode("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
      Hex.decode("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    };
    for (byte[] raw : smallOrder) {
      assertThatThrownBy(() -> EncryptionPublicKey.of(raw))
          .as(Hex.encode(raw))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("X25519 public key is a point of small order");
    }
  }

  private static byte[] littleEndian(BigInteger u) {
    byte[] be = u.toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < Math.min(32, be.length); i++) {
      le[i] = be[be.length - 1 - i];
    }
    return le;
  }
}
