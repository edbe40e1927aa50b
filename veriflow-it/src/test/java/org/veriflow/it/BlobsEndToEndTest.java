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
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ClientException;
import org.veriflow.client.Session;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.identities.BlobQuota;
import org.veriflow.core.crypto.RequestSignature;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.node.GenesisFile;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;

/**
 * The blob store of a real node on a free port, through raw HTTP and the Java SDK: uploads signed by
 * registered identities, each member's quota (8 MiB on this chain), and the refusals of anonymous,
 * unknown, replayed and over-quota uploads, before their bodies are read where the length is
 * declared.
 */
class BlobsEndToEndTest {
  /** This chain's quota per member. */
  static final long QUOTA_BYTES = 8L << 20;
  @TempDir static Path tmp;
  static Path dir;
  static Node node;
  static VeriflowClient client;
  static String url;
  static SigningKey admin;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final SecureRandom NONCES = new SecureRandom();

  @BeforeAll
  static void startNode() throws Exception {
    dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, "veriflow-blobs", 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"),
        NodeSetup.Transport.INSECURE);
    admin = setup.admin();
    // The same genesis with a small blob quota, before the node first starts.
    GenesisSpec g = GenesisFile.read(dir.resolve("genesis.json"));
    GenesisFile.write(dir.resolve("genesis.json"), new GenesisSpec(g.chainId(), g.timestampMillis(), g.maxTxBytes(), g.requiredAttestations(),
        g.administrators(), g.validators(), g.balances(), new BlobQuota(QUOTA_BYTES, 100)));
    node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
    url = "http://127.0.0.1:" + node.httpPort();
    client = new VeriflowClient(URI.create(url));
  }

  /** A new member identity, registered by the administrator. */
  static SigningKey member(String name) {
    SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
    Session session = new Session(client, admin);
    assertThat(session.submit(b -> b.registerIdentity(key.publicKey(), IdentityKind.ORGANISATION, name, List.of()), true).committed()).isTrue();
    return key;
  }

  /** The signature headers of an upload of {@code hash} signed by {@code key}. */
  static RequestSignature signature(SigningKey key, String hash) {
    byte[] nonce = new byte[16];
    NONCES.nextBytes(nonce);
    return RequestSignature.sign(key, "PUT", "/v1/blobs/" + hash, "", Hash.of(org.veriflow.core.Hex.decode(hash)), Instant.now().getEpochSecond(), nonce);
  }

  static HttpRequest.Builder signedPut(RequestSignature s, String hash) {
    return HttpRequest.newBuilder(URI.create(url + "/v1/blobs/" + hash)).header(RequestSignature.BLOB_HEADER, s.blob())
        .header("Signature-Input", s.signatureInput()).header("Signature", s.signatureHeader());
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

  /** An upload signed by the administrator. */
  static HttpResponse<String> put(String hash, byte[] body) throws Exception {
    if (!hash.matches("[0-9a-f]{64}")) {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/blobs/" + hash)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
    return HTTP.send(signedPut(signature(admin, hash), hash).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A status, its headers (names lower-cased) and body, as read from a socket. */
  record Raw(int status, Map<String, String> headers, String body) {}

  /**
   * A PUT written on a socket by another thread: {@code headers}, then {@code send} bytes, as a body
   * of {@code declared} bytes ({@code -1}: chunked). The answer is read while the body is still being
   * written, so a refusal before the body is read arrives without the body being sent.
   */
  static Raw rawPut(String hash, Map<String, String> headers, long declared, long send) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.httpPort())) {
      socket.setSoTimeout(20_000);
      StringBuilder head = new StringBuilder("PUT /v1/blobs/" + hash + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      head.append(declared >= 0 ? "Content-Length: " + declared : "Transfer-Encoding: chunked").append("\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      Thread writer = new Thread(() -> {
        try {
          out.write(head.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          byte[] chunk = new byte[64 * 1024];
          for (long left = send; left > 0; left -= chunk.length) {
            int n = (int) Math.min(left, chunk.length);
            if (declared < 0) {
              out.write((Integer.toHexString(n) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            out.write(chunk, 0, n);
            if (declared < 0) {
              out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
          }
          if (declared < 0) {
            out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          }
          out.flush();
        } catch (java.io.IOException e) {
          // The server answered and closed: expected when it refuses early.
        }
      });
      writer.setDaemon(true);
      writer.start();
      java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
      String status = line(in);
      Map<String, String> h = new java.util.TreeMap<>();
      for (String l = line(in); !l.isEmpty(); l = line(in)) {
        int colon = l.indexOf(':');
        h.put(l.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), l.substring(colon + 1).trim());
      }
      byte[] body = new byte[Integer.parseInt(h.getOrDefault("content-length", "0"))];
      in.readFully(body);
      return new Raw(Integer.parseInt(status.split(" ")[1]), h, new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static String line(java.io.InputStream in) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c == -1) {
        throw new java.io.EOFException("the connection closed mid-answer: " + b);
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  static void assertProblem(int status, String body, int expectedStatus, String code) throws Exception {
    assertThat(status).as(body).isEqualTo(expectedStatus);
    assertThat(JSON.readTree(body).path("code").asText()).as(body).isEqualTo(code);
  }

  static boolean stored(String hash) {
    return Files.exists(dir.resolve("blobs").resolve(hash.substring(0, 2)).resolve(hash.substring(2)));
  }

  /** No upload's temporary file is left in the store. */
  static void noPartialFiles() throws Exception {
    try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("blobs"))) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith(".upload-")).toList()).isEmpty();
    }
  }

  @Test
  void http_anonymousUpload_401SignatureMissing_andNothingStored() throws Exception {
    byte[] data = "anonymous bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String hash = Hash.sha256(data).hex();
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/v1/blobs/" + hash)).PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertProblem(r.statusCode(), r.body(), 401, "SIGNATURE_MISSING");
    assertThat(stored(hash)).isFalse();
  }

  @Test
  void http_anonymousGibibyte_refusedBeforeItsBodyIsRead() throws Exception {
    String hash = Hash.sha256(new byte[] {42}).hex();
    // Declares 1 GiB and sends only 256 KiB: the answer comes without waiting for the rest.
    Raw r = rawPut(hash, Map.of(), 1L << 30, 256 * 1024);
    assertProblem(r.status(), r.body(), 401, "SIGNATURE_MISSING");
    // A member declaring 1 GiB, past its quota: refused before reading too.
    SigningKey big = member("Big uploader");
    RequestSignature s = signature(big, hash);
    Raw q = rawPut(hash, Map.of(RequestSignature.BLOB_HEADER, s.blob(), "Signature-Input", s.signatureInput(), "Signature", s.signatureHeader()),
        1L << 30, 256 * 1024);
    assertProblem(q.status(), q.body(), 429, "QUOTA_EXCEEDED");
    assertThat(stored(hash)).isFalse();
    noPartialFiles();
  }

  @Test
  void http_unknownOrRevokedSigner_403_foreignBlob_400_replay_409() throws Exception {
    byte[] data = "signed by whom?".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String hash = Hash.sha256(data).hex();
    SigningKey stranger = SigningKey.generate(SignatureAlgorithm.ED25519);
    HttpResponse<String> unknown = HTTP.send(signedPut(signature(stranger, hash), hash).PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertProblem(unknown.statusCode(), unknown.body(), 403, "UNKNOWN_SIGNER");
    // A member that has been revoked uploads nothing either.
    SigningKey revoked = member("Revoked uploader");
    assertThat(new Session(client, admin).submit(b -> b.revokeIdentity(revoked.id().value(), "left the consortium"), true).committed()).isTrue();
    HttpResponse<String> inactive = HTTP.send(signedPut(signature(revoked, hash), hash).PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertProblem(inactive.statusCode(), inactive.body(), 403, "SIGNER_NOT_ACTIVE");
    // A signature for another blob does not upload this one.
    String other = Hash.sha256(new byte[] {7}).hex();
    HttpResponse<String> otherPath = HTTP.send(signedPut(signature(admin, other), hash).PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertProblem(otherPath.statusCode(), otherPath.body(), 401, "SIGNATURE_INVALID");
    byte[] nonce = new byte[16];
    NONCES.nextBytes(nonce);
    RequestSignature otherBlob = RequestSignature.sign(admin, "PUT", "/v1/blobs/" + hash, "", Hash.of(org.veriflow.core.Hex.decode(other)),
        Instant.now().getEpochSecond(), nonce);
    HttpResponse<String> foreign = HTTP.send(signedPut(otherBlob, hash).PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertProblem(foreign.statusCode(), foreign.body(), 400, "BLOB_MISMATCH");
    assertThat(stored(hash)).isFalse();
    // The same signed request twice: the second is a replay.
    RequestSignature once = signature(admin, hash);
    assertThat(HTTP.send(signedPut(once, hash).PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(201);
    HttpResponse<String> replay = HTTP.send(signedPut(once, hash).PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertProblem(replay.statusCode(), replay.body(), 409, "REQUEST_REPLAYED");
  }

  @Test
  void http_storeThatCannotWrite_507StorageFull_noPartialFile_andTheNodeServesOn() throws Exception {
    // A store that refuses the write: where the blob's directory must go, a file is in the way.
    byte[] data;
    String hash;
    Path blocker;
    long seed = 11;
    do {
      data = randomBytes(300_000, seed++);
      hash = Hash.sha256(data).hex();
      blocker = dir.resolve("blobs").resolve(hash.substring(0, 2));
    } while (Files.exists(blocker));
    Files.write(blocker, new byte[] {0});
    try {
      HttpResponse<String> r = put(hash, data);
      assertProblem(r.statusCode(), r.body(), 507, "STORAGE_FULL");
      assertThat(stored(hash)).isFalse();
      noPartialFiles();
    } finally {
      Files.delete(blocker);
    }
    assertThat(put(hash, data).statusCode()).isEqualTo(201);
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  @Test
  void sdk_manyOneMebibyteUploadsByOneMember_stopAtItsQuota() throws Exception {
    SigningKey uploader = member("Busy uploader");
    int stored = 0;
    ClientException refused = null;
    for (int i = 0; i < 20 && refused == null; i++) {
      Path file = randomFile("mib-" + i + ".bin", 1 << 20, 1000 + i);
      try {
        client.putBlob(file, uploader);
        stored++;
      } catch (ClientException e) {
        refused = e;
        assertThat(stored(sha256(file).hex())).isFalse();
      }
    }
    assertThat(stored).isEqualTo((int) (QUOTA_BYTES >> 20));
    assertThat(refused).isNotNull();
    assertThat(refused.code()).isEqualTo("QUOTA_EXCEEDED");
    assertThat(refused.status()).isEqualTo(429);
    // Another member is not affected; an administrator has no quota.
    assertThat(client.putBlob(randomFile("other.bin", 1 << 20, 77), member("Other uploader"))).isNotNull();
    noPartialFiles();
  }

  @Test
  void http_chunkedUploadPastTheQuota_stoppedWhileStreaming_andNothingKept() throws Exception {
    SigningKey chunky = member("Chunked uploader");
    String hash = Hash.sha256(new byte[] {3}).hex();
    RequestSignature s = signature(chunky, hash);
    Raw r = rawPut(hash, Map.of(RequestSignature.BLOB_HEADER, s.blob(), "Signature-Input", s.signatureInput(), "Signature", s.signatureHeader()),
        -1, QUOTA_BYTES + (1 << 20));
    assertProblem(r.status(), r.body(), 429, "QUOTA_EXCEEDED");
    assertThat(stored(hash)).isFalse();
    noPartialFiles();
    // Its quota is intact: a blob within it is accepted.
    assertThat(client.putBlob(randomFile("after-chunked.bin", 1 << 20, 5), chunky)).isNotNull();
  }

  @Test
  void sdk_uploadMultiMegabyteFile_downloadsIdenticalBytes() throws Exception {
    // Larger than the API's 8 MiB limit on bodies read whole.
    Path file = randomFile("model.bin", 12 * 1024 * 1024 + 17, 42);
    Hash expected = sha256(file);

    Hash stored = client.putBlob(file, admin);
    assertThat(stored).isEqualTo(expected);
    assertThat(dir.resolve("blobs").resolve(expected.hex().substring(0, 2)).resolve(expected.hex().substring(2))).exists();

    Path copy = tmp.resolve("copy.bin");
    client.getBlob(expected.hex(), copy);
    assertThat(Files.mismatch(file, copy)).isEqualTo(-1L);

    // Uploading again is harmless.
    assertThat(client.putBlob(file, admin)).isEqualTo(expected);
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
