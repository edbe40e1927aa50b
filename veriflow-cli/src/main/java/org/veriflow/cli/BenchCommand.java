package org.veriflow.cli;

import java.util.concurrent.Callable;
import org.veriflow.bench.load.SubmitLoad;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench", description = "Load generators.", subcommands = BenchCommand.Submit.class)
final class BenchCommand {
  @Command(name = "submit", description = {
      "Submit N credit transfers from S senders and report committed transfers per second and p50/p99",
      "submit-to-durable latency, next to this machine's signature-verification ceiling measured in the same run.",
      "--key must be an administrator with credits (e.g. DIR/keys/admin.key from 'veriflow init')."})
  static final class Submit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;

    @Option(names = "--txs", defaultValue = "20000", description = "Transfers to submit (default: ${DEFAULT-VALUE}).")
    int txs;

    @Option(names = "--senders", defaultValue = "64", description = "Distinct senders (default: ${DEFAULT-VALUE}).")
    int senders;

    @Option(names = "--concurrency", defaultValue = "1024", description = "Transactions in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--batch", defaultValue = "100", description = "Transactions per request; 1 submits each on its own (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
      var out = spec.commandLine().getOut();
      SubmitLoad.Result r = new SubmitLoad(options.client(), options.signingKey(), out).run(txs, senders, concurrency, batch);
      out.printf("committed %d transfers (%d failed) in %.2f s: %.0f tx/s%n", r.committed(), r.failed(), r.seconds(), r.txPerSecond());
      out.printf("submit-to-durable latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", r.p50Millis(), r.p99Millis(), r.maxMillis());
      out.printf("signature ceiling: %.0f verifications/s on %d cores; throughput is %.0f%% of it%n", r.verifyPerSecond(), r.cores(), 100 * r.ratio());
      return r.failed() == 0 ? Veriflow.OK : Veriflow.FAILURE;
    }
  }
}
