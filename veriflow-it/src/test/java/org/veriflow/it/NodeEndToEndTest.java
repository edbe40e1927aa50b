package org.veriflow.it;

import org.veriflow.cli.Veriflow;
import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/**
 * A real node on a free port, driven through the Java SDK, raw HTTP and the CLI. The tests share one
 * chain and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeEndToEndTest {
  @TempDir static Path tmp;
  static Path dir;
  static NodeSetup.Result setup;
  static Node node;
  static VeriflowClient client;
  static String url;
  static final SigningKey ORG = SigningKey.generate(SignatureAlgorithm.ED25519);
  static final SigningKey MEMBER = SigningKey.generate(SignatureAlgorithm.P256);
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void startNode() throws Exception {
    dir = tmp.resolve("node");
    setup = NodeSetup.init(dir, "veriflow-test", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
    url = "http://127.0.0.1:" + node.httpPort();
    client = new VeriflowClient(URI.create(url));
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  static TransactionBuilder builder(SigningKey key) {
    Responses.ChainInfo chain = client.chain();
    return new TransactionBuilder(chain.chainId(), key, client.account(key.id().value()).nonce(), chain.height() + 100);
  }

  static HttpResponse<String> http(String method, String path, String body) throws Exception {
    return http(method, path, body, url);
  }

  static HttpResponse<String> http(String method, String path, String body, String base) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody()) : b.method(method, HttpRequest.BodyPublishers.ofString(body));
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(1)
  void sdk_registerAndTransfer_commitsWithVerifiableProofs() throws Exception {
    TransactionBuilder admin = builder(setup.admin());
    Responses.TxInfo org = client.submit(admin.registerIdentity(ORG.publicKey(), IdentityKind.ORGANISATION, "Acme", List.of()), true);
    assertThat(org.status()).isEqualTo("COMMITTED");
    TransactionBuilder orgTx = builder(ORG);
    assertThat(client.submit(orgTx.registerIdentity(MEMBER.publicKey(), IdentityKind.MEMBER, "Ann", List.of("trainer")), true).committed()).isTrue();
    Responses.TxInfo transfer = client.submit(admin.transfer(ORG.id().value(), 700, "seed"), true);
    assertThat(transfer.committed()).isTrue();

    assertThat(client.account(ORG.id().value()).balance()).isEqualTo(700);
    assertThat(client.account(setup.admin().id().value()).balance()).isEqualTo(NodeSetup.GENESIS_CREDITS - 700);
    assertThat(client.account(setup.admin().id().value()).nonce()).isEqualTo(2);
    Responses.Identity member = client.identity(MEMBER.id().value());
    assertThat(member.kind()).isEqualTo("MEMBER");
    assertThat(member.owner()).isEqualTo(ORG.id().value());
    assertThat(member.algorithm()).isEqualTo("P256");

    Responses.TxInfo checked = client.verifyInclusion(transfer.id());
    assertThat(checked.proof()).isPresent();
    long head = client.latestBlock().height();
    assertThat(head).isGreaterThanOrEqualTo(3);
    client.verifyConsistency(1, head);
  }

  @Test
  @Order(2)
  void sdk_overdraft_isFailedOnChainAndConsumesNonce() {
    TransactionBuilder orgTx = builder(ORG);
    long nonceBefore = client.account(ORG.id().value()).nonce();
    Responses.TxInfo r = client.submit(orgTx.transfer(MEMBER.id().value(), 1_000_000, ""), true);
    assertThat(r.status()).isEqualTo("FAILED");
    assertThat(r.code()).contains("INSUFFICIENT_FUNDS");
    assertThat(client.account(ORG.id().value()).nonce()).isEqualTo(nonceBefore + 1);
    assertThat(client.account(ORG.id().value()).balance()).isEqualTo(700);
    assertThat(client.transaction(r.id()).status()).isEqualTo("FAILED");
  }

  @Test
  @Order(3)
  void http_rejections_areProblemJsonWithStableCodes() throws Exception {
    TransactionBuilder orgTx = builder(ORG);
    SignedTransaction good = orgTx.transfer(MEMBER.id().value(), 1, "");
    byte[] badSig = good.signature();
    badSig[0] ^= 1;
    long heightBefore = client.latestBlock().height();

    HttpResponse<String> r = http("POST", "/v1/transactions", body(good.payload(), badSig));
    assertProblem(r, 400, "BAD_SIGNATURE");
    assertProblem(http("POST", "/v1/transactions", "{\"payload\": \"***\", \"signature\": \"\"}"), 400, "MALFORMED");
    assertProblem(http("POST", "/v1/transactions", "not json"), 400, "MALFORMED");

    TransactionBuilder stale = new TransactionBuilder("veriflow-test", ORG, 0, 1000);
    assertThatThrownBy(() -> client.submit(stale.transfer(MEMBER.id().value(), 1, ""), true))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.code()).isEqualTo("NONCE_TOO_LOW");
          assertThat(e.status()).isEqualTo(409);
        });
    TransactionBuilder otherChain = new TransactionBuilder("another-chain", ORG, client.account(ORG.id().value()).nonce(), 1000);
    assertThatThrownBy(() -> client.submit(otherChain.transfer(MEMBER.id().value(), 1, ""), true))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("WRONG_CHAIN_ID"));
    SigningKey stranger = SigningKey.generate(SignatureAlgorithm.ED25519);
    assertThatThrownBy(() -> client.submit(new TransactionBuilder("veriflow-test", stranger, 0, 1000).transfer(ORG.id().value(), 1, ""), true))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.code()).isEqualTo("UNKNOWN_SENDER");
          assertThat(e.status()).isEqualTo(403);
        });
    // Nothing was committed by any of these.
    assertThat(client.latestBlock().height()).isEqualTo(heightBefore);
    assertThat(client.account(ORG.id().value()).balance()).isEqualTo(700);
  }

  @Test
  @Order(3)
  void http_duplicateWhilePending_refusedWithoutDisturbingTheFirstWaiter() throws Exception {
    SignedTransaction tx = builder(ORG).transfer(MEMBER.id().value(), 1, "once");
    var first = client.submitAsync(tx, true);
    var second = client.submitAsync(tx, true);
    Responses.TxInfo a;
    Throwable refused = null;
    try {
      a = first.get(20, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      // The second submission may have reached the node first: then the roles swap.
      refused = e.getCause();
      a = second.get(20, java.util.concurrent.TimeUnit.SECONDS);
    }
    if (refused == null) {
      refused = org.assertj.core.api.Assertions.catchThrowable(() -> second.get(20, java.util.concurrent.TimeUnit.SECONDS)).getCause();
    }
    assertThat(a.status()).isEqualTo("COMMITTED");
    assertThat(refused).isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("DUPLICATE_TX"));
  }

  @Test
  @Order(3)
  void http_batch_judgesEachTransactionOnItsOwn() throws Exception {
    TransactionBuilder orgTx = builder(ORG);
    SignedTransaction good = orgTx.transfer(MEMBER.id().value(), 2, "batch");
    SignedTransaction forged = orgTx.transfer(MEMBER.id().value(), 3, "batch");
    byte[] sig = forged.signature();
    sig[5] ^= 1;
    long balanceBefore = client.account(MEMBER.id().value()).balance();

    List<Responses.TxInfo> results = client.submitBatch(List.of(good, new SignedTransaction(forged.payload(), sig)), true);
    assertThat(results).hasSize(2);
    assertThat(results.get(0).status()).isEqualTo("COMMITTED");
    assertThat(results.get(0).id()).isEqualTo(good.id().hex());
    assertThat(results.get(1).status()).isEqualTo("REJECTED");
    assertThat(results.get(1).code()).contains("BAD_SIGNATURE");
    assertThat(client.account(MEMBER.id().value()).balance()).isEqualTo(balanceBefore + 2);

    JsonNode mixed = JSON.readTree(http("POST", "/v1/transactions/batch", "{\"transactions\": [42]}").body());
    assertThat(mixed.path("results").get(0).path("code").asText()).isEqualTo("MALFORMED");
    assertProblem(http("POST", "/v1/transactions/batch", "{\"nope\": []}"), 400, "MALFORMED");
    String tooMany = "{\"transactions\": [" + String.join(",", java.util.Collections.nCopies(1001, "{}")) + "]}";
    assertProblem(http("POST", "/v1/transactions/batch", tooMany), 400, "TOO_LARGE");
  }

  @Test
  @Order(3)
  void http_bodyOverTheLimit_isProblemJsonTooLarge() throws Exception {
    String huge = "{\"payload\":\"" + "A".repeat(9 * 1024 * 1024) + "\",\"signature\":\"\"}";
    assertProblem(http("POST", "/v1/transactions", huge), 413, "TOO_LARGE");
  }

  @Test
  @Order(4)
  void http_queries_answerWithDocumentedShapes() throws Exception {
    HttpResponse<String> unknown = http("GET", "/v1/transactions/" + "ab".repeat(32), null);
    assertProblem(unknown, 404, "UNKNOWN_TRANSACTION");
    assertThat(client.transaction("ab".repeat(32)).status()).isEqualTo("UNKNOWN");
    assertProblem(http("GET", "/v1/transactions/xyz", null), 400, "INVALID_ID");
    assertProblem(http("GET", "/v1/blocks/999999", null), 404, "UNKNOWN_BLOCK");
    assertProblem(http("GET", "/v1/identities/vf1nothex", null), 400, "INVALID_ID");
    assertProblem(http("GET", "/v1/log/consistency?from=5&to=1", null), 400, "INVALID_RANGE");
    assertProblem(http("GET", "/v1/no/such/route", null), 404, "NOT_FOUND");

    JsonNode block = JSON.readTree(http("GET", "/v1/blocks/1", null).body());
    assertThat(block.path("height").asLong()).isEqualTo(1);
    assertThat(block.path("signatures")).hasSize(1);
    assertThat(block.path("transactions")).hasSize(block.path("txCount").asInt());
    JsonNode health = JSON.readTree(http("GET", "/health", null).body());
    assertThat(health.path("status").asText()).isEqualTo("UP");
    String metrics = http("GET", "/metrics", null).body();
    assertThat(metrics).contains("veriflow_chain_height").contains("veriflow_transactions_total");
    JsonNode openapi = JSON.readTree(http("GET", "/v1/openapi.json", null).body());
    assertThat(openapi.path("openapi").asText()).startsWith("3.");
    assertThat(openapi.path("paths").has("/v1/transactions")).isTrue();
  }

  @Test
  @Order(5)
  void cli_drivesTheNodeEndToEnd() throws Exception {
    String node = "--node=" + url;
    Path adminKey = dir.resolve("keys/admin.key");
    Path deviceKey = tmp.resolve("device.key");
    Veriflow.Captured keys = Veriflow.capture("keys", "new", "--out", deviceKey.toString(), "--type", "p256");
    assertThat(keys.exitCode()).isZero();
    String deviceId = keys.out().trim();
    assertThat(deviceId).matches("vf1[0-9a-f]{40}");

    Veriflow.Captured reg = Veriflow.capture("identity", "register", node, "--key", adminKey.toString(), "--kind", "auditor", "--pubkey", deviceKey.toString(), "--name", "Audit Co");
    assertThat(reg.exitCode()).as(reg.err()).isZero();
    String txId = reg.out().trim();
    assertThat(txId).matches("[0-9a-f]{64}");
    assertThat(Veriflow.capture("identity", "get", node, deviceId).out()).contains("auditor").contains("Audit Co");

    Veriflow.Captured transfer = Veriflow.capture("credits", "transfer", node, "--key", adminKey.toString(), "--to", deviceId, "--amount", "42");
    assertThat(transfer.exitCode()).as(transfer.err()).isZero();
    assertThat(Veriflow.capture("credits", "balance", node, deviceId).out().trim()).isEqualTo("42");
    assertThat(Veriflow.capture("tx", "get", node, transfer.out().trim()).out()).contains("COMMITTED");
    assertThat(Veriflow.capture("block", "get", node, "latest").out()).contains("state hash");

    Veriflow.Captured proof = Veriflow.capture("proof", "verify", node, "--tx", transfer.out().trim());
    assertThat(proof.exitCode()).as(proof.err()).isZero();
    assertThat(proof.out()).contains("inclusion proof verified");
    Veriflow.Captured consistency = Veriflow.capture("proof", "verify", node, "--consistency", "1", Long.toString(client.latestBlock().height()));
    assertThat(consistency.exitCode()).as(consistency.err()).isZero();

    // The auditor has credits but may not register anyone: NOT_AUTHORISED, exit code 1, one sentence.
    Veriflow.Captured refused = Veriflow.capture("identity", "register", node, "--key", deviceKey.toString(), "--kind", "organisation", "--pubkey", adminKey.toString());
    assertThat(refused.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(refused.err()).startsWith("error: NOT_AUTHORISED: ").contains("administrator").doesNotContain("Exception");
    Veriflow.Captured overdraft = Veriflow.capture("credits", "transfer", node, "--key", deviceKey.toString(), "--to", setup.admin().id().value(), "--amount", "43");
    assertThat(overdraft.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(overdraft.err()).contains("INSUFFICIENT_FUNDS");

    Veriflow.Captured revoke = Veriflow.capture("identity", "revoke", node, "--key", adminKey.toString(), deviceId, "--reason", "contract ended");
    assertThat(revoke.exitCode()).as(revoke.err()).isZero();
    assertThat(client.identity(deviceId).status()).isEqualTo("REVOKED");
    Veriflow.Captured revoked = Veriflow.capture("credits", "transfer", node, "--key", deviceKey.toString(), "--to", setup.admin().id().value(), "--amount", "1");
    assertThat(revoked.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(revoked.err()).contains("revoked");
  }

  @Test
  @Order(6)
  void cli_usageErrors_exitWithCode2() {
    Veriflow.Captured help = Veriflow.capture("node", "start", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("--http-port");
    assertThat(Veriflow.capture("keys", "new", "--out", tmp.resolve("x.key").toString(), "--type", "rsa").exitCode()).isEqualTo(Veriflow.USAGE);
    assertThat(Veriflow.capture("credits", "transfer", "--to", "x").exitCode()).isEqualTo(Veriflow.USAGE);
    assertThat(Veriflow.capture("no-such-command").exitCode()).isEqualTo(Veriflow.USAGE);
    assertThat(Veriflow.capture("identity", "register", "--node=" + url, "--key", "k", "--kind", "wizard", "--pubkey", "p").exitCode()).isEqualTo(Veriflow.USAGE);
    Veriflow.Captured unreachable = Veriflow.capture("credits", "balance", "--node=http://127.0.0.1:1", setup.admin().id().value());
    assertThat(unreachable.exitCode()).isEqualTo(Veriflow.FAILURE);
    assertThat(unreachable.err()).contains("cannot reach the node");
  }

  @Test
  @Order(7)
  void ledgerVerify_afterStop_reexecutesTheWholeChain() {
    node.close();
    node = null;
    Veriflow.Captured verify = Veriflow.capture("ledger", "verify", "--dir", dir.toString());
    assertThat(verify.exitCode()).as(verify.err()).isZero();
    assertThat(verify.out()).contains("ledger verified");
  }

  private static String body(byte[] payload, byte[] signature) {
    return "{\"payload\":\"" + java.util.Base64.getEncoder().encodeToString(payload) + "\",\"signature\":\""
        + java.util.Base64.getEncoder().encodeToString(signature) + "\"}";
  }

  private static void assertProblem(HttpResponse<String> r, int status, String code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.path("code").asText()).isEqualTo(code);
    assertThat(p.path("status").asInt()).isEqualTo(status);
    assertThat(p.path("title").asText()).isNotBlank();
    assertThat(p.path("detail").asText()).isNotBlank();
  }
}
