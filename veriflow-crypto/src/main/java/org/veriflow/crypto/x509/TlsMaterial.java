package org.veriflow.crypto.x509;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.CryptoFailure;

/**
 * TLS set-up from PEM files, with the JDK's own TLS: trust in a set of CA certificates (PKIX path
 * validation, and host-name verification where the caller asks for it, as {@link
 * java.net.http.HttpClient} does) and a certificate with its key to present.
 */
public final class TlsMaterial {
  private TlsMaterial() {}

  /**
   * A certificate chain and its private key.
   *
   * @param key the private key of the first certificate
   * @param chain the certificate first, then any intermediates
   */
  public record Identity(PrivateKey key, List<X509Certificate> chain) {
    public Identity {
      Objects.requireNonNull(key, "key");
      chain = List.copyOf(chain);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException("an identity needs its certificate");
      }
    }

    /** The first certificate of the chain. */
    public X509Certificate certificate() {
      return chain.get(0);
    }

    @Override
    public String toString() {
      return "Identity[" + certificate().getSubjectX500Principal() + "]";
    }
  }

  /**
   * Reads a certificate chain and its key, and checks that they belong together.
   *
   * @param certificateFile PEM certificates, the certificate first
   * @param keyFile its PKCS#8 PEM private key
   * @return the identity
   * @throws IOException if a file cannot be read
   * @throws CryptoException {@link CryptoFailure#MALFORMED} if a file does not parse, {@link
   *     CryptoFailure#WRONG_KEY} if the key is not the certificate's
   */
  public static Identity readIdentity(Path certificateFile, Path keyFile) throws IOException, CryptoException {
    List<X509Certificate> chain = Pem.readCertificates(certificateFile);
    PrivateKey key = Pem.readPrivateKey(keyFile);
    if (!matches(key, chain.get(0))) {
      throw new CryptoException(CryptoFailure.WRONG_KEY, keyFile + " is not the private key of the certificate in " + certificateFile);
    }
    return new Identity(key, chain);
  }

  /**
   * The JDK's PKIX trust manager over exactly these CA certificates.
   *
   * @param authorities the trusted CA certificates
   * @return the trust manager
   */
  public static X509ExtendedTrustManager trustManager(List<X509Certificate> authorities) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < authorities.size(); i++) {
        store.setCertificateEntry("ca-" + i, authorities.get(i));
      }
      TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
      f.init(store);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the JDK's PKIX trust manager factory gave no X509ExtendedTrustManager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager: " + e.getMessage(), e);
    }
  }

  /**
   * Key managers that present {@code identity}.
   *
   * @param identity the certificate and key
   * @return the key managers
   */
  public static KeyManager[] keyManagers(Identity identity) {
    try {
      char[] password = "veriflow".toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("identity", identity.key(), password, identity.chain().toArray(X509Certificate[]::new));
      KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      f.init(store, password);
      return f.getKeyManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a key manager: " + e.getMessage(), e);
    }
  }

  /**
   * A TLS context that trusts exactly {@code authorities} and presents {@code identity} if given.
   *
   * @param authorities the trusted CA certificates
   * @param identity the certificate and key to present when the peer asks for one
   * @return the context
   */
  public static SSLContext context(List<X509Certificate> authorities, Optional<Identity> identity) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(identity.map(TlsMaterial::keyManagers).orElse(null), new TrustManager[] {trustManager(authorities)}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a CA file and, if both are given, a certificate and key, and builds their TLS context.
   *
   * @param caFile PEM CA certificates to trust
   * @param certificateFile PEM certificate to present, or empty
   * @param keyFile its PKCS#8 PEM key, or empty
   * @return the context
   * @throws IllegalArgumentException if only one of the certificate and key is given
   * @throws IOException if a file cannot be read
   * @throws CryptoException as {@link #readIdentity} and {@link Pem#readCertificates}
   */
  public static SSLContext context(Path caFile, Optional<Path> certificateFile, Optional<Path> keyFile) throws IOException, CryptoException {
    if (certificateFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
    }
    Optional<Identity> identity = certificateFile.isPresent() ? Optional.of(readIdentity(certificateFile.get(), keyFile.get())) : Optional.empty();
    return context(Pem.readCertificates(caFile), identity);
  }

  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return false;
    }
    try {
      byte[] probe = "veriflow key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(certificate.getPublicKey());
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
