package org.veriflow.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/**
 * A node in this JVM asked with misspelt and unknown query parameters, the way a script's typo
 * ({@code ?tags=} for {@code ?tag=}) used to get an unfiltered answer: every reading route of both
 * listeners refuses them with 400 naming the parameter, and still takes the ones it reads.
 */
class QueryParametersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HASH = "00".repeat(32);

  /** Every GET route of the API, with well-formed path parameters. */
  private static final List<String> API_ROUTES = List.of("/v1/transactions/" + HASH, "/v1/blocks/latest", "/v1/blocks/0",
      "/v1/log/consistency", "/v1/identities/vf1" + "0".repeat(40), "/v1/accounts/vf1" + "0".repeat(40), "/v1/chain", "/v1/openapi.json",
      "/v1/streams/room", "/v1/streams/room/readings", "/v1/streams/room/stats", "/v1/streams/room/evidence", "/v1/readings/" + HASH,
      "/v1/snapshots/" + HASH, "/v1/blobs/" + HASH, "/v1/models", "/v1/models/m1", "/v1/decisions/" + HASH, "/v1/datasets",
      "/v1/datasets/d1", "/v1/datasets/d1/versions/1", "/v1/datasets/d1/versions/1/grants", "/v1/datasets/d1/versions/1/accesses",
      "/v1/grants/" + HASH, "/v1/identities/vf1" + "0".repeat(40) + "/grants", "/v1/identities/vf1" + "0".repeat(40) + "/accesses",
      "/v1/grants/" + HASH + "/ciphertext", "/v1/cluster", "/v1/cluster/blocks", "/v1/checkpoints/1", "/v1/fl/tasks", "/v1/fl/tasks/t1",
      "/v1/fl/tasks/t1/rounds", "/v1/fl/tasks/t1/rounds/1", "/health", "/ready", "/metrics");

  @TempDir Path dir;
  private Node node;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeEach
  void startNode() throws Exception {
    SigningKey admin = SigningKey.generate(SignatureAlgorithm.ED25519);
    SigningKey nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/node.key"), KeyPem.encodePrivate(nodeKey));
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), 1_000_000L);
    GenesisFile.write(dir.resolve("genesis.json"), new GenesisSpec("veriflow-params", 1_700_000_000_000L, 1024 * 1024,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())), List.of(new GenesisSpec.Member("node1", nodeKey.publicKey())), balances));
    Map<String, String> settings = new TreeMap<>();
    settings.put(NodeConfig.HTTP_PORT.name(), "0");
    settings.put(NodeConfig.HTTP_INSECURE.name(), "true");
    settings.put(NodeConfig.OPS_PORT.name(), "0");
    settings.put(NodeConfig.VERIFIER_ENABLED.name(), "false");
    NodeConfig.write(dir, settings);
    node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
  }

  @AfterEach
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void misspeltDatasetFilter_refused400_namingIt() throws Exception {
    HttpResponse<String> r = get(node.httpPort(), "/v1/datasets?tags=nope");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue(HttpApi.PROBLEM_JSON);
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.get("code").asText()).isEqualTo("UNKNOWN_PARAMETER");
    assertThat(p.get("detail").asText()).contains("'tags'").contains("tag, owner, field, limit, cursor");
    // The parameter it reads still filters.
    HttpResponse<String> spelt = get(node.httpPort(), "/v1/datasets?tag=nope&limit=5");
    assertThat(spelt.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(spelt.body()).get("datasets")).isEmpty();
  }

  @Test
  void everyReadingRoute_unknownParameter_refused400_beforeItsHandler() throws Exception {
    for (String route : API_ROUTES) {
      int port = route.startsWith("/v1/") ? node.httpPort() : node.opsPort();
      HttpResponse<String> r = get(port, route + "?nosuch=1");
      assertThat(r.statusCode()).as(route).isEqualTo(400);
      JsonNode p = JSON.readTree(r.body());
      assertThat(p.get("code").asText()).as(route).isEqualTo("UNKNOWN_PARAMETER");
      assertThat(p.get("detail").asText()).as(route).contains("'nosuch'");
    }
    // The operations routes are on the API listener too.
    assertThat(get(node.httpPort(), "/health?verbose=true").statusCode()).isEqualTo(400);
    HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/blobs/" + HASH + "?x=1"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(400);
    // An accepted parameter next to an unknown one does not let it through.
    HttpResponse<String> mixed = get(node.httpPort(), "/v1/blocks/0?waitMs=0&wait=1");
    assertThat(mixed.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(mixed.body()).get("detail").asText()).contains("'wait'");
  }

  @Test
  void acceptedParameters_stillAnswer() throws Exception {
    assertThat(get(node.httpPort(), "/v1/blocks/0?waitMs=0").statusCode()).isEqualTo(200);
    assertThat(get(node.httpPort(), "/v1/log/consistency?from=0&to=0").statusCode()).isEqualTo(200);
    assertThat(get(node.httpPort(), "/v1/models?limit=2").statusCode()).isEqualTo(200);
    assertThat(get(node.httpPort(), "/v1/identities/vf1" + "0".repeat(40) + "/grants?limit=2").statusCode()).isEqualTo(200);
    assertThat(get(node.httpPort(), "/v1/cluster/blocks?after=0&max=1").statusCode()).isNotEqualTo(400);
    assertThat(get(node.opsPort(), "/health").statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> get(int port, String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
