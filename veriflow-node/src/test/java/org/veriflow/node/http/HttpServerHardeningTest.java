package org.veriflow.node.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.proto.contracts.IdentityKind;

/**
 * A node in this JVM attacked the way its HTTP server was found holdable: a chunked body past the
 * limit, JSON with trailing tokens or repeated keys, requests Jetty refuses by itself, and hundreds
 * of slow connections. Timeouts are shortened so that each test takes seconds.
 */
class HttpServerHardeningTest {
  private static final String CHAIN = "veriflow-hardening";
  private static final int PER_ADDRESS = 20;

  @TempDir Path dir;
  private SigningKey admin;
  private Node node;
  private VeriflowClient client;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeEach
  void startNode() throws Exception {
    admin = SigningKey.generate(SignatureAlgorithm.ED25519);
    SigningKey nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/node.key"), KeyPem.encodePrivate(nodeKey));
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), 1_000_000L);
    GenesisFile.write(dir.resolve("genesis.json"), new GenesisSpec(CHAIN, 1_700_000_000_000L, 1024 * 1024,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())), List.of(new GenesisSpec.Member("node1", nodeKey.publicKey())), balances));
    Map<String, String> settings = new TreeMap<>();
    settings.put(NodeConfig.HTTP_PORT.name(), "0");
    settings.put(NodeConfig.HTTP_INSECURE.name(), "true");
    settings.put(NodeConfig.OPS_PORT.name(), "0");
    settings.put(NodeConfig.VERIFIER_ENABLED.name(), "false");
    settings.put(NodeConfig.HTTP_THREADS.name(), "64");
    settings.put(NodeConfig.HTTP_IDLE_TIMEOUT.name(), "3000");
    settings.put(NodeConfig.HTTP_HEADER_TIMEOUT.name(), "1000");
    settings.put(NodeConfig.HTTP_MIN_REQUEST_DATA_RATE.name(), "100");
    settings.put(NodeConfig.HTTP_MAX_CONNECTIONS_PER_ADDRESS.name(), Integer.toString(PER_ADDRESS));
    NodeConfig.write(dir, settings);
    node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
    client = new VeriflowClient(URI.create("http://127.0.0.1:" + node.httpPort()));
  }

  @AfterEach
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  // ------------------------------------------------------------ body limit

  @Test
  void chunkedBody_pastTheLimit_refused413WhileStreaming_andTheNodeStillServes() throws Exception {
    RawHttp.Answer answer;
    try (Socket s = RawHttp.connect(null, node.httpPort(), Duration.ofSeconds(20))) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/transactions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      Thread writer = new Thread(() -> {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        try {
          // 64 MiB of whitespace: eight times the limit.
          for (int i = 0; i < 1024; i++) {
            out.write(size);
            out.write(chunk);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
          }
          out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
          // the server answered and closed: expected
        }
      });
      writer.start();
      answer = RawHttp.read(s.getInputStream());
      writer.join(20_000);
    }
    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.problemJson()).isTrue();
    assertThat(answer.body()).contains("\"code\":\"TOO_LARGE\"");
    assertThat(client.health().status()).isEqualTo("UP");
  }

  @Test
  void declaredLength_pastTheLimit_refused413BeforeTheBody() throws Exception {
    RawHttp.Answer a = RawHttp.exchange(node.httpPort(), "POST /v1/transactions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + (Limits.MAX_REQUEST_BYTES + 1) + "\r\n\r\n{");
    assertThat(a.status()).isEqualTo(413);
    assertThat(a.body()).contains("\"code\":\"TOO_LARGE\"");
  }

  // ------------------------------------------------------------ strict JSON

  @Test
  void transaction_followedByTrailingTokens_refusedMalformed_andNotCommitted() throws Exception {
    SignedTransaction tx = register();
    String body = body(tx);
    HttpResponse<String> r = post("/v1/transactions?wait=true", body + "}}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("content-type")).hasValue(HttpApi.PROBLEM_JSON);
    assertThat(r.body()).contains("\"code\":\"MALFORMED\"");
    assertThat(client.account(admin.id().value()).nonce()).isZero();
    // The same transaction alone is valid: the trailing tokens alone were refused.
    assertThat(post("/v1/transactions?wait=true", body).statusCode()).isEqualTo(200);
    assertThat(client.account(admin.id().value()).nonce()).isEqualTo(1);
  }

  @Test
  void object_withARepeatedKey_refusedMalformed() throws Exception {
    SignedTransaction tx = register();
    String payload = Base64.getEncoder().encodeToString(tx.payload());
    String body = "{\"payload\":\"" + payload + "\",\"payload\":\"" + payload + "\",\"signature\":\""
        + Base64.getEncoder().encodeToString(tx.signature()) + "\"}";
    HttpResponse<String> r = post("/v1/transactions?wait=true", body);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"code\":\"MALFORMED\"");
    assertThat(client.account(admin.id().value()).nonce()).isZero();
    HttpResponse<String> batch = post("/v1/transactions/batch", "{\"transactions\":[],\"transactions\":[]}");
    assertThat(batch.statusCode()).isEqualTo(400);
    assertThat(batch.body()).contains("\"code\":\"MALFORMED\"");
  }

  // ------------------------------------------------------------ Jetty's own refusals

  @Test
  void uriTooLong_answers414ProblemJson() throws Exception {
    RawHttp.Answer a = RawHttp.exchange(node.httpPort(), "GET /" + "a".repeat(12_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertThat(a.status()).isEqualTo(414);
    assertThat(a.problemJson()).isTrue();
    assertThat(a.body()).contains("\"code\":\"URI_TOO_LONG\"", "\"status\":414");
  }

  @Test
  void headersTooLarge_answer431ProblemJson() throws Exception {
    RawHttp.Answer a = RawHttp.exchange(node.httpPort(), "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "b".repeat(12_000) + "\r\n\r\n");
    assertThat(a.status()).isEqualTo(431);
    assertThat(a.problemJson()).isTrue();
    assertThat(a.body()).contains("\"code\":\"HEADERS_TOO_LARGE\"");
  }

  @Test
  void badRequestLineOrHeader_answer400ProblemJson() throws Exception {
    RawHttp.Answer line = RawHttp.exchange(node.httpPort(), "GET /health HTTP/1.1 extra\r\nHost: localhost\r\n\r\n");
    assertThat(line.status()).isEqualTo(400);
    assertThat(line.problemJson()).isTrue();
    assertThat(line.body()).contains("\"code\":\"BAD_REQUEST\"");
    RawHttp.Answer header = RawHttp.exchange(node.httpPort(), "GET /health HTTP/1.1\r\nHost: localhost\r\nNo colon here\r\n\r\n");
    assertThat(header.status()).isEqualTo(400);
    assertThat(header.problemJson()).isTrue();
    assertThat(header.body()).contains("\"code\":\"BAD_REQUEST\"");
  }

  // ------------------------------------------------------------ slow clients

  /**
   * The attack as found: ~300 connections from one address, each declaring a 1,000,000-byte body
   * and sending a byte a second. The operations listener answers within 1 s throughout, the API
   * serves a client from another address, connections past the per-address cap are closed at once
   * and the others within the minimum data rate and idle timeout.
   */
  @Test
  void slowLoris_300SlowPosts_healthAnswersAndTheSlowConnectionsAreCut() throws Exception {
    int count = 300;
    List<Socket> slow = new ArrayList<>();
    String head = "POST /v1/transactions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n";
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      Socket s = RawHttp.connect("127.0.0.1", node.httpPort(), Duration.ofMillis(1));
      try {
        s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        // closed at accept already
      }
      slow.add(s);
    }
    // The attacker's pace: one byte of body on every slow connection each second.
    ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
    trickler.scheduleAtFixedRate(() -> {
      for (Socket s : slow) {
        try {
          s.getOutputStream().write('{');
        } catch (IOException e) {
          // closed by the server
        }
      }
    }, 1, 1, TimeUnit.SECONDS);
    try {
      long capClosedBy = -1;
      long allClosedBy = -1;
      while (System.nanoTime() - start < Duration.ofSeconds(15).toNanos() && allClosedBy < 0) {
        long t0 = System.nanoTime();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.opsPort() + "/health"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        // A client of another address (127.0.0.2 is loopback too on Linux) is served.
        try (Socket other = RawHttp.connect("127.0.0.2", node.httpPort(), Duration.ofSeconds(5))) {
          other.getOutputStream().write("GET /v1/chain HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          assertThat(RawHttp.read(other.getInputStream()).status()).isEqualTo(200);
        }
        int open = stillOpen(slow);
        long elapsed = System.nanoTime() - start;
        if (capClosedBy < 0 && open <= PER_ADDRESS) {
          capClosedBy = elapsed;
        }
        if (open == 0) {
          allClosedBy = elapsed;
        }
      }
      assertThat(capClosedBy).as("connections past the per-address cap closed").isNotNegative();
      assertThat(allClosedBy).as("every slow connection cut (minimum data rate, idle timeout)").isNotNegative();
      // Once the server has seen the slow connections' ends, a client of the same address is served again.
      awaitServed(Duration.ofSeconds(5));
    } finally {
      trickler.shutdownNow();
      assertThat(trickler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  void headersTrickled_connectionCutByTheHeaderTimeout() throws Exception {
    try (Socket s = RawHttp.connect(null, node.httpPort(), Duration.ofMillis(1))) {
      OutputStream out = s.getOutputStream();
      out.write("GET /health HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.ISO_8859_1));
      long start = System.nanoTime();
      // A header byte every 200 ms keeps the idle timeout (3 s) from firing; the header timeout (1 s) must.
      await("the connection cut mid-headers").atMost(Duration.ofSeconds(6)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
          .until(() -> {
            try {
              out.write('X');
              return closed(s);
            } catch (IOException e) {
              return true;
            }
          });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_900));
    }
  }

  // ------------------------------------------------------------ readiness

  @Test
  void singleNode_readyOnBothListeners() throws Exception {
    for (int port : new int[] {node.httpPort(), node.opsPort()}) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"status\":\"READY\"");
    }
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.opsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(node.opsPort()).isNotEqualTo(node.httpPort());
  }

  // ------------------------------------------------------------ helpers

  /** Connections not closed by the server yet (a read that times out); one the server answered or closed is not. */
  private static int stillOpen(List<Socket> sockets) {
    int open = 0;
    for (Socket s : sockets) {
      if (!closed(s)) {
        open++;
      }
    }
    return open;
  }

  private static boolean closed(Socket s) {
    if (s.isClosed()) {
      return true;
    }
    try {
      InputStream in = s.getInputStream();
      s.setSoTimeout(1);
      int b = in.read();
      if (b >= 0) {
        // The server answered (408) before closing: read to the close.
        s.setSoTimeout(2_000);
        in.readAllBytes();
      }
      s.close();
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing a reset socket
      }
      return true;
    }
  }

  /** Waits until a plain GET from 127.0.0.1 is answered 200, asking again after a refused connection; fails past the deadline. */
  private void awaitServed(Duration deadline) {
    await("a plain GET from 127.0.0.1 answered 200").atMost(deadline).pollInterval(Duration.ofMillis(50)).until(() -> {
      try (Socket s = RawHttp.connect("127.0.0.1", node.httpPort(), Duration.ofSeconds(2))) {
        s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return RawHttp.read(s.getInputStream()).status() == 200;
      } catch (IOException e) {
        return false; // closed at accept: the server has not seen every slow connection's end yet
      }
    });
  }


  private SignedTransaction register() {
    SigningKey someone = SigningKey.generate(SignatureAlgorithm.ED25519);
    return new TransactionBuilder(CHAIN, admin, client.account(admin.id().value()).nonce(), 10_000)
        .registerIdentity(someone.publicKey(), IdentityKind.ORGANISATION, "Someone", List.of());
  }

  private static String body(SignedTransaction tx) {
    return "{\"payload\":\"" + Base64.getEncoder().encodeToString(tx.payload()) + "\",\"signature\":\""
        + Base64.getEncoder().encodeToString(tx.signature()) + "\"}";
  }

  private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
