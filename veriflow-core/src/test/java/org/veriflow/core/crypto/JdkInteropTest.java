package org.veriflow.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;
import org.veriflow.core.testing.Bytes;

/** Keys and signatures made by the JDK's own providers, read and checked by Veriflow, and back. */
class JdkInteropTest {
  @Test
  void p256JdkKeyPair_readFromPkcs8AndX509_sameKeyAndId() throws Exception {
    KeyPair pair = jdkP256();
    SigningKey key = SigningKey.fromPkcs8(pair.getPrivate().getEncoded());
    PublicKey pub = PublicKey.fromSpki(pair.getPublic().getEncoded());
    assertThat(key.publicKey()).isEqualTo(pub);
    assertThat(pub.spki()).isEqualTo(pair.getPublic().getEncoded());
    assertThat(pub.id().value()).isEqualTo(idOfDer(pair.getPublic().getEncoded()));
  }

  /**
   * The JDK's SHA256withECDSA emits DER with a random nonce, so s is high about half the time:
   * verifyDer reports HIGH_S exactly then, and the normalised {@code r || min(s, n - s)} is VALID.
   */
  @Test
  void p256JdkSignature_normalised_valid() throws Exception {
    KeyPair pair = jdkP256();
    PublicKey pub = PublicKey.fromSpki(pair.getPublic().getEncoded());
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(pair.getPrivate());
    int highS = 0;
    int lowS = 0;
    for (int i = 0; i < 200 && (highS < 3 || lowS < 3); i++) {
      byte[] message = ("jdk message " + i).getBytes(StandardCharsets.UTF_8);
      signer.update(message);
      byte[] der = signer.sign();
      BigInteger[] rs = Bytes.derToRs(der);
      boolean high = rs[1].compareTo(Bytes.P256_N.shiftRight(1)) > 0;
      if (high) {
        highS++;
      } else {
        lowS++;
      }
      assertThat(pub.verifyDer(message, der)).as("DER %d", i).isEqualTo(high ? SignatureCheck.HIGH_S : SignatureCheck.VALID);
      byte[] normalised = Bytes.p1363(rs[0], rs[1].min(Bytes.P256_N.subtract(rs[1])));
      assertThat(pub.verify(message, normalised)).as("normalised %d", i).isEqualTo(SignatureCheck.VALID);
      assertThat(pub.verify(Bytes.modifiedMessage(message), normalised)).isEqualTo(SignatureCheck.INVALID);
    }
    assertThat(highS).as("high-S signatures seen").isGreaterThanOrEqualTo(3);
    assertThat(lowS).as("low-S signatures seen").isGreaterThanOrEqualTo(3);
  }

  @Test
  void p256VeriflowSignature_verifiedByJdk() throws Exception {
    KeyPair pair = jdkP256();
    SigningKey key = SigningKey.fromPkcs8(pair.getPrivate().getEncoded());
    byte[] message = "signed by veriflow".getBytes(StandardCharsets.UTF_8);
    byte[] sig = key.sign(message);
    Signature p1363 = Signature.getInstance("SHA256withECDSAinP1363Format");
    p1363.initVerify(pair.getPublic());
    p1363.update(message);
    assertThat(p1363.verify(sig)).isTrue();
    Signature der = Signature.getInstance("SHA256withECDSA");
    der.initVerify(pair.getPublic());
    der.update(Bytes.modifiedMessage(message));
    assertThat(der.verify(Bytes.rsToDer(Bytes.p1363R(sig), Bytes.p1363S(sig)))).isFalse();
  }

  @Test
  void ed25519JdkKeyPair_readFromPkcs8AndX509_sameKeyAndId() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    SigningKey key = SigningKey.fromPkcs8(pair.getPrivate().getEncoded());
    PublicKey pub = PublicKey.fromSpki(pair.getPublic().getEncoded());
    assertThat(key.publicKey()).isEqualTo(pub);
    assertThat(pub.spki()).isEqualTo(pair.getPublic().getEncoded());
    assertThat(pub.id().value()).isEqualTo(idOfDer(pair.getPublic().getEncoded()));
  }

  /** Ed25519 is deterministic (RFC 8032), so the JDK and Veriflow must produce the same bytes. */
  @Test
  void ed25519JdkSignature_validAndIdenticalToOurs() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    SigningKey key = SigningKey.fromPkcs8(pair.getPrivate().getEncoded());
    PublicKey pub = PublicKey.fromSpki(pair.getPublic().getEncoded());
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(pair.getPrivate());
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(pair.getPublic());
    for (int i = 0; i < 10; i++) {
      byte[] message = ("jdk message " + i).getBytes(StandardCharsets.UTF_8);
      signer.update(message);
      byte[] jdkSig = signer.sign();
      assertThat(pub.verify(message, jdkSig)).isEqualTo(SignatureCheck.VALID);
      assertThat(pub.verify(Bytes.modifiedMessage(message), jdkSig)).isEqualTo(SignatureCheck.INVALID);
      assertThat(pub.verify(message, Bytes.flipBit(jdkSig, 7))).isNotEqualTo(SignatureCheck.VALID);
      byte[] ours = key.sign(message);
      assertThat(ours).isEqualTo(jdkSig);
      verifier.update(message);
      assertThat(verifier.verify(ours)).isTrue();
    }
  }

  @Test
  void veriflowPkcs8AndSpki_readByJdk_sameKeys() throws Exception {
    byte[] message = "key file round trip".getBytes(StandardCharsets.UTF_8);

    SigningKey ed = SigningKey.generate(SignatureAlgorithm.ED25519);
    KeyFactory edFactory = KeyFactory.getInstance("Ed25519");
    Signature edSigner = Signature.getInstance("Ed25519");
    edSigner.initSign(edFactory.generatePrivate(new PKCS8EncodedKeySpec(ed.pkcs8())));
    edSigner.update(message);
    assertThat(edSigner.sign()).isEqualTo(ed.sign(message));
    Signature edVerifier = Signature.getInstance("Ed25519");
    edVerifier.initVerify(edFactory.generatePublic(new X509EncodedKeySpec(ed.publicKey().spki())));
    edVerifier.update(message);
    assertThat(edVerifier.verify(ed.sign(message))).isTrue();

    SigningKey p256 = SigningKey.generate(SignatureAlgorithm.P256);
    KeyFactory ecFactory = KeyFactory.getInstance("EC");
    Signature ecSigner = Signature.getInstance("SHA256withECDSAinP1363Format");
    ecSigner.initSign(ecFactory.generatePrivate(new PKCS8EncodedKeySpec(p256.pkcs8())));
    ecSigner.update(message);
    byte[] jdkSig = ecSigner.sign();
    byte[] normalised = Bytes.p1363(Bytes.p1363R(jdkSig), Bytes.p1363S(jdkSig).min(Bytes.P256_N.subtract(Bytes.p1363S(jdkSig))));
    assertThat(p256.publicKey().verify(message, normalised)).isEqualTo(SignatureCheck.VALID);
    Signature ecVerifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    ecVerifier.initVerify(ecFactory.generatePublic(new X509EncodedKeySpec(p256.publicKey().spki())));
    ecVerifier.update(message);
    assertThat(ecVerifier.verify(p256.sign(message))).isTrue();
  }

  private static KeyPair jdkP256() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    return gen.generateKeyPair();
  }

  private static String idOfDer(byte[] spki) throws Exception {
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(spki);
    return "vf1" + Hex.encode(Arrays.copyOf(digest, 20));
  }
}
