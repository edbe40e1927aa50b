package org.veriflow.node.http;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.x509.Pem;

/**
 * Reads PEM certificates and PKCS#8 private keys into in-memory key stores for the HTTP listeners'
 * TLS ({@link Pem} reads the files). Every failure is an {@link IllegalArgumentException} naming the file.
 */
final class PemKeys {
  /** The password of the in-memory stores; they never reach a disk. */
  static final char[] PASSWORD = "veriflow".toCharArray();

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
    try {
      return Pem.readCertificates(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (CryptoException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The PKCS#8 private key (EC, RSA or Ed25519) of a PEM file. */
  static PrivateKey privateKey(Path file) {
    try {
      return Pem.readPrivateKey(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (CryptoException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
