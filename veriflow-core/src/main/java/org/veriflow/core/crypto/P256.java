package org.veriflow.core.crypto;

import java.math.BigInteger;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

/** NIST P-256 domain parameters and signature encodings; BouncyCastle stays inside this package. */
final class P256 {
  static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  static final ECNamedDomainParameters DOMAIN =
      new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, CURVE);
  static final BigInteger N = CURVE.getN();
  static final BigInteger HALF_N = N.shiftRight(1);

  private P256() {}

  static byte[] toP1363(BigInteger r, BigInteger s) {
    byte[] out = new byte[64];
    copyUnsigned(r, out, 0);
    copyUnsigned(s, out, 32);
    return out;
  }

  private static void copyUnsigned(BigInteger v, byte[] out, int offset) {
    byte[] b = v.toByteArray();
    int start = b.length > 32 ? b.length - 32 : 0;
    int len = b.length - start;
    System.arraycopy(b, start, out, offset + 32 - len, len);
  }

  /**
   * Converts a strict DER ECDSA signature (SEQUENCE of two INTEGERs, minimal encoding, no trailing
   * bytes) to 64-byte P1363 form. Does not normalise S.
   *
   * @throws IllegalArgumentException if the encoding is not strict DER or a value is out of range
   */
  static byte[] derToP1363(byte[] der) {
    BigInteger[] rs;
    try {
      rs = StandardDSAEncoding.INSTANCE.decode(N, der);
    } catch (java.io.IOException | RuntimeException e) {
      // BouncyCastle reports a wrong ASN.1 type (NULL, BOOLEAN, SET... where the SEQUENCE or an
      // INTEGER belongs) with ClassCastException and empty input with NullPointerException; bytes
      // from the network must only ever be "malformed" (Wycheproof ecdsa_secp256r1_sha256_test
      // cases 21, 37, 94 and the InvalidTypesInSignature group, among others).
      throw new IllegalArgumentException("malformed DER ECDSA signature", e);
    }
    return toP1363(rs[0], rs[1]);
  }
}
