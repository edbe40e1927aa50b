package org.veriflow.cli;

import java.time.Instant;
import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "block", description = "Look up blocks.", subcommands = BlockCommand.Get.class)
final class BlockCommand {
  @Command(name = "get", description = "Show a block's header and transaction ids.")
  static final class Get implements Callable<Integer> {
    /** The JSON result: the block's header and its transactions' ids in order. */
    record Shown(long height, String hash, String previousHash, String time, long timestampMillis, long logSize, String logRoot,
        String stateHash, long txCount, java.util.List<String> transactions) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "H|latest", description = "A height, or 'latest'.")
    String which;

    @Override
    public Integer call() {
      VeriflowClient client = options.client();
      Responses.BlockInfo b;
      if (which.equals("latest")) {
        b = client.latestBlock();
      } else {
        long h;
        try {
          h = Long.parseLong(which);
        } catch (NumberFormatException e) {
          throw new picocli.CommandLine.ParameterException(spec.commandLine(), "block must be a height or 'latest', not '" + which + "'");
        }
        b = client.block(h);
      }
      var out = spec.commandLine().getOut();
      if (output.printJson(out, new Shown(b.height(), b.hash(), b.previousHash(), Instant.ofEpochMilli(b.timestamp()).toString(), b.timestamp(),
          b.logSize(), b.logRoot(), b.stateHash(), b.txCount(), b.transactions()))) {
        return Veriflow.OK;
      }
      out.println("height:        " + b.height());
      out.println("hash:          " + b.hash());
      out.println("previous:      " + b.previousHash());
      out.println("time:          " + Instant.ofEpochMilli(b.timestamp()));
      out.println("log:           size " + b.logSize() + ", root " + b.logRoot());
      out.println("state hash:    " + b.stateHash());
      out.println("transactions:  " + b.txCount());
      for (String id : b.transactions()) {
        out.println("  " + id);
      }
      return Veriflow.OK;
    }
  }
}
