package org.veriflow.cli;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.veriflow.client.KeyFiles;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.crypto.EncryptionKeyPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keys", description = "Manage signing and encryption keys.", subcommands = KeysCommand.New.class)
final class KeysCommand {
  @Command(name = "new", description = {"Create a key (PKCS#8 PEM, readable only by you). A signing key (ed25519, p256): prints its",
      "identity id. An encryption key (x25519, for datasets shared with you): prints its public key in hex;",
      "publish it with 'veriflow identity encryption-key'."})
  static final class New implements Callable<Integer> {
    /** The JSON result: the key's type, its file, and its identity id (signing keys) or public key in hex (x25519). */
    record Created(String type, String file, String id, String publicKey) {}

    @Spec CommandSpec spec;
    @Mixin OutputOptions output;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the key; never overwritten.")
    Path out;

    @Option(names = "--type", defaultValue = "ed25519", description = "ed25519, p256 or x25519 (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
      if (type.equalsIgnoreCase("x25519")) {
        EncryptionKeyPair pair = EncryptionKeyPair.generate();
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try {
          pair.writePem(out);
        } catch (FileAlreadyExistsException e) {
          throw new IllegalArgumentException(out + " already exists; refusing to overwrite a key", e);
        } finally {
          pair.destroy();
        }
        if (!output.printJson(spec.commandLine().getOut(), new Created("x25519", out.toString(), null, pair.publicKey().hex()))) {
          spec.commandLine().getOut().println(pair.publicKey().hex());
        }
        return Veriflow.OK;
      }
      SigningKey key = SigningKey.generate(Veriflow.keyType(spec, type));
      KeyFiles.write(out, key);
      if (!output.printJson(spec.commandLine().getOut(), new Created(key.algorithm().label(), out.toString(),
          key.id().value(), null))) {
        spec.commandLine().getOut().println(key.id());
      }
      return Veriflow.OK;
    }
  }
}
