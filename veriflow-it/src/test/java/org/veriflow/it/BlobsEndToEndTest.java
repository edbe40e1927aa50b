package org.veriflow.it;

import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ClientException;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/** The blob store of a real node on a free port, through raw HTTP and the Java SDK. */
class BlobsEndToEndTest {
  @TempDir static Path tmp;
  static Path dir;
  static Node node;
  static VeriflowClient client;
  static String url;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void startNode() throws Exception {
    dir = tmp.resolve("node");
    NodeSetup.init(dir, "veriflow-blobs", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
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

  /** A file of {@code bytes} pseudo-random bytes, written in pieces. */
  static Path randomFile(String name, int bytes, long seed) throws Exception {
    Path f = tmp.resolve(name);
    SplittableRandom r = new SplittableRandom(seed);
    byte[] chunk = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(f)) {
      for (int left = bytes; left > 0; left -= chunk.length) {
        for (int i = 0; i < chunk.length; i++) {
          chunk[i] = (byte) r.nextInt(256);
        }
        out.write(chunk, 0, Math.min(left, chunk.length));
      }
    }
    return f;
  }

  static Hash sha256(Path f) throws Exception {
    return Hash.sha256(Files.readAllBytes(f));
  }

  static HttpResponse<String> put(String hash, byte[] body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/blobs/" + hash)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void sdk_uploadMultiMegabyteFile_downloadsIdenticalBytes() throws Exception {
    // Larger than the API's 8 MiB limit on bodies read whole.
    Path file = randomFile("model.bin", 12 * 1024 * 1024 + 17, 42);
    Hash expected = sha256(file);

    Hash stored = client.putBlob(file);
    assertThat(stored).isEqualTo(expected);
    assertThat(dir.resolve("blobs").resolve(expected.hex().substring(0, 2)).resolve(expected.hex().substring(2))).exists();

    Path copy = tmp.resolve("copy.bin");
    client.getBlob(expected.hex(), copy);
    assertThat(Files.mismatch(file, copy)).isEqualTo(-1L);

    // Uploading again is harmless.
    assertThat(client.putBlob(file)).isEqualTo(expected);
  }

  @Test
  void http_putThenPutAgain_answers201Then200WithHashAndSize() throws Exception {
    byte[] data = "loss curve: 0.9 0.5 0.3\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String hash = Hash.sha256(data).hex();

    HttpResponse<String> first = put(hash, data);
    assertThat(first.statusCode()).isEqualTo(201);
    JsonNode n = JSON.readTree(first.body());
    assertThat(n.path("hash").asText()).isEqualTo(hash);
    assertThat(n.path("size").asLong()).isEqualTo(data.length);
    assertThat(put(hash, data).statusCode()).isEqualTo(200);

    HttpResponse<byte[]> got = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/blobs/" + hash)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/octet-stream"));
    assertThat(got.headers().firstValueAsLong("Content-Length")).hasValue(data.length);
    assertThat(got.body()).isEqualTo(data);

    HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/blobs/" + hash)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(data.length);
  }

  @Test
  void http_wrongHash_422HashMismatchWithComputedHashAndNothingStored() throws Exception {
    byte[] data = new byte[100_000];
    new SplittableRandom(7).nextBytes(data);
    String claimed = Hash.sha256(new byte[] {1, 2, 3}).hex();

    HttpResponse<String> r = put(claimed, data);

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.path("code").asText()).isEqualTo("HASH_MISMATCH");
    assertThat(p.path("detail").asText()).contains(Hash.sha256(data).hex());
    assertThatThrownBy(() -> client.getBlob(claimed, tmp.resolve("never.bin")))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("UNKNOWN_BLOB"));
    assertThatThrownBy(() -> client.getBlob(Hash.sha256(data).hex(), tmp.resolve("never.bin")))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo("UNKNOWN_BLOB"));
    assertThat(tmp.resolve("never.bin")).doesNotExist();
  }

  @Test
  void unknownBlob_404UnknownBlob() throws Exception {
    String hash = Hash.sha256(new byte[] {9}).hex();
    assertThatThrownBy(() -> client.getBlob(hash, tmp.resolve("unknown.bin")))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.code()).isEqualTo("UNKNOWN_BLOB");
          assertThat(e.status()).isEqualTo(404);
        });
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/blobs/" + hash)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).path("code").asText()).isEqualTo("UNKNOWN_BLOB");
  }

  @Test
  void malformedHash_400InvalidId() throws Exception {
    HttpResponse<String> up = put("abc123", new byte[] {1});
    assertThat(up.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(up.body()).path("code").asText()).isEqualTo("INVALID_ID");
    HttpResponse<String> down = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/blobs/" + "z".repeat(64))).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(down.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(down.body()).path("code").asText()).isEqualTo("INVALID_ID");
  }
}
