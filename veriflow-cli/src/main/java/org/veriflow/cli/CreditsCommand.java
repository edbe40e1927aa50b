package org.veriflow.cli;

import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "credits", description = "Move and look up credits.", subcommands = {CreditsCommand.Transfer.class, CreditsCommand.Balance.class})
final class CreditsCommand {
  @Command(name = "transfer", description = "Transfer credits from the --key identity; prints the transaction id.")
  static final class Transfer implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--to", required = true, paramLabel = "ID", description = "The recipient's identity id.")
    String to;

    @Option(names = "--amount", required = true, paramLabel = "N", description = "How many credits (at least 1).")
    long amount;

    @Option(names = "--memo", defaultValue = "", description = "A note kept on chain.")
    String memo;

    @Override
    public Integer call() {
      if (amount < 1) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--amount must be at least 1, not " + amount);
      }
      VeriflowClient client = options.client();
      Submit.andWait(options.session(client), b -> b.transfer(to, amount, memo), spec.commandLine().getOut(), output);
      return Veriflow.OK;
    }
  }

  @Command(name = "balance", description = "Print an identity's balance.")
  static final class Balance implements Callable<Integer> {
    /** The JSON result: the identity, its balance and its next nonce. */
    record Shown(String id, long balance, long nonce) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "ID", description = "The identity id.")
    String id;

    @Override
    public Integer call() {
      Responses.Account a = options.client().account(id);
      if (!output.printJson(spec.commandLine().getOut(), new Shown(id, a.balance(), a.nonce()))) {
        spec.commandLine().getOut().println(a.balance());
      }
      return Veriflow.OK;
    }
  }
}
