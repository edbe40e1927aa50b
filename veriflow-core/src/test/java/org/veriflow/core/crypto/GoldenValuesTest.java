package org.veriflow.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;

/**
 * Pinned outputs of Veriflow's own key formats for one fixed Ed25519 key, seed {@code 00 01 .. 1f}.
 * The values were cross-checked with OpenSSL 3.0 (through Python's {@code cryptography}). A change
 * here changes every identity id or key file in the field: make it only on purpose and say so in the
 * commit.
 */
class GoldenValuesTest {
  private static final byte[] SEED = Hex.decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  private static final byte[] MESSAGE = "veriflow golden message v1".getBytes(StandardCharsets.UTF_8);

  @Test
  void ed25519FromSeed_fixedSeed_pinnedPublicKeyAndId() {
    SigningKey key = SigningKey.ed25519FromSeed(SEED);
    assertThat(Hex.encode(key.publicKey().encoded())).isEqualTo("03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8");
    assertThat(Hex.encode(key.publicKey().spki()))
        .isEqualTo("302a300506032b6570032100" + "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8");
    assertThat(key.id()).isEqualTo(new IdentityId("vf1a050837d85070582ccf7394b0988847cc312cb88"));
  }

  @Test
  void sign_fixedKeyAndMessage_pinnedSignature() {
    SigningKey key = SigningKey.ed25519FromSeed(SEED);
    String expected = "df537c445be010091c7aa6ba388a7fc6aa3fb813c456847ffe2391cd650f4896"
        + "ef890118f204df9f5ce9c2b8a1f5c1bfb81b2fa0f3113829218f9e3d881a6d09";
    assertThat(Hex.encode(MESSAGE)).isEqualTo("76657269666c6f7720676f6c64656e206d657373616765207631");
    assertThat(Hex.encode(key.sign(MESSAGE))).isEqualTo(expected);
    assertThat(key.publicKey().verify(MESSAGE, Hex.decode(expected))).isEqualTo(SignatureCheck.VALID);
  }

  @Test
  void pkcs8_fixedKey_pinnedDer() {
    SigningKey key = SigningKey.ed25519FromSeed(SEED);
    // RFC 8410 section 7 form (version 0, no public key): byte for byte what OpenSSL writes
    assertThat(Hex.encode(key.pkcs8())).isEqualTo("302e020100300506032b657004220420" + Hex.encode(SEED));
  }
}
