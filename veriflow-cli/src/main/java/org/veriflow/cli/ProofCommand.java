package org.veriflow.cli;

import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.merkle.ProofException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "proof", description = "Fetch and check Merkle proofs offline.", subcommands = ProofCommand.Verify.class)
final class ProofCommand {
  @Command(name = "verify", description = {
      "--tx ID: check that a transaction is in the log recorded by its block's signed header.",
      "--consistency A B: check that the log at block B extends the log at block A."})
  static final class Verify implements Callable<Integer> {
    /** The JSON result of --tx: where the transaction is, the audit path, and the block whose signed header holds the root. */
    record Inclusion(String transaction, String status, long blockHeight, String blockHash, long leafIndex, long logSize, String logRoot,
        java.util.List<String> proof, boolean verified) {}

    /** The JSON result of --consistency: the two blocks, their log sizes and the proof's hashes. */
    record Consistency(long fromHeight, long toHeight, long fromSize, long toSize, java.util.List<String> proof, boolean verified) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
      @Option(names = "--tx", paramLabel = "ID", description = "A transaction id.")
      String tx;

      @Option(names = "--consistency", arity = "2", paramLabel = "HEIGHT", description = "Two block heights, A <= B.")
      long[] consistency;
    }

    @Override
    public Integer call() {
      VeriflowClient client = options.client();
      var out = spec.commandLine().getOut();
      try {
        if (which.tx != null) {
          Responses.TxInfo tx = client.verifyInclusion(which.tx);
          Responses.InclusionProof p = tx.proof().orElseThrow();
          Responses.BlockInfo b = client.block(p.blockHeight());
          if (output.printJson(out, new Inclusion(tx.id(), tx.status(), b.height(), b.hash(), p.leafIndex(), p.logSize(), b.logRoot(), p.hashes(), true))) {
            return Veriflow.OK;
          }
          out.println("transaction " + tx.id() + " (" + tx.status() + ")");
          out.println("  block " + b.height() + " " + b.hash());
          out.println("  leaf " + p.leafIndex() + " of a log of " + p.logSize() + ", root " + b.logRoot());
          for (int i = 0; i < p.hashes().size(); i++) {
            out.println("  proof[" + i + "] " + p.hashes().get(i));
          }
          out.println("inclusion proof verified against the signed header of block " + b.height());
        } else {
          if (which.consistency.length != 2) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--consistency takes exactly two heights");
          }
          long a = which.consistency[0];
          long b = which.consistency[1];
          if (a > b) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--consistency needs A <= B, got " + a + " " + b);
          }
          Responses.ConsistencyProof p = client.verifyConsistency(a, b);
          if (output.printJson(out, new Consistency(a, b, p.from(), p.to(), p.hashes(), true))) {
            return Veriflow.OK;
          }
          out.println("log size " + p.from() + " (block " + a + ") -> " + p.to() + " (block " + b + "), " + p.hashes().size() + " proof hashes");
          out.println("consistency proof verified: the log at block " + b + " extends the log at block " + a);
        }
      } catch (ProofException e) {
        throw new IllegalStateException("proof does NOT verify (" + e.failure() + "): " + e.getMessage(), e);
      }
      return Veriflow.OK;
    }
  }
}
