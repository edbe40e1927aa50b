package org.veriflow.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;

class PublicKeyTest {
  /** The P-256 field prime p, big-endian. */
  private static final String P256_P = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";

  @Test
  void decode_encodedForm_equalKey() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      PublicKey key = SigningKey.generate(algorithm).publicKey();
      byte[] encoded = key.encoded();
      assertThat(encoded).hasSize(algorithm.publicKeyLength());
      PublicKey decoded = PublicKey.decode(algorithm, encoded);
      assertThat(decoded).isEqualTo(key).hasSameHashCodeAs(key);
      assertThat(decoded.algorithm()).isEqualTo(algorithm);
      encoded[1] ^= 1;
      assertThat(key.encoded()).as("encoded() returns a copy").isNotEqualTo(encoded);
    }
  }

  @Test
  void decode_wrongLength_rejectedWithLengths() {
    assertThatThrownBy(() -> PublicKey.decode(SignatureAlgorithm.ED25519, new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ed25519 public key must be 32 bytes, not 31");
    assertThatThrownBy(() -> PublicKey.decode(SignatureAlgorithm.ED25519, new byte[33]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ed25519 public key must be 32 bytes, not 33");
    byte[] p256 = SigningKey.generate(SignatureAlgorithm.P256).publicKey().encoded();
    assertThatThrownBy(() -> PublicKey.decode(SignatureAlgorithm.P256, Arrays.copyOf(p256, 32)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("p256 public key must be 33 bytes, not 32");
    assertThatThrownBy(() -> PublicKey.decode(SignatureAlgorithm.P256, new byte[65]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("p256 public key must be 33 bytes, not 65");
  }

  @Test
  void decode_p256NotCompressedOrNotOnCurve_rejected() {
    byte[] good = SigningKey.generate(SignatureAlgorithm.P256).publicKey().encoded();
    byte[] uncompressedPrefix = good.clone();
    uncompressedPrefix[0] = 0x04;
    assertThatThrownBy(() -> PublicKey.decode(SignatureAlgorithm.P256, uncompressedPrefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("compressed SEC1 point");
    byte[] zeroPrefix = good.clone();
    zeroPrefix[0] = 0x00;
    assertThatThrownBy(() -> PublicKey.decode(SignatureAlgorithm.P256, zeroPrefix)).isInstanceOf(IllegalArgumentException.class);
    // x = p is outside the field; for x = 1, x^3 - 3x + b is not a square mod p, so no point has it.
    byte[] xIsP = Hex.decode("02" + P256_P);
    assertThatThrownBy(() -> PublicKey.decode(SignatureAlgorithm.P256, xIsP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("p256 public key is not a valid curve point");
    byte[] notOnCurve = Hex.decode("02" + "00".repeat(31) + "01");
    assertThatThrownBy(() -> PublicKey.decode(SignatureAlgorithm.P256, notOnCurve))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("p256 public key is not a valid curve point");
  }

  @Test
  void decode_ed25519NonCanonicalOrSmallOrderPoint_rejected() {
    String[] bad = {
      // y = p = 2^255 - 19 (non-canonical encoding of y = 0) and y = 2^255 - 1
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      // the neutral element (y = 1) and the point of order 2 (y = -1): small order
      "0100000000000000000000000000000000000000000000000000000000000000",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      // y = p + 1, a non-canonical encoding of the neutral element
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    };
    for (String hex : bad) {
      assertThatThrownBy(() -> PublicKey.decode(SignatureAlgorithm.ED25519, Hex.decode(hex)))
          .as(hex)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("ed25519 public key is not a valid curve point");
    }
  }

  @Test
  void fromSpki_ownSpki_equalKey() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      PublicKey key = SigningKey.generate(algorithm).publicKey();
      assertThat(PublicKey.fromSpki(key.spki())).isEqualTo(key);
    }
  }

  @Test
  void spki_p256_namedCurveUncompressedPoint() {
    PublicKey key = SigningKey.generate(SignatureAlgorithm.P256).publicKey();
    String spki = Hex.encode(key.spki());
    // SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING 04 || X || Y }
    assertThat(spki).hasSize(2 * 91).startsWith("3059301306072a8648ce3d020106082a8648ce3d03010703420004");
    assertThat(spki.substring(spki.length() - 128, spki.length() - 64)).isEqualTo(Hex.encode(key.encoded()).substring(2));
  }

  @Test
  void fromSpki_garbageOrOtherKeyTypes_rejected() throws Exception {
    assertThatThrownBy(() -> PublicKey.fromSpki(new byte[] {0x30, 0x00}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a valid SubjectPublicKeyInfo public key");
    assertThatThrownBy(() -> PublicKey.fromSpki(new byte[0])).isInstanceOf(IllegalArgumentException.class);

    KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
    p384.initialize(new ECGenParameterSpec("secp384r1"));
    byte[] p384Spki = p384.generateKeyPair().getPublic().getEncoded();
    assertThatThrownBy(() -> PublicKey.fromSpki(p384Spki))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("EC public key is not on P-256");

    KeyPairGenerator x25519 = KeyPairGenerator.getInstance("X25519");
    byte[] x25519Spki = x25519.generateKeyPair().getPublic().getEncoded();
    assertThatThrownBy(() -> PublicKey.fromSpki(x25519Spki))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected Ed25519 or P-256");
  }

  @Test
  void verifyDer_ed25519Key_illegalState() {
    PublicKey key = SigningKey.generate(SignatureAlgorithm.ED25519).publicKey();
    assertThatThrownBy(() -> key.verifyDer(new byte[0], new byte[70]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("this key is ed25519");
  }

  @Test
  void verifyDer_malformedEncodings_malformedSignature() {
    PublicKey key = SigningKey.generate(SignatureAlgorithm.P256).publicKey();
    String[] malformed = {"", "30", "3000", "0500", "0201ff", "3006020101010101", "310602010102010103", "30080201010201010000"};
    for (String der : malformed) {
      assertThat(key.verifyDer(new byte[0], Hex.decode(der))).as(der).isEqualTo(SignatureCheck.MALFORMED_SIGNATURE);
    }
  }

  @Test
  void equals_differentAlgorithmOrBytes_notEqual() {
    PublicKey ed = SigningKey.ed25519FromSeed(new byte[32]).publicKey();
    byte[] otherSeed = new byte[32];
    otherSeed[0] = 1;
    PublicKey other = SigningKey.ed25519FromSeed(otherSeed).publicKey();
    assertThat(ed).isNotEqualTo(other).isNotEqualTo(SigningKey.generate(SignatureAlgorithm.P256).publicKey());
    assertThat(ed.toString()).isEqualTo("ed25519:" + Hex.encode(ed.encoded()));
  }
}
