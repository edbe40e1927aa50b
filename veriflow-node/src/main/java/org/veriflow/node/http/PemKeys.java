package org.veriflow.node.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and PKCS#8 private keys into in-memory key stores for the HTTP listeners'
 * TLS, with the JDK alone. Every failure is an {@link IllegalArgumentException} naming the file.
 */
final class PemKeys {
  /** The password of the in-memory stores; they never reach a disk. */
  static final char[] PASSWORD = "veriflow".toCharArray();
  private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  /** The algorithms a PKCS#8 key may be for, tried in turn. */
  private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519");

  private PemKeys() {}

  /**
   * A key store holding the private key with its certificate chain, under the alias {@code server}.
   *
   * @throws IllegalArgumentException if a file cannot be read, holds no certificate or no PKCS#8
   *     key, or the key does not belong to the first certificate
   */
  static KeyStore keyStore(Path certificateFile, Path keyFile) {
    List<X509Certificate> chain = certificates(certificateFile);
    PrivateKey key = privateKey(keyFile);
    if (!chain.get(0).getPublicKey().getAlgorithm().equals(key.getAlgorithm())
        && !(chain.get(0).getPublicKey().getAlgorithm().startsWith("Ed") && key.getAlgorithm().startsWith("Ed"))) {
      throw new IllegalArgumentException("the key in " + keyFile + " is " + key.getAlgorithm() + " but the certificate in " + certificateFile
          + " is for a " + chain.get(0).getPublicKey().getAlgorithm() + " key");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", key, PASSWORD, chain.toArray(Certificate[]::new));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot hold the key of " + keyFile + " with the certificates of " + certificateFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * A trust store holding every certificate of a PEM bundle.
   *
   * @throws IllegalArgumentException if the file cannot be read or holds no certificate
   */
  static KeyStore trustStore(Path caFile) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : certificates(caFile)) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot hold the CA certificates of " + caFile + ": " + e.getMessage(), e);
    }
  }

  /** The certificates of a PEM file, in file order; at least one. */
  static List<X509Certificate> certificates(Path file) {
    byte[] pem = read(file);
    List<X509Certificate> out = new ArrayList<>();
    try {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
        out.add((X509Certificate) c);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + " is not a PEM certificate file: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no certificate");
    }
    return List.copyOf(out);
  }

  /** The PKCS#8 private key of a PEM file. */
  static PrivateKey privateKey(Path file) {
    Matcher m = PRIVATE_KEY.matcher(new String(read(file), StandardCharsets.US_ASCII));
    if (!m.find()) {
      throw new IllegalArgumentException(file + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": the private key is not valid base64", e);
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not a key of this algorithm: try the next
      }
    }
    throw new IllegalArgumentException(file + ": the private key is not an EC, RSA or Ed25519 PKCS#8 key");
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
