package org.veriflow.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "node", description = "Run a node.", subcommands = NodeCommand.Start.class)
final class NodeCommand {
  /** Exit code when the node stops because it can no longer commit (e.g. the disk failed). */
  static final int FATAL = 70;

  @Command(name = "start", description = "Start the node in DIR and serve until stopped (Ctrl-C or SIGTERM).")
  static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The node directory (from 'veriflow init').")
    Path dir;

    @Option(names = "--http-port", paramLabel = "P", description = "Override the HTTP port.")
    Integer httpPort;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("no node directory " + dir + "; create one with 'veriflow init --dir " + dir + "'");
      }
      Map<String, String> overrides = new TreeMap<>();
      if (httpPort != null) {
        overrides.put(NodeConfig.HTTP_PORT.name(), httpPort.toString());
      }
      NodeConfig config = NodeConfig.load(dir, System.getenv(), overrides);
      CountDownLatch stopped = new CountDownLatch(1);
      Node node = Node.start(config, Clock.systemUTC(), e -> {
        System.err.println("error: the node stopped: " + Veriflow.message(e));
        Runtime.getRuntime().halt(FATAL);
      });
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        node.close();
        stopped.countDown();
      }, "veriflow-shutdown"));
      spec.commandLine().getOut().println("node serving chain '" + node.ledger().chainId() + "' at height "
          + node.ledger().head().height() + " on " + (config.serverSettings().secure() ? "https" : "http") + "://" + config.get(NodeConfig.HTTP_HOST)
          + ":" + node.httpPort() + (node.opsPort() >= 0 ? " (health and metrics on port " + node.opsPort() + ")" : ""));
      stopped.await();
      return Veriflow.OK;
    }
  }
}
