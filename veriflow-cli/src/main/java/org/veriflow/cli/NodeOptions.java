package org.veriflow.cli;

import java.net.URI;
import java.nio.file.Path;
import org.veriflow.client.KeyFiles;
import org.veriflow.client.Session;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.SigningKey;
import picocli.CommandLine.Option;

/** Options shared by commands that talk to a node: {@code --node}, {@code --key}, {@code --verbose}. */
final class NodeOptions {
  @Option(names = "--node", paramLabel = "URL", defaultValue = "${env:VERIFLOW_NODE:-http://127.0.0.1:7070}",
      description = "The node's HTTP API (default: ${DEFAULT-VALUE}; env VERIFLOW_NODE).")
  String node;

  @Option(names = "--key", paramLabel = "FILE", defaultValue = "${env:VERIFLOW_KEY}",
      description = "The signing key (PKCS#8 PEM) of the sender (env VERIFLOW_KEY).")
  Path key;

  @Option(names = "--verbose", description = "Print stack traces with errors.")
  boolean verbose;

  VeriflowClient client() {
    return new VeriflowClient(URI.create(node));
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
