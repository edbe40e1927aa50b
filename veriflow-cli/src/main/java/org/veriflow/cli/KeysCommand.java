package org.veriflow.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.veriflow.core.crypto.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keys", description = "Manage signing keys.", subcommands = KeysCommand.New.class)
final class KeysCommand {
  @Command(name = "new", description = "Create a key (PKCS#8 PEM, readable only by you) and print its identity id.")
  static final class New implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the key; never overwritten.")
    Path out;

    @Option(names = "--type", defaultValue = "ed25519", description = "ed25519 or p256 (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
      SigningKey key = SigningKey.generate(Veriflow.keyType(spec, type));
      NodeSetup.writeKey(out, key);
      spec.commandLine().getOut().println(key.id());
      return Veriflow.OK;
    }
  }
}
