package org.veriflow.crypto.x509;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.CryptoFailure;

/**
 * PEM files for TLS: X.509 certificates ({@code CERTIFICATE} blocks, RFC 7468 section 5) and
 * unencrypted PKCS#8 private keys ({@code PRIVATE KEY}, section 10) of type EC, Ed25519 or RSA: the
 * files {@code openssl} reads and writes. JDK code only.
 */
public final class Pem {
  private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String KEY_END = "-----END PRIVATE KEY-----";
  private static final List<String> KEY_ALGORITHMS = List.of("EC", "Ed25519", "RSA");

  private Pem() {}

  /**
   * The PEM text of certificates, in the order given (a chain: the leaf first).
   *
   * @param certificates the certificates
   * @return their {@code CERTIFICATE} blocks
   */
  public static String certificates(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : certificates) {
      try {
        out.append(block("CERTIFICATE", c.getEncoded()));
      } catch (CertificateException e) {
        throw new IllegalStateException("cannot encode certificate " + c.getSubjectX500Principal(), e);
      }
    }
    return out.toString();
  }

  /**
   * Writes certificates to a PEM file, replacing it.
   *
   * @param file the file (its directory is created)
   * @param certificates the certificates, the leaf first
   * @throws IOException if it cannot be written
   */
  public static void writeCertificates(Path file, List<X509Certificate> certificates) throws IOException {
    createParent(file);
    Files.writeString(file, certificates(certificates), StandardCharsets.US_ASCII);
  }

  /**
   * Writes a private key as PKCS#8 PEM, readable by its owner only where the file system has POSIX
   * permissions. The file must not exist.
   *
   * @param file the file (its directory is created)
   * @param key the key
   * @throws IOException if it cannot be written or already exists
   */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    createParent(file);
    byte[] der = key.getEncoded();
    try {
      byte[] text = block("PRIVATE KEY", der).getBytes(StandardCharsets.US_ASCII);
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, text, StandardOpenOption.TRUNCATE_EXISTING);
      } else {
        Files.write(file, text, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      }
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  /**
   * Reads every certificate of a PEM file, in file order.
   *
   * @param file the file
   * @return at least one certificate
   * @throws IOException if it cannot be read
   * @throws CryptoException {@link CryptoFailure#MALFORMED} if it holds no certificate or one that does not parse
   */
  public static List<X509Certificate> readCertificates(Path file) throws IOException, CryptoException {
    byte[] bytes = Files.readAllBytes(file);
    List<X509Certificate> out = new ArrayList<>();
    try {
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
        out.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new CryptoException(CryptoFailure.MALFORMED, file + ": not a PEM certificate file: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new CryptoException(CryptoFailure.MALFORMED, file + ": holds no certificate (expected '-----BEGIN CERTIFICATE-----' blocks)");
    }
    return List.copyOf(out);
  }

  /**
   * Reads an unencrypted PKCS#8 private key (EC, Ed25519 or RSA) from a PEM file.
   *
   * @param file the file
   * @return the key
   * @throws IOException if it cannot be read
   * @throws CryptoException {@link CryptoFailure#MALFORMED} if it holds no single {@code PRIVATE KEY}
   *     block, or one the JDK cannot read as any of those types
   */
  public static PrivateKey readPrivateKey(Path file) throws IOException, CryptoException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new CryptoException(CryptoFailure.MALFORMED, file + ": the private key is encrypted; decrypt it first, e.g. with 'openssl pkey'");
    }
    int begin = text.indexOf(KEY_BEGIN);
    int end = text.indexOf(KEY_END);
    if (begin < 0 || end < begin || text.indexOf(KEY_BEGIN, begin + 1) >= 0) {
      throw new CryptoException(CryptoFailure.MALFORMED, file + ": expected one '" + KEY_BEGIN + "' block (PKCS#8)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new CryptoException(CryptoFailure.MALFORMED, file + ": the key block is not valid base64", e);
    }
    try {
      for (String algorithm : KEY_ALGORITHMS) {
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException tryNext) {
          // another type
        }
      }
    } finally {
      Arrays.fill(der, (byte) 0);
    }
    throw new CryptoException(CryptoFailure.MALFORMED, file + ": not a PKCS#8 EC, Ed25519 or RSA private key");
  }

  private static String block(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n";
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }
}
