package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.veriflow.client.ClientException;
import org.veriflow.client.VeriflowClient;
import org.veriflow.node.NodeConfig;

/** A node running in its own JVM, started from the module's built classes and runtime libraries. */
final class NodeProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code veriflow node start --dir dir --http-port port} and waits until it answers. */
  static NodeProcess start(Path dir, int port, Path log, Duration deadline) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(Veriflow.class.getName());
    cmd.addAll(List.of("node", "start", "--dir", dir.toString(), "--http-port", Integer.toString(port)));
    ProcessBuilder builder = new ProcessBuilder(cmd);
    // Any free port for the operations listener: its default (the API's port + 1000) may be taken on a shared machine.
    builder.environment().put(NodeConfig.OPS_PORT.envName(), "0");
    Process p = builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    NodeProcess node = new NodeProcess(p, log);
    VeriflowClient client = new VeriflowClient(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(5));
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("node exited with " + p.exitValue() + " during start; log:\n" + Files.readString(log));
      }
      try {
        client.health();
        return node;
      } catch (ClientException e) {
        if (System.nanoTime() > end) {
          node.kill();
          throw new IllegalStateException("node did not answer within " + deadline + "; log:\n" + Files.readString(log));
        }
        Thread.onSpinWait();
        p.waitFor(java.util.concurrent.TimeUnit.MILLISECONDS.toMillis(50), java.util.concurrent.TimeUnit.MILLISECONDS);
      }
    }
  }

  /** The module's compiled classes and the runtime libraries copied by the package phase. */
  static String classpath() throws IOException {
    Path target = Path.of("target");
    Path lib = target.resolve("lib");
    if (!Files.isDirectory(lib)) {
      throw new IllegalStateException("run through Maven's verify phase: " + lib.toAbsolutePath() + " is missing");
    }
    List<String> entries = new ArrayList<>();
    entries.add(target.resolve("classes").toAbsolutePath().toString());
    try (Stream<Path> jars = Files.list(lib)) {
      jars.filter(j -> j.toString().endsWith(".jar")).sorted().forEach(j -> entries.add(j.toAbsolutePath().toString()));
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  /** SIGKILL: no shutdown hook, no flush, nothing but what is already durable survives. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Waits up to {@code d} for the process to exit; true if it has. */
  boolean waitForExit(Duration d) throws InterruptedException {
    return process.waitFor(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** Stops the node with SIGTERM (SIGKILL after 20 s); an interrupt while waiting kills it at once. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          kill();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
