package org.veriflow.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;
import org.veriflow.core.testing.Bytes;

class SigningKeyTest {
  private static final BigInteger HALF_N = Bytes.P256_N.shiftRight(1);
  private static final byte[] MESSAGE = "transfer 10 to vf1...".getBytes(StandardCharsets.UTF_8);

  @Test
  void sign_thenVerify_validForBothAlgorithms() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      SigningKey key = SigningKey.generate(algorithm);
      byte[] sig = key.sign(MESSAGE);
      assertThat(sig).as(algorithm.label()).hasSize(algorithm.signatureLength());
      assertThat(key.publicKey().verify(MESSAGE, sig)).as(algorithm.label()).isEqualTo(SignatureCheck.VALID);
      assertThat(key.publicKey().verify(new byte[0], key.sign(new byte[0]))).isEqualTo(SignatureCheck.VALID);
    }
  }

  @Test
  void verify_modifiedMessage_invalid() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      SigningKey key = SigningKey.generate(algorithm);
      byte[] sig = key.sign(MESSAGE);
      for (int bit = 0; bit < MESSAGE.length * 8; bit += 13) {
        assertThat(key.publicKey().verify(Bytes.flipBit(MESSAGE, bit), sig)).as(algorithm.label() + " bit " + bit).isEqualTo(SignatureCheck.INVALID);
      }
      assertThat(key.publicKey().verify(Arrays.copyOf(MESSAGE, MESSAGE.length + 1), sig)).isEqualTo(SignatureCheck.INVALID);
      assertThat(key.publicKey().verify(Arrays.copyOf(MESSAGE, MESSAGE.length - 1), sig)).isEqualTo(SignatureCheck.INVALID);
    }
  }

  @Test
  void verify_modifiedSignature_notValid() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      SigningKey key = SigningKey.generate(algorithm);
      byte[] sig = key.sign(MESSAGE);
      for (int bit = 0; bit < sig.length * 8; bit++) {
        SignatureCheck check = key.publicKey().verify(MESSAGE, Bytes.flipBit(sig, bit));
        assertThat(check).as(algorithm.label() + " bit " + bit).isNotEqualTo(SignatureCheck.VALID);
      }
    }
  }

  @Test
  void verify_otherKeysSignature_invalid() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      byte[] sig = SigningKey.generate(algorithm).sign(MESSAGE);
      assertThat(SigningKey.generate(algorithm).publicKey().verify(MESSAGE, sig)).isEqualTo(SignatureCheck.INVALID);
    }
  }

  @Test
  void sign_sameMessageTwice_sameSignature() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      SigningKey key = SigningKey.generate(algorithm);
      assertThat(key.sign(MESSAGE)).as(algorithm.label()).isEqualTo(key.sign(MESSAGE.clone()));
      assertThat(key.sign(MESSAGE)).isNotEqualTo(key.sign(new byte[0]));
    }
  }

  @Test
  void sign_p256ManyMessages_alwaysLowS() {
    SigningKey key = SigningKey.generate(SignatureAlgorithm.P256);
    for (int i = 0; i < 200; i++) {
      byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
      BigInteger s = Bytes.p1363S(key.sign(message));
      assertThat(s).as("s of message %d", i).isLessThanOrEqualTo(HALF_N).isPositive();
    }
  }

  /**
   * RFC 6979 appendix A.2.5 (P-256, SHA-256): the nonce is deterministic, so r must be the RFC's; for
   * "sample" the RFC's s is above n/2 and must come out as n - s, for "test" it is already low.
   */
  @Test
  void sign_p256Rfc6979Vectors_rfcRAndLowS() throws Exception {
    SigningKey key = p256FromPrivateScalar(new BigInteger("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721", 16));
    assertThat(Hex.encode(key.publicKey().encoded()))
        .isEqualTo("03" + "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6");

    byte[] sample = key.sign("sample".getBytes(StandardCharsets.US_ASCII));
    BigInteger rfcSampleS = new BigInteger("f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8", 16);
    assertThat(rfcSampleS).isGreaterThan(HALF_N);
    assertThat(Hex.encode(sample))
        .isEqualTo("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716" + String.format("%064x", Bytes.P256_N.subtract(rfcSampleS)));

    byte[] test = key.sign("test".getBytes(StandardCharsets.US_ASCII));
    assertThat(Hex.encode(test))
        .isEqualTo("f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367"
            + "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083");
  }

  @Test
  void verify_highSTwinOfValidSignature_highS() {
    SigningKey key = SigningKey.generate(SignatureAlgorithm.P256);
    for (int i = 0; i < 20; i++) {
      byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
      byte[] sig = key.sign(message);
      byte[] twin = Bytes.p1363(Bytes.p1363R(sig), Bytes.P256_N.subtract(Bytes.p1363S(sig)));
      assertThat(key.publicKey().verify(message, sig)).isEqualTo(SignatureCheck.VALID);
      assertThat(key.publicKey().verify(message, twin)).isEqualTo(SignatureCheck.HIGH_S);
      assertThat(key.publicKey().verifyDer(message, Bytes.rsToDer(Bytes.p1363R(twin), Bytes.p1363S(twin)))).isEqualTo(SignatureCheck.HIGH_S);
    }
  }

  @Test
  void verify_p256ROrSOutOfRange_malformed() {
    SigningKey key = SigningKey.generate(SignatureAlgorithm.P256);
    byte[] sig = key.sign(MESSAGE);
    BigInteger r = Bytes.p1363R(sig);
    BigInteger s = Bytes.p1363S(sig);
    BigInteger n = Bytes.P256_N;
    BigInteger[][] bad = {{BigInteger.ZERO, s}, {r, BigInteger.ZERO}, {n, s}, {r, n}, {r.add(n), s}, {r, s.add(n)}};
    for (BigInteger[] rs : bad) {
      if (rs[0].bitLength() > 256 || rs[1].bitLength() > 256) {
        continue;
      }
      assertThat(key.publicKey().verify(MESSAGE, Bytes.p1363(rs[0], rs[1])))
          .as("r=%x s=%x", rs[0], rs[1])
          .isEqualTo(SignatureCheck.MALFORMED_SIGNATURE);
    }
    byte[] allOnes = new byte[64];
    Arrays.fill(allOnes, (byte) 0xff);
    assertThat(key.publicKey().verify(MESSAGE, allOnes)).isEqualTo(SignatureCheck.MALFORMED_SIGNATURE);
  }

  @Test
  void verify_wrongLengthSignature_malformed() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      SigningKey key = SigningKey.generate(algorithm);
      byte[] sig = key.sign(MESSAGE);
      for (byte[] wrong : new byte[][] {new byte[0], Arrays.copyOf(sig, 63), Arrays.copyOf(sig, 65), Arrays.copyOf(sig, 128)}) {
        assertThat(key.publicKey().verify(MESSAGE, wrong))
            .as(algorithm.label() + " " + wrong.length + " bytes")
            .isEqualTo(SignatureCheck.MALFORMED_SIGNATURE);
      }
    }
  }

  /** RFC 8032 section 5.1.7: S must be below L; S + L is the classic malleated twin and must fail. */
  @Test
  void verify_ed25519SPlusGroupOrder_invalid() {
    BigInteger l = BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
    SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
    byte[] sig = key.sign(MESSAGE);
    BigInteger s = new BigInteger(1, reverse(Arrays.copyOfRange(sig, 32, 64)));
    assertThat(s).isLessThan(l);
    byte[] malleated = sig.clone();
    System.arraycopy(reverse(fixed32(s.add(l))), 0, malleated, 32, 32);
    assertThat(key.publicKey().verify(MESSAGE, malleated)).isEqualTo(SignatureCheck.INVALID);
    byte[] sEqualsL = sig.clone();
    System.arraycopy(reverse(fixed32(l)), 0, sEqualsL, 32, 32);
    assertThat(key.publicKey().verify(MESSAGE, sEqualsL)).isEqualTo(SignatureCheck.INVALID);
  }

  /** RFC 8032 section 7.1, tests 1 to 3: public key from the secret, and the signature. */
  @Test
  void sign_rfc8032TestVectors_expectedKeyAndSignature() {
    String[][] vectors = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    };
    for (String[] v : vectors) {
      SigningKey key = SigningKey.ed25519FromSeed(Hex.decode(v[0]));
      assertThat(Hex.encode(key.publicKey().encoded())).isEqualTo(v[1]);
      assertThat(Hex.encode(key.sign(Hex.decode(v[2])))).isEqualTo(v[3]);
      assertThat(key.publicKey().verify(Hex.decode(v[2]), Hex.decode(v[3]))).isEqualTo(SignatureCheck.VALID);
    }
  }

  @Test
  void ed25519FromSeed_wrongLength_rejected() {
    assertThatThrownBy(() -> SigningKey.ed25519FromSeed(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ed25519 seed must be 32 bytes, not 31");
    assertThatThrownBy(() -> SigningKey.ed25519FromSeed(new byte[64])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromPkcs8_roundTrip_sameKeyAndSignatures() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      SigningKey key = SigningKey.generate(algorithm);
      SigningKey copy = SigningKey.fromPkcs8(key.pkcs8());
      assertThat(copy.publicKey()).isEqualTo(key.publicKey());
      assertThat(copy.algorithm()).isEqualTo(algorithm);
      assertThat(copy.id()).isEqualTo(key.id());
      assertThat(copy.sign(MESSAGE)).isEqualTo(key.sign(MESSAGE));
    }
  }

  @Test
  void fromPkcs8_garbage_rejected() {
    assertThatThrownBy(() -> SigningKey.fromPkcs8(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a valid PKCS#8 private key");
    assertThatThrownBy(() -> SigningKey.fromPkcs8(new byte[0])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toString_signingKey_showsAlgorithmAndIdOnly() {
    SigningKey key = SigningKey.ed25519FromSeed(new byte[32]);
    assertThat(key.toString()).isEqualTo("SigningKey[ed25519, " + key.id() + "]");
  }

  /** A P-256 signing key from its private scalar, through the JDK's PKCS#8 encoding. */
  static SigningKey p256FromPrivateScalar(BigInteger d) throws Exception {
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec("secp256r1"));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    byte[] pkcs8 = KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, spec)).getEncoded();
    return SigningKey.fromPkcs8(pkcs8);
  }

  private static byte[] fixed32(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, 32 - len, len);
    return out;
  }

  private static byte[] reverse(byte[] in) {
    byte[] out = new byte[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = in[in.length - 1 - i];
    }
    return out;
  }
}
