package org.veriflow.client.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.client.ClientException;
import org.veriflow.client.VeriflowClient;

/** The facet's reads over HTTP, against canned answers in the node's format. */
class FederatedClientHttpTest {
  private static final String H = "ab".repeat(32);
  private HttpServer server;
  private VeriflowClient client;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/fl/tasks/t1/rounds/1", x -> answer(x, 200, "application/json", """
        {"taskId":"t1","round":1,"status":"AGGREGATED","openedHeight":3,"deadlineHeight":8,"deadlineMillis":1700000010000,
         "baseModelSha256":"%s","updates":[{"participant":"p1","updateSha256":"%s","examples":40,"parameterCount":31,"metrics":{"train.loss":0.5},"height":4,"txId":"%s"}],
         "attempt":1,"resultSha256":"%s",
         "result":{"globalModelSha256":"%s","accepted":[],"rejected":[{"participant":"p1","updateSha256":"%s","reason":"NON_FINITE","score":"NaN"}],
                   "contributions":[],"validationLoss":"Infinity","validationAccuracy":"-Infinity"},
         "aggregatedHeight":9,"attestations":[],"verifiedHeight":0}""".formatted(H, H, H, H, H, H)));
    // A deadline time beyond 2^53 comes as a string of digits; one missing (a node before round times) reads as none.
    server.createContext("/v1/fl/tasks/t1/rounds/2", x -> answer(x, 200, "application/json", """
        {"taskId":"t1","round":2,"status":"OPEN","openedHeight":9,"deadlineHeight":14,"deadlineMillis":"9007199254740993",
         "baseModelSha256":"%s","updates":[],"attempt":0,"aggregatedHeight":0,"attestations":[],"verifiedHeight":0}""".formatted(H)));
    server.createContext("/v1/fl/tasks/t1/rounds/3", x -> answer(x, 200, "application/json", """
        {"taskId":"t1","round":3,"status":"OPEN","openedHeight":15,"deadlineHeight":20,
         "baseModelSha256":"%s","updates":[],"attempt":0,"aggregatedHeight":0,"attestations":[],"verifiedHeight":0}""".formatted(H)));
    server.createContext("/v1/fl/tasks/nope", x -> answer(x, 404, "application/problem+json",
        "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"code\":\"UNKNOWN_TASK\",\"detail\":\"no task nope\"}"));
    server.start();
    client = new VeriflowClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private static void answer(com.sun.net.httpserver.HttpExchange x, int status, String type, String body) throws java.io.IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", type);
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Test
  void round_nonFiniteScoresAndLossesWrittenAsStrings_readAsNumbers() {
    Round r = new FederatedClient(client).round("t1", 1);
    RoundResult result = r.result().orElseThrow();
    assertThat(result.rejected()).singleElement().satisfies(x -> assertThat(x.score()).isNaN());
    assertThat(result.validationLoss()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(result.validationAccuracy()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(r.update("p1").orElseThrow().metrics()).containsEntry("train.loss", 0.5);
  }

  @Test
  void round_deadlineTime_readAsNumberOrDigitsString_absentIsNone() {
    assertThat(new FederatedClient(client).round("t1", 1).deadlineMillis()).isEqualTo(1_700_000_010_000L);
    assertThat(new FederatedClient(client).round("t1", 2).deadlineMillis()).isEqualTo(9_007_199_254_740_993L);
    assertThat(new FederatedClient(client).round("t1", 3).deadlineMillis()).isZero();
  }

  @Test
  void task_unknown_throwsTheNodesCode() {
    assertThatThrownBy(() -> new FederatedClient(client).task("nope")).isInstanceOfSatisfying(ClientException.class, e -> {
      assertThat(e.code()).isEqualTo("UNKNOWN_TASK");
      assertThat(e.status()).isEqualTo(404);
    });
  }
}
