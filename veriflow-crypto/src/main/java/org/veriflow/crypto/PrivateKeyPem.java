package org.veriflow.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * X25519 private keys as PKCS#8 {@code PRIVATE KEY} PEM (RFC 5208, RFC 7468 section 10, algorithm
 * id-X25519 1.3.101.110 from RFC 8410): the file {@code openssl genpkey -algorithm X25519} writes
 * and {@code openssl pkey} reads. The JDK's XDH key factory does the DER work.
 */
final class PrivateKeyPem {
  static final String LABEL = "PRIVATE KEY";
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  /** DER of the OID 1.3.101.112 (Ed25519), to explain the most likely mix-up. */
  private static final byte[] ED25519_OID = {0x06, 0x03, 0x2b, 0x65, 0x70};

  private PrivateKeyPem() {}

  /** PEM text of a 32-byte X25519 private key. */
  static String encode(byte[] privateKey) {
    byte[] der;
    try {
      der = KeyFactory.getInstance("XDH")
          .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey))
          .getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot encode an X25519 private key", e);
    }
    try {
      String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
      return BEGIN + LABEL + DASHES + "\n" + body + "\n" + END + LABEL + DASHES + "\n";
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  /**
   * The 32-byte private key in PEM text. Text before the {@code BEGIN} line is ignored (RFC 7468
   * section 2).
   *
   * @throws CryptoException {@link CryptoFailure#MALFORMED} if there is no single well-formed
   *     {@code PRIVATE KEY} block, or it does not hold a PKCS#8 X25519 key
   */
  static byte[] decode(String pem) throws CryptoException {
    int begin = pem.indexOf(BEGIN);
    if (begin < 0) {
      throw malformed("no PEM block: the text has no '-----BEGIN' line");
    }
    int labelEnd = pem.indexOf(DASHES, begin + BEGIN.length());
    int lineEnd = pem.indexOf('\n', begin);
    if (labelEnd < 0 || (lineEnd >= 0 && labelEnd > lineEnd)) {
      throw malformed("malformed PEM: the '-----BEGIN' line does not end with '-----'");
    }
    String label = pem.substring(begin + BEGIN.length(), labelEnd);
    if (label.equals("ENCRYPTED " + LABEL)) {
      throw malformed("the private key is encrypted (ENCRYPTED PRIVATE KEY); decrypt it first, e.g. with 'openssl pkey'");
    }
    if (!label.equals(LABEL)) {
      throw malformed("expected a PEM '" + LABEL + "' block, found '" + label + "'");
    }
    String endLine = END + LABEL + DASHES;
    int end = pem.indexOf(endLine, labelEnd);
    if (end < 0) {
      throw malformed("malformed PEM: no '" + endLine + "' line");
    }
    if (!pem.substring(end + endLine.length()).isBlank()) {
      throw malformed("malformed PEM: text after '" + endLine + "'");
    }
    String body = pem.substring(labelEnd + DASHES.length(), end).replaceAll("\\s", "");
    if (body.isEmpty()) {
      throw malformed("malformed PEM: the '" + LABEL + "' block is empty");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      throw malformed("malformed PEM: the body is not valid base64 (" + e.getMessage() + ")", e);
    }
    try {
      return fromPkcs8(der);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  private static byte[] fromPkcs8(byte[] der) throws CryptoException {
    XECPrivateKey key;
    try {
      key = (XECPrivateKey) KeyFactory.getInstance("XDH").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException | ClassCastException e) {
      if (contains(der, ED25519_OID)) {
        throw malformed("the PKCS#8 key is an Ed25519 signing key, not an X25519 encryption key", e);
      }
      throw malformed("not a PKCS#8 X25519 private key: " + e.getMessage(), e);
    }
    String curve = key.getParams() instanceof NamedParameterSpec n ? n.getName() : String.valueOf(key.getParams());
    if (!NamedParameterSpec.X25519.getName().equalsIgnoreCase(curve)) {
      throw malformed("the PKCS#8 key is an " + curve + " key, not X25519");
    }
    byte[] scalar = key.getScalar().orElseThrow(() -> malformed("the PKCS#8 X25519 key holds no private scalar"));
    if (scalar.length != 32) {
      throw malformed("X25519 private key must be 32 bytes, not " + scalar.length);
    }
    return scalar;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static CryptoException malformed(String message) {
    return new CryptoException(CryptoFailure.MALFORMED, message);
  }

  private static CryptoException malformed(String message, Throwable cause) {
    return new CryptoException(CryptoFailure.MALFORMED, message, cause);
  }
}
