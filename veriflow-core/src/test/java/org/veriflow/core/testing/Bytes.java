package org.veriflow.core.testing;

import java.math.BigInteger;
import java.util.Arrays;

/** Byte-level helpers for building negative cases and converting ECDSA signature encodings. */
public final class Bytes {
  /** Order n of the NIST P-256 base point (FIPS 186-4 D.1.2.3), written out here independently. */
  public static final BigInteger P256_N =
      new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

  private Bytes() {}

  /** A copy of {@code in} with bit {@code bit} (0 = lowest bit of byte 0) inverted. */
  public static byte[] flipBit(byte[] in, int bit) {
    byte[] out = in.clone();
    out[bit / 8] ^= (byte) (1 << (bit % 8));
    return out;
  }

  /** A different message: one bit flipped, or a single byte if {@code message} is empty. */
  public static byte[] modifiedMessage(byte[] message) {
    return message.length == 0 ? new byte[] {0} : flipBit(message, 0);
  }

  /** {@code r || s} as two 32-byte big-endian integers (IEEE P1363). */
  public static byte[] p1363(BigInteger r, BigInteger s) {
    byte[] out = new byte[64];
    put32(r, out, 0);
    put32(s, out, 32);
    return out;
  }

  public static BigInteger p1363R(byte[] sig) {
    return new BigInteger(1, Arrays.copyOfRange(sig, 0, 32));
  }

  public static BigInteger p1363S(byte[] sig) {
    return new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
  }

  /**
   * Reads {@code SEQUENCE { INTEGER r, INTEGER s }} in short-form DER, as every ECDSA P-256 signature
   * in DER is, and returns {r, s}.
   *
   * @throws IllegalArgumentException if the bytes are not of that form
   */
  public static BigInteger[] derToRs(byte[] der) {
    if (der.length < 8 || der[0] != 0x30 || (der[1] & 0xff) != der.length - 2) {
      throw new IllegalArgumentException("not a short-form DER SEQUENCE");
    }
    int pos = 2;
    BigInteger[] rs = new BigInteger[2];
    for (int i = 0; i < 2; i++) {
      if (pos + 2 > der.length || der[pos] != 0x02) {
        throw new IllegalArgumentException("expected an INTEGER at offset " + pos);
      }
      int len = der[pos + 1] & 0xff;
      if (len == 0 || len > 33 || pos + 2 + len > der.length) {
        throw new IllegalArgumentException("bad INTEGER length at offset " + pos);
      }
      rs[i] = new BigInteger(Arrays.copyOfRange(der, pos + 2, pos + 2 + len));
      pos += 2 + len;
    }
    if (pos != der.length) {
      throw new IllegalArgumentException("trailing bytes after the signature");
    }
    return rs;
  }

  /** Strict DER of {@code SEQUENCE { INTEGER r, INTEGER s }} for positive r and s below 2^256. */
  public static byte[] rsToDer(BigInteger r, BigInteger s) {
    byte[] rb = r.toByteArray();
    byte[] sb = s.toByteArray();
    byte[] out = new byte[6 + rb.length + sb.length];
    out[0] = 0x30;
    out[1] = (byte) (4 + rb.length + sb.length);
    out[2] = 0x02;
    out[3] = (byte) rb.length;
    System.arraycopy(rb, 0, out, 4, rb.length);
    out[4 + rb.length] = 0x02;
    out[5 + rb.length] = (byte) sb.length;
    System.arraycopy(sb, 0, out, 6 + rb.length, sb.length);
    return out;
  }

  /** The SEC1 compressed form (0x02/0x03 prefix by the parity of y) of an uncompressed 65-byte point. */
  public static byte[] compressPoint(byte[] uncompressed) {
    if (uncompressed.length != 65 || uncompressed[0] != 0x04) {
      throw new IllegalArgumentException("not an uncompressed P-256 point");
    }
    byte[] out = new byte[33];
    out[0] = (byte) ((uncompressed[64] & 1) == 0 ? 0x02 : 0x03);
    System.arraycopy(uncompressed, 1, out, 1, 32);
    return out;
  }

  private static void put32(BigInteger v, byte[] out, int offset) {
    if (v.signum() < 0 || v.bitLength() > 256) {
      throw new IllegalArgumentException("value does not fit in 32 unsigned bytes");
    }
    byte[] b = v.toByteArray();
    int start = b.length > 32 ? b.length - 32 : 0;
    System.arraycopy(b, start, out, offset + 32 - (b.length - start), b.length - start);
  }
}
