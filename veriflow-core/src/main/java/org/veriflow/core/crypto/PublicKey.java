package org.veriflow.core.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A validated public key: its algorithm and its on-chain encoding (32 bytes for Ed25519, 33-byte
 * compressed SEC1 point for P-256). Immutable and thread-safe; decoding happens once, at
 * construction, so verification does no parsing.
 */
public final class PublicKey {
  private final SignatureAlgorithm algorithm;
  private final byte[] encoded;
  private final AsymmetricKeyParameter params;
  /** Derived on first use; racing threads compute the same value. */
  private volatile IdentityId id;

  private PublicKey(SignatureAlgorithm algorithm, byte[] encoded, AsymmetricKeyParameter params) {
    this.algorithm = algorithm;
    this.encoded = encoded;
    this.params = params;
  }

  /**
   * Decodes an on-chain key encoding.
   *
   * @throws IllegalArgumentException if the length is wrong or the bytes are not a valid point
   */
  public static PublicKey decode(SignatureAlgorithm algorithm, byte[] encoded) {
    if (encoded.length != algorithm.publicKeyLength()) {
      throw new IllegalArgumentException(
          algorithm.label() + " public key must be " + algorithm.publicKeyLength() + " bytes, not " + encoded.length);
    }
    byte[] copy = encoded.clone();
    switch (algorithm) {
      case ED25519:
        if (!Ed25519.validatePublicKeyFull(copy, 0)) {
          throw new IllegalArgumentException("ed25519 public key is not a valid curve point");
        }
        return new PublicKey(algorithm, copy, new Ed25519PublicKeyParameters(copy, 0));
      case P256:
        if (copy[0] != 0x02 && copy[0] != 0x03) {
          throw new IllegalArgumentException("p256 public key must be a compressed SEC1 point (0x02 or 0x03 prefix)");
        }
        ECPoint q;
        try {
          q = P256.CURVE.getCurve().decodePoint(copy);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("p256 public key is not a valid curve point", e);
        }
        return new PublicKey(algorithm, copy, new ECPublicKeyParameters(q, P256.DOMAIN));
      default:
        throw new IllegalArgumentException("unsupported algorithm " + algorithm);
    }
  }

  /**
   * Decodes a DER SubjectPublicKeyInfo (X.509 SPKI) holding an Ed25519 or P-256 key.
   *
   * @throws IllegalArgumentException if the structure or the key is invalid or of another type
   */
  public static PublicKey fromSpki(byte[] spki) {
    AsymmetricKeyParameter p;
    try {
      p = PublicKeyFactory.createKey(spki);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a valid SubjectPublicKeyInfo public key", e);
    }
    return fromParameters(p);
  }

  static PublicKey fromParameters(AsymmetricKeyParameter p) {
    if (p instanceof Ed25519PublicKeyParameters ed) {
      return decode(SignatureAlgorithm.ED25519, ed.getEncoded());
    }
    if (p instanceof ECPublicKeyParameters ec) {
      if (!ec.getParameters().getCurve().equals(P256.CURVE.getCurve())) {
        throw new IllegalArgumentException("EC public key is not on P-256");
      }
      return decode(SignatureAlgorithm.P256, ec.getQ().getEncoded(true));
    }
    throw new IllegalArgumentException("unsupported public key type " + p.getClass().getSimpleName() + ": expected Ed25519 or P-256");
  }

  public SignatureAlgorithm algorithm() {
    return algorithm;
  }

  /** A copy of the on-chain encoding. */
  public byte[] encoded() {
    return encoded.clone();
  }

  /**
   * DER SubjectPublicKeyInfo; P-256 points are written uncompressed with the named-curve OID, as
   * OpenSSL writes them, so the identity id matches what other tools compute.
   */
  public byte[] spki() {
    try {
      return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(params).getEncoded("DER");
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode SubjectPublicKeyInfo", e);
    }
  }

  /** This key's identity id: {@code vf1} + hex of the first 20 bytes of SHA-256(SPKI). */
  public IdentityId id() {
    IdentityId i = id;
    if (i == null) {
      i = IdentityId.of(this);
      id = i;
    }
    return i;
  }

  /**
   * Checks {@code signature} over {@code message} exactly as given. Thread-safe.
   *
   * @return {@link SignatureCheck#VALID} or the reason it is not
   */
  public SignatureCheck verify(byte[] message, byte[] signature) {
    if (signature.length != algorithm.signatureLength()) {
      return SignatureCheck.MALFORMED_SIGNATURE;
    }
    if (algorithm == SignatureAlgorithm.ED25519) {
      boolean ok =
          ((Ed25519PublicKeyParameters) params)
              .verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
      return ok ? SignatureCheck.VALID : SignatureCheck.INVALID;
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    if (r.signum() == 0 || s.signum() == 0 || r.compareTo(P256.N) >= 0 || s.compareTo(P256.N) >= 0) {
      return SignatureCheck.MALFORMED_SIGNATURE;
    }
    if (s.compareTo(P256.HALF_N) > 0) {
      return SignatureCheck.HIGH_S;
    }
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, params);
    return verifier.verifySignature(sha256(message), r, s) ? SignatureCheck.VALID : SignatureCheck.INVALID;
  }

  /**
   * Checks a DER-encoded P-256 signature (as many secure elements emit): strict DER, then the same
   * rules as {@link #verify}, including low-S.
   *
   * @throws IllegalStateException if this is not a P-256 key
   */
  public SignatureCheck verifyDer(byte[] message, byte[] derSignature) {
    if (algorithm != SignatureAlgorithm.P256) {
      throw new IllegalStateException("DER signatures exist only for p256 keys, this key is " + algorithm.label());
    }
    byte[] p1363;
    try {
      p1363 = P256.derToP1363(derSignature);
    } catch (IllegalArgumentException e) {
      return SignatureCheck.MALFORMED_SIGNATURE;
    }
    return verify(message, p1363);
  }

  static byte[] sha256(byte[] message) {
    SHA256Digest d = new SHA256Digest();
    d.update(message, 0, message.length);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey k && k.algorithm == algorithm && Arrays.equals(k.encoded, encoded);
  }

  @Override
  public int hashCode() {
    return 31 * algorithm.hashCode() + Arrays.hashCode(encoded);
  }

  @Override
  public String toString() {
    return algorithm.label() + ":" + org.veriflow.core.Hex.encode(encoded);
  }
}
