package org.veriflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.Checkpoint;

/**
 * Stand-in nodes that answer {@code /v1/cluster}, {@code /v1/chain}, {@code /v1/blocks/{h}} and
 * {@code /v1/checkpoints/{h}} from a few fields, so that the {@code cluster} commands can be run
 * without a cluster. Block {@code h} of a chain has hash SHA-256("block" h fork) and state hash
 * SHA-256("state" h fork), where {@code fork} is 0 below a node's {@code forkHeight} and 1 from it.
 * Fields are volatile: tests set them, the servers' threads read them.
 */
final class ScriptedCluster implements AutoCloseable {
  static final String CHAIN = "veriflow-test";
  static final ObjectMapper JSON = new ObjectMapper();

  final List<Node> nodes = new ArrayList<>();
  private final javax.net.ssl.SSLContext tls;
  /** Released when the scripted cluster closes, so that a handler told to hang returns. */
  final CountDownLatch closing = new CountDownLatch(1);

  /** One stand-in node; tests change its fields before asking. */
  final class Node {
    final String id;
    final HttpServer server;
    volatile SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
    volatile String role = "FOLLOWER";
    volatile long term = 3;
    volatile long height = 5;
    volatile long forkHeight = Long.MAX_VALUE;
    volatile String chainId = CHAIN;
    volatile String self;
    volatile boolean clustered = true;
    volatile boolean hang;
    volatile boolean badSignature;
    /** Signs checkpoints with this key instead of {@link #key}, which the chain lists as an orderer; null: {@code key}. */
    volatile SigningKey foreignSigner;

    Node(String id) throws IOException {
      this.id = id;
      this.self = id;
      if (tls != null) {
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        server = https;
      } else {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      }
      server.createContext("/", this::handle);
      server.start();
    }

    String url() {
      return (tls != null ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    String blockHash(long h) {
      return Hash.sha256(("block" + h + (h >= forkHeight ? 1 : 0)).getBytes(StandardCharsets.UTF_8)).hex();
    }

    String stateHash(long h) {
      return Hash.sha256(("state" + h + (h >= forkHeight ? 1 : 0)).getBytes(StandardCharsets.UTF_8)).hex();
    }

    private void handle(HttpExchange x) throws IOException {
      try (x) {
        if (hang) {
          try {
            closing.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return;
        }
        String path = x.getRequestURI().getPath();
        if (path.equals("/v1/cluster")) {
          send(x, 200, cluster());
        } else if (path.equals("/v1/chain")) {
          send(x, 200, chain());
        } else if (path.startsWith("/v1/blocks/") || path.startsWith("/v1/checkpoints/")) {
          String last = path.substring(path.lastIndexOf('/') + 1);
          long h = last.equals("latest") ? height : Long.parseLong(last);
          if (h > height) {
            send(x, 404, JSON.createObjectNode().put("code", "UNKNOWN_BLOCK").put("detail", "no block at height " + h + "; the head is " + height));
          } else {
            send(x, 200, path.startsWith("/v1/blocks/") ? block(h) : checkpoint(h));
          }
        } else {
          send(x, 404, JSON.createObjectNode().put("code", "NOT_FOUND").put("detail", path));
        }
      }
    }

    private ObjectNode cluster() {
      ObjectNode n = JSON.createObjectNode().put("clustered", clustered);
      if (clustered) {
        n.put("self", self).put("role", role).put("leader", "node1").put("term", term);
      } else {
        n.putNull("self").put("role", "SOLO").putNull("leader").put("term", 0);
      }
      n.put("commitIndex", 9).put("appliedIndex", 9);
      var members = n.putArray("members");
      if (clustered) {
        for (Node m : nodes) {
          members.addObject().put("id", m.id).put("raftAddress", "127.0.0.1:" + (7200 + nodes.indexOf(m))).put("apiUrl", m.url());
        }
      }
      n.putArray("followers");
      return n.put("chainId", chainId).put("height", height).put("blockHash", blockHash(height)).put("stateHash", stateHash(height));
    }

    private ObjectNode chain() {
      ObjectNode n = JSON.createObjectNode().put("chainId", chainId).put("genesisHash", blockHash(0)).put("height", height).put("maxTxBytes", 1 << 20);
      var orderers = n.putArray("orderers");
      for (Node m : nodes) {
        orderers.addObject().put("id", m.key.id().value()).put("algorithm", m.key.algorithm().name())
            .put("publicKey", Hex.encode(m.key.publicKey().encoded()));
      }
      return n;
    }

    private ObjectNode block(long h) {
      return JSON.createObjectNode().put("height", h).put("hash", blockHash(h)).put("stateHash", stateHash(h));
    }

    private ObjectNode checkpoint(long h) {
      byte[] bytes = Checkpoint.newBuilder().setChainId(chainId).setHeight(h)
          .setBlockHash(ByteString.copyFrom(Hex.decode(blockHash(h)))).setStateHash(ByteString.copyFrom(Hex.decode(stateHash(h))))
          .build().toByteArray();
      SigningKey signer = foreignSigner == null ? key : foreignSigner;
      byte[] sig = signer.sign(bytes);
      if (badSignature) {
        sig[0] ^= 1;
      }
      ObjectNode n = JSON.createObjectNode().put("chainId", chainId).put("height", h).put("blockHash", blockHash(h)).put("stateHash", stateHash(h));
      n.putObject("signer").put("id", signer.id().value()).put("algorithm", signer.algorithm().name())
          .put("publicKey", Hex.encode(signer.publicKey().encoded()));
      return n.put("checkpoint", Base64.getEncoder().encodeToString(bytes)).put("signature", Base64.getEncoder().encodeToString(sig));
    }
  }

  /** Starts {@code n} stand-in nodes, node1 .. nodeN, node1 the leader, all at height 5 with the same chain. */
  ScriptedCluster(int n) throws IOException {
    this(n, null);
  }

  /** Stand-in nodes serving HTTPS with {@code tls}'s certificate (null: plain HTTP). */
  ScriptedCluster(int n, javax.net.ssl.SSLContext tls) throws IOException {
    this.tls = tls;
    for (int i = 1; i <= n; i++) {
      nodes.add(new Node("node" + i));
    }
    nodes.get(0).role = "LEADER";
  }

  Node node(int i) {
    return nodes.get(i - 1);
  }

  private static void send(HttpExchange x, int status, ObjectNode body) throws IOException {
    byte[] b = JSON.writeValueAsBytes(body);
    x.getResponseHeaders().set("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
    x.sendResponseHeaders(status, b.length);
    try (OutputStream o = x.getResponseBody()) {
      o.write(b);
    }
  }

  @Override
  public void close() {
    closing.countDown();
    for (Node n : nodes) {
      n.server.stop(0);
    }
  }
}
