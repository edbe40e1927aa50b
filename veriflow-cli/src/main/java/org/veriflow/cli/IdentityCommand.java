package org.veriflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.crypto.EncryptionPublicKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "identity", description = "Register, revoke and look up identities.",
    subcommands = {IdentityCommand.Register.class, IdentityCommand.Revoke.class, IdentityCommand.Get.class, IdentityCommand.EncryptionKey.class})
final class IdentityCommand {
  static final List<String> KINDS = List.of("administrator", "organisation", "member", "device", "agent", "validator", "auditor");

  @Command(name = "register", description = "Register a public key as an identity; prints the transaction id.")
  static final class Register implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--kind", required = true, description = "One of: ${COMPLETION-CANDIDATES}.", completionCandidates = Kinds.class)
    String kind;

    @Option(names = "--pubkey", required = true, paramLabel = "FILE", description = "A public-key PEM, or a key file whose public half is used.")
    Path pubkey;

    @Option(names = "--name", defaultValue = "", description = "A human name for the identity.")
    String name;

    @Option(names = "--role", paramLabel = "ROLE", description = "A role (repeatable).")
    List<String> roles = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      String k = kind.toLowerCase(Locale.ROOT);
      if (!KINDS.contains(k)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--kind must be one of " + KINDS + ", not '" + kind + "'");
      }
      PublicKey key;
      try {
        key = KeyPem.decodePublic(Files.readString(pubkey));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("key file " + pubkey + ": " + e.getMessage(), e);
      }
      VeriflowClient client = options.client();
      Submit.andWait(options.session(client), b -> b.registerIdentity(key, IdentityKind.valueOf(k.toUpperCase(Locale.ROOT)), name, roles),
          spec.commandLine().getOut(), output);
      spec.commandLine().getErr().println("registered " + key.id() + " as " + k);
      return Veriflow.OK;
    }
  }

  /** The accepted kinds, for help text. */
  static final class Kinds extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Kinds() {
      super(KINDS);
    }
  }

  @Command(name = "revoke", description = "Revoke an identity; prints the transaction id.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "ID", description = "The identity id (vf1...).")
    String id;

    @Option(names = "--reason", defaultValue = "", description = "Why, kept on chain.")
    String reason;

    @Override
    public Integer call() {
      VeriflowClient client = options.client();
      Submit.andWait(options.session(client), b -> b.revokeIdentity(id, reason), spec.commandLine().getOut(), output);
      return Veriflow.OK;
    }
  }

  @Command(name = "get", description = "Show an identity.")
  static final class Get implements Callable<Integer> {
    /** The JSON result; owner is null for identities of the genesis, the last three null when absent. */
    record Shown(String id, String kind, String name, String owner, String algorithm, List<String> roles, String status,
        long registeredHeight, String encryptionKey, Long revokedHeight, String revocationReason) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "ID", description = "The identity id (vf1...).")
    String id;

    @Override
    public Integer call() {
      Responses.Identity i = options.client().identity(id);
      var out = spec.commandLine().getOut();
      if (output.printJson(out, new Shown(i.id(), i.kind().toLowerCase(Locale.ROOT), i.name(), i.owner().isEmpty() ? null : i.owner(),
          i.algorithm().toLowerCase(Locale.ROOT), i.roles(), i.status().toLowerCase(Locale.ROOT), i.registeredHeight(),
          i.encryptionKey().orElse(null), i.revokedHeight().orElse(null), i.revocationReason().orElse(null)))) {
        return Veriflow.OK;
      }
      out.println("id:         " + i.id());
      out.println("kind:       " + i.kind().toLowerCase(Locale.ROOT));
      out.println("name:       " + i.name());
      out.println("owner:      " + (i.owner().isEmpty() ? "(genesis)" : i.owner()));
      out.println("key:        " + i.algorithm().toLowerCase(Locale.ROOT));
      out.println("roles:      " + String.join(", ", i.roles()));
      out.println("status:     " + i.status().toLowerCase(Locale.ROOT));
      out.println("registered: height " + i.registeredHeight());
      i.encryptionKey().ifPresent(k -> out.println("encryption: x25519 " + k));
      i.revokedHeight().ifPresent(h -> out.println("revoked:    height " + h + (i.revocationReason().orElse("").isEmpty() ? "" : ", " + i.revocationReason().get())));
      return Veriflow.OK;
    }
  }

  @Command(name = "encryption-key", description = {"Publish your X25519 encryption key (identities.set_encryption_key), so that",
      "dataset keys can be wrapped for you; replaces a previous one. Prints the transaction id."})
  static final class EncryptionKey implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--enc-key", required = true, paramLabel = "FILE", description = "The X25519 key file ('veriflow keys new --type x25519').")
    Path encKey;

    @Override
    public Integer call() throws Exception {
      EncryptionKeyPair pair;
      try {
        pair = EncryptionKeyPair.readPem(encKey);
      } catch (CryptoException e) {
        throw new IllegalArgumentException("encryption key file " + encKey + ": " + e.getMessage(), e);
      }
      EncryptionPublicKey pub = pair.publicKey();
      pair.destroy();
      VeriflowClient client = options.client();
      Submit.andWait(options.session(client), b -> b.setEncryptionKey(pub), spec.commandLine().getOut(), output);
      spec.commandLine().getErr().println("encryption key " + pub.hex() + " set for " + options.signingKey().id());
      return Veriflow.OK;
    }
  }
}
