package org.veriflow.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.x509.Pem;
import org.veriflow.crypto.x509.TlsMaterial;

/**
 * How a {@link VeriflowClient} sets up TLS with an {@code https} node: which certificate authorities
 * it trusts for the node's certificate (whose host name is always verified) and which certificate,
 * if any, it presents. Immutable.
 *
 * @param caFile PEM CA certificates to trust instead of the JDK's default trust store (e.g. the
 *     {@code tls/ca.pem} that {@code veriflow init} writes), or empty for the default trust store
 * @param clientCertificate a PEM certificate to present when the node asks for one, or empty
 * @param clientKey its PKCS#8 PEM private key; given exactly when {@code clientCertificate} is
 */
public record TlsOptions(Optional<Path> caFile, Optional<Path> clientCertificate, Optional<Path> clientKey) {
  public TlsOptions {
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(clientCertificate, "clientCertificate");
    Objects.requireNonNull(clientKey, "clientKey");
    if (clientCertificate.isPresent() != clientKey.isPresent()) {
      throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
    }
  }

  /**
   * The JDK's defaults: its trust store, no client certificate.
   *
   * @return the options
   */
  public static TlsOptions defaults() {
    return new TlsOptions(Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Trust exactly the CA certificates in {@code caFile}.
   *
   * @param caFile PEM CA certificates
   * @return the options
   */
  public static TlsOptions trusting(Path caFile) {
    return new TlsOptions(Optional.of(caFile), Optional.empty(), Optional.empty());
  }

  /**
   * These options, presenting a client certificate.
   *
   * @param certificate PEM certificate (then any intermediates)
   * @param key its PKCS#8 PEM private key
   * @return new options
   */
  public TlsOptions withClientCertificate(Path certificate, Path key) {
    return new TlsOptions(caFile, Optional.of(certificate), Optional.of(key));
  }

  /**
   * The TLS context these options describe (for a program's own connections to the node, beside
   * the client's).
   *
   * @return a context trusting the CA file (or the system's CAs) and presenting the client certificate if any
   * @throws ClientException {@code TLS_CONFIG} if a file cannot be read, does not parse, or the key is
   *     not the certificate's
   */
  public SSLContext context() {
    try {
      Optional<TlsMaterial.Identity> identity = clientCertificate.isPresent()
          ? Optional.of(TlsMaterial.readIdentity(clientCertificate.get(), clientKey.get())) : Optional.empty();
      if (caFile.isPresent()) {
        return TlsMaterial.context(Pem.readCertificates(caFile.get()), identity);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(identity.map(TlsMaterial::keyManagers).orElse(null), null, null);
      return context;
    } catch (IOException | CryptoException e) {
      throw new ClientException(0, TlsFailure.TLS_CONFIG.name(), "TLS files: " + e.getMessage());
    } catch (java.security.GeneralSecurityException e) {
      throw new ClientException(0, TlsFailure.TLS_CONFIG.name(), "cannot set up TLS: " + e.getMessage());
    }
  }
}
