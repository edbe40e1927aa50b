package org.veriflow.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.merkle.ProofException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "dataset", description = "Dataset snapshots of streams.", subcommands = {DatasetCommand.Snapshot.class, DatasetCommand.Export.class})
final class DatasetCommand {
  @Command(name = "snapshot", description = {"Freeze a stream's legal readings in [--from, --to) as a dataset: the chain records",
      "the row count, the SHA-256 of the canonical CSV and the RFC 6962 root over the readings' digests.",
      "Prints the snapshot id (the transaction id)."})
  static final class Snapshot implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;

    @Option(names = "--stream", required = true, description = "The stream id.")
    String stream;

    @Option(names = "--from", required = true, description = "From this time, inclusive (ISO-8601 or epoch ms).")
    String from;

    @Option(names = "--to", required = true, description = "Up to this time, exclusive (ISO-8601 or epoch ms).")
    String to;

    @Option(names = "--title", defaultValue = "", description = "A title for the dataset.")
    String title;

    @Override
    public Integer call() {
      long f = TimeArg.parse(spec, "--from", from);
      long t = TimeArg.parse(spec, "--to", to);
      VeriflowClient client = options.client();
      Responses.TxInfo tx = Submit.andWait(client, options.builder(client).snapshot(stream, f, t, title), spec.commandLine().getOut());
      Responses.Snapshot s = client.snapshot(tx.id());
      spec.commandLine().getErr().println("snapshot " + s.snapshotId() + ": " + s.rowCount() + " readings, CSV SHA-256 " + s.csvSha256()
          + ", readings root " + s.readingsRoot());
      return Veriflow.OK;
    }
  }

  @Command(name = "export", description = "Write a snapshot's canonical CSV and check it against the hashes on chain.")
  static final class Export implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;

    @Parameters(paramLabel = "ID", description = "The snapshot id.")
    String id;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the CSV.")
    Path out;

    @Override
    public Integer call() throws Exception {
      Responses.SnapshotExport e;
      try {
        e = options.client().exportSnapshot(id, out);
      } catch (ProofException ex) {
        throw new IllegalStateException("the export does NOT match the chain: " + ex.getMessage(), ex);
      }
      var o = spec.commandLine().getOut();
      o.println("wrote " + e.rows() + " readings to " + out);
      o.println("CSV SHA-256     " + e.csvSha256() + " matches the chain");
      o.println("readings root   " + e.readingsRoot() + " matches the chain");
      return Veriflow.OK;
    }
  }
}
