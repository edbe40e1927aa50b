package org.veriflow.core.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;

/**
 * A private key with its public half. Signatures are deterministic: Ed25519 by construction (RFC
 * 8032), P-256 with RFC 6979 nonces, normalised to low-S. Thread-safe.
 */
public final class SigningKey {
  /** id-Ed25519, RFC 8410 section 3. */
  private static final ASN1ObjectIdentifier ID_ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

  private final AsymmetricKeyParameter privateParams;
  private final PublicKey publicKey;

  private SigningKey(AsymmetricKeyParameter privateParams, PublicKey publicKey) {
    this.privateParams = privateParams;
    this.publicKey = publicKey;
  }

  /** A new random key from {@code random}. */
  public static SigningKey generate(SignatureAlgorithm algorithm, SecureRandom random) {
    if (algorithm == SignatureAlgorithm.ED25519) {
      return fromParameters(new Ed25519PrivateKeyParameters(random));
    }
    ECKeyPairGenerator gen = new ECKeyPairGenerator();
    gen.init(new ECKeyGenerationParameters(P256.DOMAIN, random));
    AsymmetricCipherKeyPair pair = gen.generateKeyPair();
    return fromParameters(pair.getPrivate());
  }

  /** A new key from a fresh {@link SecureRandom}. */
  public static SigningKey generate(SignatureAlgorithm algorithm) {
    return generate(algorithm, new SecureRandom());
  }

  /**
   * An Ed25519 key from its 32-byte seed (RFC 8032 private key); used for fixed test identities.
   *
   * @throws IllegalArgumentException if {@code seed} is not 32 bytes
   */
  public static SigningKey ed25519FromSeed(byte[] seed) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("ed25519 seed must be 32 bytes, not " + seed.length);
    }
    return fromParameters(new Ed25519PrivateKeyParameters(seed, 0));
  }

  /**
   * Decodes a DER PKCS#8 PrivateKeyInfo holding an Ed25519 or P-256 key.
   *
   * @throws IllegalArgumentException if the structure is invalid or the key of another type
   */
  public static SigningKey fromPkcs8(byte[] der) {
    AsymmetricKeyParameter p;
    try {
      p = PrivateKeyFactory.createKey(der);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a valid PKCS#8 private key", e);
    }
    return fromParameters(p);
  }

  private static SigningKey fromParameters(AsymmetricKeyParameter p) {
    if (p instanceof Ed25519PrivateKeyParameters ed) {
      return new SigningKey(ed, PublicKey.fromParameters(ed.generatePublicKey()));
    }
    if (p instanceof ECPrivateKeyParameters ec) {
      if (!ec.getParameters().getCurve().equals(P256.CURVE.getCurve())) {
        throw new IllegalArgumentException("EC private key is not on P-256");
      }
      ECPrivateKeyParameters named = new ECPrivateKeyParameters(ec.getD(), P256.DOMAIN);
      ECPublicKeyParameters pub =
          new ECPublicKeyParameters(P256.DOMAIN.getG().multiply(ec.getD()).normalize(), P256.DOMAIN);
      return new SigningKey(named, PublicKey.fromParameters(pub));
    }
    throw new IllegalArgumentException("unsupported private key type " + p.getClass().getSimpleName() + ": expected Ed25519 or P-256");
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  public SignatureAlgorithm algorithm() {
    return publicKey.algorithm();
  }

  public IdentityId id() {
    return publicKey.id();
  }

  /** Signs {@code message} exactly as given. */
  public byte[] sign(byte[] message) {
    if (privateParams instanceof Ed25519PrivateKeyParameters) {
      Ed25519Signer signer = new Ed25519Signer();
      signer.init(true, privateParams);
      signer.update(message, 0, message.length);
      return signer.generateSignature();
    }
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, privateParams);
    BigInteger[] rs = signer.generateSignature(PublicKey.sha256(message));
    BigInteger s = rs[1].compareTo(P256.HALF_N) > 0 ? P256.N.subtract(rs[1]) : rs[1];
    return P256.toP1363(rs[0], s);
  }

  /**
   * DER PKCS#8 PrivateKeyInfo. Secret material: handle with care. Ed25519 keys are written as RFC
   * 8410 section 7 shows and as OpenSSL and the JDK write them: version 0, without the optional
   * public key. (BouncyCastle's factory writes the RFC 5958 version 1 form with the public key,
   * which OpenSSL 3.0 refuses to read.)
   */
  public byte[] pkcs8() {
    try {
      if (privateParams instanceof Ed25519PrivateKeyParameters ed) {
        return new PrivateKeyInfo(new AlgorithmIdentifier(ID_ED25519), new DEROctetString(ed.getEncoded()))
            .getEncoded("DER");
      }
      return PrivateKeyInfoFactory.createPrivateKeyInfo(privateParams).getEncoded("DER");
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode PKCS#8 private key", e);
    }
  }

  @Override
  public String toString() {
    return "SigningKey[" + publicKey.algorithm().label() + ", " + id() + "]";
  }
}
