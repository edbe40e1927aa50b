package org.veriflow.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.veriflow.client.KeyFiles;
import org.veriflow.client.Session;
import org.veriflow.client.TlsOptions;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.SigningKey;
import picocli.CommandLine.Option;

/**
 * Options shared by commands that talk to a node: {@code --node}, its TLS ({@code --ca-file},
 * {@code --client-cert}, {@code --client-key}), {@code --key}, {@code --verbose}.
 */
final class NodeOptions {
  @Option(names = "--node", paramLabel = "URL", defaultValue = "${env:VERIFLOW_NODE:-http://127.0.0.1:7070}",
      description = "The node's HTTP API (default: ${DEFAULT-VALUE}; env VERIFLOW_NODE).")
  String node;

  @Option(names = "--ca-file", paramLabel = "FILE", defaultValue = "${env:VERIFLOW_CA_FILE}",
      description = "CA certificates (PEM) to trust for an https node, instead of the system's, e.g. the tls/ca.pem 'veriflow init' writes (env VERIFLOW_CA_FILE).")
  Path caFile;

  @Option(names = "--client-cert", paramLabel = "FILE", defaultValue = "${env:VERIFLOW_CLIENT_CERT}",
      description = "A client certificate (PEM) to present to an https node that asks for one; needs --client-key (env VERIFLOW_CLIENT_CERT).")
  Path clientCert;

  @Option(names = "--client-key", paramLabel = "FILE", defaultValue = "${env:VERIFLOW_CLIENT_KEY}",
      description = "The client certificate's private key (PKCS#8 PEM) (env VERIFLOW_CLIENT_KEY).")
  Path clientKey;

  @Option(names = "--key", paramLabel = "FILE", defaultValue = "${env:VERIFLOW_KEY}",
      description = "The signing key (PKCS#8 PEM) of the sender (env VERIFLOW_KEY).")
  Path key;

  @Option(names = "--verbose", description = "Print stack traces with errors.")
  boolean verbose;

  VeriflowClient client() {
    return client(URI.create(node), Duration.ofSeconds(60));
  }

  /** A client of {@code url} (this node or another member) with these TLS options. */
  VeriflowClient client(URI url, Duration timeout) {
    return new VeriflowClient(url, timeout, tls());
  }

  /**
   * The TLS options given.
   *
   * @throws IllegalArgumentException if only one of {@code --client-cert} and {@code --client-key} is given
   */
  TlsOptions tls() {
    if ((clientCert == null) != (clientKey == null)) {
      throw new IllegalArgumentException("--client-cert and --client-key go together (or VERIFLOW_CLIENT_CERT and VERIFLOW_CLIENT_KEY)");
    }
    return new TlsOptions(Optional.ofNullable(caFile), Optional.ofNullable(clientCert), Optional.ofNullable(clientKey));
  }

  SigningKey signingKey() {
    if (key == null) {
      throw new IllegalArgumentException("this command signs a transaction or request: give the sender's key with --key FILE or VERIFLOW_KEY");
    }
    return KeyFiles.read(key);
  }

  /** The key's session with {@code client}: its nonces and validity come from the node. */
  Session session(VeriflowClient client) {
    return new Session(client, signingKey());
  }
}
