package org.veriflow.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.veriflow.contracts.SystemContracts;
import org.veriflow.ledger.ChainVerifier;
import org.veriflow.ledger.store.rocksdb.RocksDbStore;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "ledger", description = "Operate on a node's ledger store directly.", subcommands = LedgerCommand.Verify.class)
final class LedgerCommand {
  @Command(name = "verify", description = "Re-hash and re-execute the whole chain from genesis; name the first block where anything differs.")
  static final class Verify implements Callable<Integer> {
    private static final String VERIFYING = "verifying blocks";

    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The node directory.")
    Path dir;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    @Mixin OutputOptions output;

    /** The JSON result: what was checked, and the first block where anything differs (null when none). */
    record Verified(boolean ok, long blocksChecked, long transactionsChecked, Long failedAtHeight, String problem) {}

    @Override
    public Integer call() {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("no node directory " + dir);
      }
      NodeConfig config = NodeConfig.load(dir, System.getenv(), Map.of());
      var genesis = GenesisFile.read(config.path(NodeConfig.GENESIS_FILE)).toState();
      SystemContracts contracts = new SystemContracts();
      var out = spec.commandLine().getOut();
      ChainVerifier.Report report;
      try (RocksDbStore store = RocksDbStore.openReadOnly(config.path(NodeConfig.DATA_DIR))) {
        ProgressBar progress = ProgressBar.on(spec.commandLine().getErr());
        report = ChainVerifier.verify(store, contracts.registry(), contracts.identities(), genesis, n -> progress.progress(VERIFYING, n, 0, ""));
        progress.finished(VERIFYING, report.blocksChecked(), "blocks");
      }
      if (output.printJson(out, new Verified(report.ok(), report.blocksChecked(), report.transactionsChecked(),
          report.ok() ? null : report.failedAtHeight(), report.problem().orElse(null)))) {
        return report.ok() ? Veriflow.OK : Veriflow.FAILURE;
      }
      if (!report.ok()) {
        spec.commandLine().getErr().println("ledger verify FAILED at block " + report.failedAtHeight() + ": " + report.problem().get());
        return Veriflow.FAILURE;
      }
      out.println("ledger verified: " + report.blocksChecked() + " blocks, " + report.transactionsChecked()
          + " transactions re-executed; every header, result, state entry and log node matches");
      return Veriflow.OK;
    }
  }
}
