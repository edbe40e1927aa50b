package org.veriflow.core.crypto;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import org.bouncycastle.util.encoders.DecoderException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM files for keys: private keys as PKCS#8 ({@code PRIVATE KEY}), public keys as SPKI ({@code
 * PUBLIC KEY}), the formats OpenSSL reads and writes.
 */
public final class KeyPem {
  static final String PRIVATE = "PRIVATE KEY";
  static final String PUBLIC = "PUBLIC KEY";

  private KeyPem() {}

  public static String encodePrivate(SigningKey key) {
    return write(PRIVATE, key.pkcs8());
  }

  public static String encodePublic(PublicKey key) {
    return write(PUBLIC, key.spki());
  }

  /**
   * Reads a PKCS#8 private key.
   *
   * @throws IllegalArgumentException if the text holds no {@code PRIVATE KEY} block or an invalid key
   */
  public static SigningKey decodePrivate(String pem) {
    PemObject o = read(pem);
    if (!PRIVATE.equals(o.getType())) {
      throw new IllegalArgumentException("expected a PEM '" + PRIVATE + "' block, found '" + o.getType() + "'");
    }
    return SigningKey.fromPkcs8(o.getContent());
  }

  /**
   * Reads a public key from a {@code PUBLIC KEY} block, or the public half of a {@code PRIVATE KEY}
   * block.
   *
   * @throws IllegalArgumentException if the text holds neither or an invalid key
   */
  public static PublicKey decodePublic(String pem) {
    PemObject o = read(pem);
    if (PUBLIC.equals(o.getType())) {
      return PublicKey.fromSpki(o.getContent());
    }
    if (PRIVATE.equals(o.getType())) {
      return SigningKey.fromPkcs8(o.getContent()).publicKey();
    }
    throw new IllegalArgumentException("expected a PEM public or private key, found '" + o.getType() + "'");
  }

  private static PemObject read(String pem) {
    try (PemReader r = new PemReader(new StringReader(pem))) {
      PemObject o = r.readPemObject();
      if (o == null) {
        throw new IllegalArgumentException("no PEM block found");
      }
      return o;
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed PEM: " + e.getMessage(), e);
    } catch (DecoderException e) {
      throw new IllegalArgumentException("malformed PEM: the body is not valid base64", e);
    }
  }

  private static String write(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter w = new PemWriter(out)) {
      w.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write PEM", e);
    }
    return out.toString();
  }
}
