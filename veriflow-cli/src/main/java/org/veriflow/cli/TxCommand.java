package org.veriflow.cli;

import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "tx", description = "Look up transactions.", subcommands = TxCommand.Get.class)
final class TxCommand {
  @Command(name = "get", description = "Show a transaction's status, block and result.")
  static final class Get implements Callable<Integer> {
    /** The JSON result; height, code, message and the log position are null when the transaction has none. */
    record Shown(String id, String status, Long height, String code, String message, Long leafIndex, Long logSize) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "ID", description = "The transaction id (64 hex characters).")
    String id;

    @Override
    public Integer call() {
      Responses.TxInfo t = options.client().transaction(id);
      var out = spec.commandLine().getOut();
      if (output.printJson(out, new Shown(t.id(), t.status(), t.height().orElse(null), t.code().orElse(null), t.message().orElse(null),
          t.proof().map(Responses.InclusionProof::leafIndex).orElse(null), t.proof().map(Responses.InclusionProof::logSize).orElse(null)))) {
        return t.status().equals("UNKNOWN") ? Veriflow.FAILURE : Veriflow.OK;
      }
      out.println("id:     " + t.id());
      out.println("status: " + t.status());
      t.height().ifPresent(h -> out.println("height: " + h));
      t.code().ifPresent(c -> out.println("code:   " + c + ": " + t.message().orElse("")));
      t.proof().ifPresent(p -> out.println("log:    leaf " + p.leafIndex() + " of " + p.logSize()));
      return t.status().equals("UNKNOWN") ? Veriflow.FAILURE : Veriflow.OK;
    }
  }
}
