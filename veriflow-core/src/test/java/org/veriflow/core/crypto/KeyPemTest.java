package org.veriflow.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;
import org.veriflow.core.testing.Bytes;

class KeyPemTest {
  /** Test-only keys written by OpenSSL 3.0 ({@code openssl genpkey}, {@code openssl pkey -pubout}). */
  private static final String OPENSSL_P256_PRIVATE =
      """
      -----BEGIN PRIVATE KEY-----
      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4Q58TAU3x+iququ6
      EudiPwu5RAdKycu7soBptfS6svyhRANCAASb5yak8sZuR7Iy7gklxEma26I8fmMf
      E5Q/MKOwOe5osDggvEtBvh26iDmux3g+LXr4ySqnKO9ibUrE+Bjm0dQ+
      -----END PRIVATE KEY-----
      """;
  private static final String OPENSSL_P256_PUBLIC =
      """
      -----BEGIN PUBLIC KEY-----
      MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEm+cmpPLGbkeyMu4JJcRJmtuiPH5j
      HxOUPzCjsDnuaLA4ILxLQb4duog5rsd4Pi16+MkqpyjvYm1KxPgY5tHUPg==
      -----END PUBLIC KEY-----
      """;
  private static final String OPENSSL_ED25519_PRIVATE =
      """
      -----BEGIN PRIVATE KEY-----
      MC4CAQAwBQYDK2VwBCIEIJjmU8db24WW5VO+SUhQ0V5hLpVsbOIdpMrbwHEdtELK
      -----END PRIVATE KEY-----
      """;
  private static final String OPENSSL_ED25519_PUBLIC =
      """
      -----BEGIN PUBLIC KEY-----
      MCowBQYDK2VwAyEABRGFltxkboBw3YYmaMz8jdnDeJLavOb8gxSkJZ/Tg4k=
      -----END PUBLIC KEY-----
      """;
  private static final byte[] OPENSSL_MESSAGE = "signed by openssl".getBytes(StandardCharsets.US_ASCII);

  @Test
  void encodePrivate_thenDecodePrivate_sameKey() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      SigningKey key = SigningKey.generate(algorithm);
      String pem = KeyPem.encodePrivate(key);
      assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
      SigningKey decoded = KeyPem.decodePrivate(pem);
      assertThat(decoded.publicKey()).isEqualTo(key.publicKey());
      byte[] message = {1, 2, 3};
      assertThat(decoded.sign(message)).isEqualTo(key.sign(message));
    }
  }

  @Test
  void encodePublic_thenDecodePublic_sameKey() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      PublicKey key = SigningKey.generate(algorithm).publicKey();
      String pem = KeyPem.encodePublic(key);
      assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
      assertThat(KeyPem.decodePublic(pem)).isEqualTo(key);
    }
  }

  @Test
  void decodePublic_privateKeyPem_yieldsPublicHalf() {
    for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
      SigningKey key = SigningKey.generate(algorithm);
      assertThat(KeyPem.decodePublic(KeyPem.encodePrivate(key))).isEqualTo(key.publicKey());
    }
  }

  @Test
  void decodePrivate_publicKeyPem_rejectedNamingBlockType() {
    String publicPem = KeyPem.encodePublic(SigningKey.generate(SignatureAlgorithm.ED25519).publicKey());
    assertThatThrownBy(() -> KeyPem.decodePrivate(publicPem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a PEM 'PRIVATE KEY' block, found 'PUBLIC KEY'");
  }

  @Test
  void decode_opensslP256Keys_samePublicKeyAndSignatureVerifies() {
    SigningKey key = KeyPem.decodePrivate(OPENSSL_P256_PRIVATE);
    PublicKey pub = KeyPem.decodePublic(OPENSSL_P256_PUBLIC);
    assertThat(key.publicKey()).isEqualTo(pub);
    assertThat(Hex.encode(pub.encoded())).isEqualTo("029be726a4f2c66e47b232ee0925c4499adba23c7e631f13943f30a3b039ee68b0");
    // sha256 of `openssl pkey -pubout -outform DER`, first 20 bytes
    assertThat(pub.id().value()).isEqualTo("vf12cd7cbecde4808bd46274afc1cc0303a836808a5");

    // `openssl dgst -sha256 -sign`: DER, and this one happens to be high-S
    byte[] der = Hex.decode("3046022100eb904e8e45271b3f1872e9c2077d16b8cebf48d65ef081928520d553286ea1e4"
        + "022100cae6472e6935a76adb7b8bc81f737d6efe6613cca3a5b288d49bdaa31eb8674b");
    assertThat(pub.verifyDer(OPENSSL_MESSAGE, der)).isEqualTo(SignatureCheck.HIGH_S);
    java.math.BigInteger[] rs = Bytes.derToRs(der);
    byte[] lowS = Bytes.p1363(rs[0], Bytes.P256_N.subtract(rs[1]));
    assertThat(pub.verify(OPENSSL_MESSAGE, lowS)).isEqualTo(SignatureCheck.VALID);
    assertThat(pub.verify(Bytes.modifiedMessage(OPENSSL_MESSAGE), lowS)).isEqualTo(SignatureCheck.INVALID);
  }

  @Test
  void decode_opensslEd25519Keys_samePublicKeyAndSignatureVerifies() {
    SigningKey key = KeyPem.decodePrivate(OPENSSL_ED25519_PRIVATE);
    PublicKey pub = KeyPem.decodePublic(OPENSSL_ED25519_PUBLIC);
    assertThat(key.publicKey()).isEqualTo(pub);
    assertThat(pub.id().value()).isEqualTo("vf1c4eb20291e75659947270cda71b892f9f9555bb2");
    // `openssl pkeyutl -sign -rawin`; Ed25519 is deterministic, so ours is byte for byte the same
    String opensslSig = "a6c46981dd92110e8d520780a1728dae28a8882d3099556b85c8edf295229452"
        + "f1c4dbb94451f711536cff04e36fc9fe40558fdd4cca257cdf36bc9096848309";
    assertThat(Hex.encode(key.sign(OPENSSL_MESSAGE))).isEqualTo(opensslSig);
    assertThat(pub.verify(OPENSSL_MESSAGE, Hex.decode(opensslSig))).isEqualTo(SignatureCheck.VALID);
    assertThat(pub.verify(Bytes.modifiedMessage(OPENSSL_MESSAGE), Hex.decode(opensslSig))).isEqualTo(SignatureCheck.INVALID);
  }

  @Test
  void decode_garbage_illegalArgumentWithClearMessage() {
    String[][] cases = {
      {"", "no PEM block found"},
      {"hello, world", "no PEM block found"},
      {"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEm+cmpPLGbkeyMu4JJcRJmtuiPH5j\n", "malformed PEM"},
      {"-----BEGIN PUBLIC KEY-----\n!!!! not base64 ****\n-----END PUBLIC KEY-----\n", "malformed PEM"},
      {"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "not a valid SubjectPublicKeyInfo public key"},
      {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "expected a PEM public or private key, found 'CERTIFICATE'"},
      {"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a valid PKCS#8 private key"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> KeyPem.decodePublic(c[0]))
          .as("decodePublic of %s", c[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[1]);
    }
    assertThatThrownBy(() -> KeyPem.decodePrivate("-----BEGIN PRIVATE KEY-----\n%%%%\n-----END PRIVATE KEY-----\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed PEM");
    assertThatThrownBy(() -> KeyPem.decodePrivate("garbage"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no PEM block found");
  }
}
