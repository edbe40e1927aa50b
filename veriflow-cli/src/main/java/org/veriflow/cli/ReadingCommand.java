package org.veriflow.cli;

import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import org.veriflow.core.merkle.ProofException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "reading", description = "Single readings.", subcommands = ReadingCommand.Proof.class)
final class ReadingCommand {
  @Command(name = "proof", description = {"Check a legal reading end to end: its bytes hash to DIGEST, its device signed them,",
      "its batch transaction carries them, and that transaction is in its block's signed log."})
  static final class Proof implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;

    @Parameters(paramLabel = "DIGEST", description = "The reading's digest (SHA-256 of its signed bytes).")
    String digest;

    @Mixin OutputOptions output;

    /** The JSON result: the verified reading and where the chain carries it. */
    record Proved(String digest, String deviceId, long sequence, long timestamp, java.util.List<Double> values, String transaction, int index,
        long height, boolean verified) {}

    @Override
    public Integer call() {
      Responses.StoredReading r;
      try {
        r = options.client().streams().verifyReading(digest);
      } catch (ProofException e) {
        throw new IllegalStateException("reading proof does NOT verify (" + e.failure() + "): " + e.getMessage(), e);
      }
      var out = spec.commandLine().getOut();
      if (output.printJson(out, new Proved(digest, r.deviceId(), r.sequence(), r.timestamp(), r.values(), r.txId(), r.index(), r.height(), true))) {
        return Veriflow.OK;
      }
      out.println("reading " + digest);
      out.println("  device " + r.deviceId() + ", sequence " + r.sequence() + ", time " + java.time.Instant.ofEpochMilli(r.timestamp()) + ", values " + r.values());
      out.println("  signed by its device; carried by transaction " + r.txId() + " (reading " + r.index() + ") in block " + r.height());
      out.println("reading proof verified: digest, device signature, batch and inclusion in the block's signed log");
      return Veriflow.OK;
    }
  }
}
