package org.veriflow.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.TxPayload;

/** The session against a small HTTP server that answers like a node: chain, account and submissions. */
class SessionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SigningKey KEY = SigningKey.generate(SignatureAlgorithm.ED25519);

  private HttpServer server;
  private VeriflowClient client;
  private final AtomicLong height = new AtomicLong(5);
  private final AtomicLong accountNonce = new AtomicLong(7);
  private final AtomicInteger accountReads = new AtomicInteger();
  /** Codes the next submissions are refused with, in order; then they commit. */
  private final ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
  private final List<Long> submittedNonces = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chain", ex -> reply(ex, 200, "{\"chainId\":\"session-test\",\"genesisHash\":\"00\",\"height\":"
        + height.get() + ",\"maxTxBytes\":65536,\"orderers\":[]}"));
    server.createContext("/v1/accounts/", ex -> {
      accountReads.incrementAndGet();
      reply(ex, 200, "{\"id\":\"" + KEY.id().value() + "\",\"nonce\":" + accountNonce.get() + ",\"balance\":0}");
    });
    server.createContext("/v1/transactions", ex -> {
      JsonNode body = JSON.readTree(ex.getRequestBody());
      TxPayload payload = TxPayload.parseFrom(Base64.getDecoder().decode(body.path("payload").asText()));
      synchronized (submittedNonces) {
        submittedNonces.add(payload.getNonce());
      }
      String code = refusals.poll();
      if (code != null) {
        reply(ex, 409, "{\"code\":\"" + code + "\",\"detail\":\"refused\"}");
      } else {
        reply(ex, 200, "{\"id\":\"tx-" + payload.getNonce() + "\",\"status\":\"COMMITTED\",\"height\":" + height.get() + "}");
      }
    });
    server.start();
    client = new VeriflowClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void reply(HttpExchange ex, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private static TxPayload payload(SignedTransaction tx) throws IOException {
    return TxPayload.parseFrom(tx.payload());
  }

  @Test
  void sign_consecutiveCalls_readNonceOnce_andHandOutConsecutiveNonces() throws IOException {
    Session session = new Session(client, KEY);
    List<Long> nonces = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nonces.add(payload(session.sign(b -> b.transfer("someone", 1, ""))).getNonce());
    }
    assertThat(nonces).containsExactly(7L, 8L, 9L);
    assertThat(accountReads.get()).isEqualTo(1);
  }

  @Test
  void sign_validUntil_isHeightAtBuildPlusWindow() throws IOException {
    Session session = new Session(client, KEY);
    TxPayload first = payload(session.sign(b -> b.transfer("someone", 1, "")));
    height.set(40);
    TxPayload second = payload(session.sign(b -> b.transfer("someone", 1, "")));
    Session narrow = new Session(client, KEY, 10);
    TxPayload third = payload(narrow.sign(b -> b.transfer("someone", 1, "")));

    assertThat(first.getValidUntilHeight()).isEqualTo(5 + Session.DEFAULT_VALIDITY_BLOCKS);
    assertThat(second.getValidUntilHeight()).isEqualTo(40 + Session.DEFAULT_VALIDITY_BLOCKS);
    assertThat(third.getValidUntilHeight()).isEqualTo(50);
    assertThat(first.getChainId()).isEqualTo("session-test");
  }

  @Test
  void submit_staleNonce_rereadsNonceAndSubmitsOnceMore() {
    Session session = new Session(client, KEY);
    session.sign(b -> b.transfer("someone", 1, ""));
    accountNonce.set(12);
    refusals.add("NONCE_TOO_LOW");

    Responses.TxInfo info = session.submit(b -> b.transfer("someone", 1, ""), true);

    assertThat(TransactionStatus.of(info)).isEqualTo(TransactionStatus.COMMITTED);
    assertThat(submittedNonces).containsExactly(8L, 12L);
    assertThat(info.id()).isEqualTo("tx-12");
    assertThat(accountReads.get()).isEqualTo(2);
  }

  @Test
  void submit_staleTwice_throwsTheSecondRefusal() {
    Session session = new Session(client, KEY);
    refusals.add("NONCE_TOO_HIGH");
    refusals.add("NONCE_TOO_LOW");

    assertThatThrownBy(() -> session.submit(b -> b.transfer("someone", 1, ""), true))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("NONCE_TOO_LOW"));
    assertThat(submittedNonces).hasSize(2);
  }

  @Test
  void submit_otherRefusal_throwsWithoutRetry_andNextTransactionRereadsNonce() {
    Session session = new Session(client, KEY);
    refusals.add("BAD_SIGNATURE");

    assertThatThrownBy(() -> session.submit(b -> b.transfer("someone", 1, ""), true))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("BAD_SIGNATURE"));
    Responses.TxInfo next = session.submit(b -> b.transfer("someone", 1, ""), true);

    assertThat(submittedNonces).containsExactly(7L, 7L);
    assertThat(TransactionStatus.of(next)).isEqualTo(TransactionStatus.COMMITTED);
  }

  @Test
  void sign_callBuildingTwoTransactions_isRefused() {
    Session session = new Session(client, KEY);
    assertThatThrownBy(() -> session.sign(b -> {
      b.transfer("someone", 1, "");
      return b.transfer("someone", 2, "");
    })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one transaction");
  }

  @Test
  void constructor_windowBelowOneBlock_isRefused() {
    assertThatThrownBy(() -> new Session(client, KEY, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sign_fromManyThreads_neverHandsOutANonceTwice() throws Exception {
    Session session = new Session(client, KEY);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        futures.add(pool.submit(() -> payload(session.sign(b -> b.transfer("someone", 1, ""))).getNonce()));
      }
      Set<Long> nonces = new TreeSet<>();
      for (Future<Long> f : futures) {
        nonces.add(f.get());
      }
      assertThat(nonces).hasSize(100);
      assertThat(nonces).first().isEqualTo(7L);
      assertThat(nonces).last().isEqualTo(106L);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void status_ofEveryNodeStatus_andUnknownOne() {
    assertThat(TransactionStatus.failed(new Responses.TxInfo("a", "FAILED", java.util.Optional.of(3L), java.util.Optional.of("X"),
        java.util.Optional.empty(), java.util.Optional.empty()))).isTrue();
    assertThat(TransactionStatus.failed(new Responses.TxInfo("a", "COMMITTED", java.util.Optional.of(3L), java.util.Optional.empty(),
        java.util.Optional.empty(), java.util.Optional.empty()))).isFalse();
    for (TransactionStatus s : TransactionStatus.values()) {
      assertThat(TransactionStatus.of(new Responses.TxInfo("a", s.name(), java.util.Optional.empty(), java.util.Optional.empty(),
          java.util.Optional.empty(), java.util.Optional.empty()))).isEqualTo(s);
    }
    assertThatThrownBy(() -> TransactionStatus.of(new Responses.TxInfo("a", "LOST", java.util.Optional.empty(),
        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LOST");
  }
}
