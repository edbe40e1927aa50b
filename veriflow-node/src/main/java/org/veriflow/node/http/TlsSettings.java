package org.veriflow.node.http;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The certificate the node's HTTP listeners present, and whether they ask clients for one.
 *
 * @param certificate a PEM file holding the server's certificate first, then its chain
 * @param privateKey a PEM file holding the certificate's private key (PKCS#8 {@code PRIVATE KEY}: EC
 *     P-256, RSA or Ed25519)
 * @param clientCa a PEM bundle of the CAs whose client certificates are accepted, or null
 * @param clientAuth whether a client certificate is asked for
 */
public record TlsSettings(Path certificate, Path privateKey, Path clientCa, ClientAuth clientAuth) {
  /** Whether a client must, may or need not present a certificate signed by {@link #clientCa}. */
  public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A client certificate is asked for; a client without one is still served. */
    WANT,
    /** A client without a certificate signed by the client CA is refused in the handshake. */
    NEED
  }

  /**
   * @throws IllegalArgumentException if client certificates are asked for without a client CA
   */
  public TlsSettings {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(clientAuth, "clientAuth");
    if (clientAuth != ClientAuth.NONE && clientCa == null) {
      throw new IllegalArgumentException("client-auth " + clientAuth.name().toLowerCase(java.util.Locale.ROOT)
          + " needs a client CA (http.tls.client-ca)");
    }
  }
}
