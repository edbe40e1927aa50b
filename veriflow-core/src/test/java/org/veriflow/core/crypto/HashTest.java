package org.veriflow.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashTest {
  private static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void sha256_fipsExamples_knownDigests() {
    // FIPS 180-2 appendix B.1 ("abc") and the digest of the empty string.
    assertThat(Hash.sha256("abc".getBytes(StandardCharsets.US_ASCII)).hex()).isEqualTo(ABC_SHA256);
    assertThat(Hash.sha256(new byte[0]).hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void sha256_parts_equalsDigestOfConcatenation() {
    byte[] a = {'a'};
    byte[] bc = {'b', 'c'};
    assertThat(Hash.sha256(a, bc).hex()).isEqualTo(ABC_SHA256);
    assertThat(Hash.sha256(bc, a)).isNotEqualTo(Hash.sha256(a, bc));
  }

  @Test
  void of_wrongLength_rejectedWithLength() {
    assertThatThrownBy(() -> Hash.of(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SHA-256 hash must be 32 bytes, not 31");
    assertThatThrownBy(() -> Hash.of(new byte[33]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SHA-256 hash must be 32 bytes, not 33");
    assertThatThrownBy(() -> Hash.of(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SHA-256 hash must be 32 bytes, not 0");
  }

  @Test
  void fromHex_wrongLengthOrNonHex_rejected() {
    assertThatThrownBy(() -> Hash.fromHex(ABC_SHA256.substring(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SHA-256 hash must be 64 hex characters, not 63");
    assertThatThrownBy(() -> Hash.fromHex(ABC_SHA256 + "00"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SHA-256 hash must be 64 hex characters, not 66");
    assertThatThrownBy(() -> Hash.fromHex("zz" + ABC_SHA256.substring(2))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hex_roundTrip_sameHashAndLowerCase() {
    Hash h = Hash.fromHex(ABC_SHA256.toUpperCase(java.util.Locale.ROOT));
    assertThat(h.hex()).isEqualTo(ABC_SHA256);
    assertThat(h.toString()).isEqualTo(ABC_SHA256);
    assertThat(Hash.fromHex(h.hex())).isEqualTo(h);
    assertThat(Hash.of(h.bytes())).isEqualTo(h);
  }

  @Test
  void equals_sameBytes_equalWithSameHashCode() {
    Hash a = Hash.fromHex(ABC_SHA256);
    Hash b = Hash.sha256("abc".getBytes(StandardCharsets.US_ASCII));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    byte[] other = a.bytes();
    other[31] ^= 1;
    assertThat(Hash.of(other)).isNotEqualTo(a);
    assertThat(a).isNotEqualTo(ABC_SHA256);
  }

  @Test
  void bytes_mutatedInputOrOutput_hashUnchanged() {
    byte[] input = Hash.fromHex(ABC_SHA256).bytes();
    Hash h = Hash.of(input);
    input[0] ^= 1;
    byte[] output = h.bytes();
    output[1] ^= 1;
    assertThat(h.hex()).isEqualTo(ABC_SHA256);
  }

  @Test
  void compareTo_highBitSet_ordersUnsigned() {
    byte[] low = new byte[32];
    low[0] = 0x7f;
    byte[] high = new byte[32];
    high[0] = (byte) 0x80;
    assertThat(Hash.of(low)).isLessThan(Hash.of(high));
    assertThat(Hash.ZERO).isLessThan(Hash.of(low));
    assertThat(Hash.of(low).compareTo(Hash.of(low.clone()))).isZero();
  }

  @Test
  void zero_constant_isThirtyTwoZeroBytes() {
    assertThat(Hash.ZERO.bytes()).hasSize(32).containsOnly(0);
  }

  @Test
  void updateDigest_feedsTheBytes_sameAsRehashingThem() {
    Hash h = Hash.fromHex(ABC_SHA256);
    java.security.MessageDigest md = Hash.digest();
    h.updateDigest(md);
    assertThat(Hash.of(md.digest())).isEqualTo(Hash.sha256(h.bytes()));
  }
}
