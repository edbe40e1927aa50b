package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.node.NodeConfig;

/**
 * A cluster written by {@code veriflow init --cluster N} and run as N processes on loopback, for
 * integration tests: start, kill (SIGKILL), ask who leads, and wait (long-polling blocks, never
 * sleeping) until every running member has the same head.
 */
final class LocalCluster implements AutoCloseable {
  private static final Duration START_DEADLINE = Duration.ofSeconds(90);

  private final Path dir;
  private final int size;
  private final int[] httpPorts;
  /** Written by whichever thread starts or kills a member, read by the load's threads. */
  private final AtomicReferenceArray<NodeProcess> processes;
  private final VeriflowClient[] clients;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LocalCluster(Path dir, int size, int basePort) {
    this.dir = dir;
    this.size = size;
    this.httpPorts = new int[size];
    this.processes = new AtomicReferenceArray<>(size);
    this.clients = new VeriflowClient[size];
    for (int i = 0; i < size; i++) {
      httpPorts[i] = basePort + i;
      clients[i] = new VeriflowClient(URI.create("http://127.0.0.1:" + httpPorts[i]), Duration.ofSeconds(40));
    }
  }

  /**
   * Writes a cluster of {@code size} nodes in {@code dir} with {@code veriflow init --cluster} on
   * free loopback ports, adding {@code settings} to every node's configuration.
   */
  static LocalCluster init(Path dir, int size, Map<String, String> settings) throws IOException {
    int base = freeBase(size);
    Veriflow.Captured o = Veriflow.capture("init", "--dir", dir.toString(), "--cluster", Integer.toString(size), "--base-port", Integer.toString(base),
        "--chain-id", "veriflow-cluster", "--insecure-http");
    if (o.exitCode() != 0) {
      throw new IllegalStateException("init --cluster failed: " + o.err() + o.out());
    }
    for (int i = 1; i <= size; i++) {
      StringBuilder extra = new StringBuilder("\n");
      settings.forEach((k, v) -> extra.append(k).append('=').append(v).append('\n'));
      Files.writeString(dir.resolve("node" + i).resolve(NodeConfig.FILE_NAME), extra.toString(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
    return new LocalCluster(dir, size, base);
  }

  /** A base port P with P..P+size-1 (HTTP) and P+100..P+100+size-1 (Raft) all free now. */
  private static int freeBase(int size) throws IOException {
    int[] offsets = new int[2 * size];
    for (int i = 0; i < size; i++) {
      offsets[2 * i] = i;
      offsets[2 * i + 1] = 100 + i;
    }
    return LoopbackPorts.freeBase(offsets);
  }

  SigningKey admin() throws IOException {
    return KeyPem.decodePrivate(Files.readString(dir.resolve("keys/admin.key")));
  }

  int size() {
    return size;
  }

  /** Starts member {@code i} (0-based) and returns once its API answers. */
  void start(int i) throws IOException, InterruptedException {
    processes.set(i, NodeProcess.start(dir.resolve("node" + (i + 1)), httpPorts[i], dir.resolve("node" + (i + 1) + ".log"), START_DEADLINE));
  }

  void startAll() throws IOException, InterruptedException {
    for (int i = 0; i < size; i++) {
      start(i);
    }
  }

  void kill(int i) throws InterruptedException {
    processes.getAndSet(i, null).kill();
  }

  boolean running(int i) {
    NodeProcess p = processes.get(i);
    return p != null && p.isAlive();
  }

  VeriflowClient client(int i) {
    return clients[i];
  }

  Path log(int i) {
    return dir.resolve("node" + (i + 1) + ".log");
  }

  /** The index of the member that leads, as the first running member that knows one says; -1 if none. */
  int leader() {
    for (int i = 0; i < size; i++) {
      if (!running(i)) {
        continue;
      }
      try {
        Responses.ClusterInfo info = clients[i].cluster();
        if (info.leader().isPresent()) {
          return Integer.parseInt(info.leader().get().substring("node".length())) - 1;
        }
      } catch (ClientException e) {
        // not answering: ask the next one
      }
    }
    return -1;
  }

  /**
   * Waits until member {@code i} has committed a block at {@code height} (long-polling the node),
   * up to {@code deadline}; true if it has.
   */
  boolean awaitHeight(int i, long height, Duration deadline) throws IOException, InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      long waitMs = Math.min(20_000, Math.max(1, (end - System.nanoTime()) / 1_000_000));
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts[i] + "/v1/blocks/" + height + "?waitMs=" + waitMs))
          .timeout(Duration.ofMillis(waitMs + 10_000)).GET().build();
      try {
        if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return true;
        }
      } catch (IOException e) {
        NodeProcess p = processes.get(i);
        if (p == null || !p.isAlive()) {
          throw e;
        }
        // The node is between answers (its API restarting): ask again.
        p.waitForExit(Duration.ofMillis(100));
      }
    }
    return false;
  }

  /**
   * Waits until every running member has the highest head any of them reports, then returns the
   * members' views: all at one height, which the caller compares.
   */
  List<Responses.ClusterInfo> awaitSameHead(Duration deadline) throws IOException, InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (true) {
      long top = -1;
      for (int i = 0; i < size; i++) {
        if (running(i)) {
          top = Math.max(top, clients[i].cluster().height());
        }
      }
      for (int i = 0; i < size; i++) {
        if (running(i) && !awaitHeight(i, top, Duration.ofNanos(Math.max(1, end - System.nanoTime())))) {
          throw new AssertionError("node" + (i + 1) + " did not reach height " + top + " within " + deadline);
        }
      }
      List<Responses.ClusterInfo> views = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        if (running(i)) {
          views.add(clients[i].cluster());
        }
      }
      if (views.stream().allMatch(v -> v.height() == views.get(0).height())) {
        return views;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("members did not settle on one head within " + deadline + ": " + views);
      }
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < size; i++) {
      NodeProcess p = processes.get(i);
      if (p != null) {
        p.close();
      }
    }
  }
}
