package org.veriflow.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", description = "Write a new single-node chain: genesis, node configuration, the first administrator's key at DIR/keys/admin.key.")
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The node directory to create.")
  Path dir;

  @Option(names = "--chain-id", defaultValue = "veriflow-local", description = "The chain's name (default: ${DEFAULT-VALUE}).")
  String chainId;

  @Option(names = "--http-port", defaultValue = "7070", description = "The node's HTTP port (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--key-type", defaultValue = "ed25519", description = "The administrator key's type: ed25519 or p256 (default: ${DEFAULT-VALUE}).")
  String keyType;

  @Option(names = "--verbose", description = "Print stack traces with errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    NodeSetup.Result r = NodeSetup.init(dir, chainId, httpPort, Veriflow.keyType(spec, keyType), Instant.now());
    var out = spec.commandLine().getOut();
    out.println("initialised chain '" + chainId + "' in " + dir);
    out.println("administrator " + r.admin().id() + " (key " + dir.resolve("keys/admin.key") + ", " + NodeSetup.GENESIS_CREDITS + " credits)");
    out.println("start it with: veriflow node start --dir " + dir);
    return Veriflow.OK;
  }
}
