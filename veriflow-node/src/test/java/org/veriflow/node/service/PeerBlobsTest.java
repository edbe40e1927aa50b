package org.veriflow.node.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.core.crypto.Hash;

/**
 * Blobs fetched from other members: the first member holding the right bytes wins, a member that
 * answers other bytes or too many is passed over, and a round's computation replaces a copy
 * corrupted on this node's disk with a member's good one.
 */
class PeerBlobsTest {
  @TempDir Path dir;
  private final List<HttpServer> servers = new ArrayList<>();

  /** A member's blob API answering {@code blobs} by hash hex, 404 otherwise; counts the requests in {@code asked}. */
  private URI member(Map<String, byte[]> blobs, Map<String, Integer> asked) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/blobs/", exchange -> {
      String hash = exchange.getRequestURI().getPath().substring("/v1/blobs/".length());
      asked.merge(hash, 1, Integer::sum);
      byte[] body = blobs.get(hash);
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    });
    server.start();
    servers.add(server);
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void fetch_firstMemberWithTheRightBytes_wins() throws Exception {
    byte[] blob = "a global model".getBytes(StandardCharsets.UTF_8);
    Hash hash = Hash.sha256(blob);
    Map<String, Integer> asked = new ConcurrentHashMap<>();
    URI lacks = member(Map.of(), asked);
    URI lies = member(Map.of(hash.hex(), "another model".getBytes(StandardCharsets.UTF_8)), asked);
    URI holds = member(Map.of(hash.hex(), blob), asked);
    PeerBlobs peers = new PeerBlobs(List.of(lacks, lies, holds), Optional.empty());
    assertThat(peers.fetch(hash, 1024)).hasValueSatisfying(b -> assertThat(b).isEqualTo(blob));
    assertThat(asked.get(hash.hex())).isEqualTo(3);
  }

  @Test
  void fetch_nobodyHasIt_orTooLarge_empty() throws Exception {
    byte[] blob = new byte[100];
    Hash hash = Hash.sha256(blob);
    Map<String, Integer> asked = new ConcurrentHashMap<>();
    PeerBlobs peers = new PeerBlobs(List.of(member(Map.of(hash.hex(), blob), asked)), Optional.empty());
    assertThat(peers.fetch(hash, 99)).isEmpty();
    assertThat(peers.fetch(Hash.sha256(new byte[1]), 1024)).isEmpty();
    assertThat(PeerBlobs.none().fetch(hash, 1024)).isEmpty();
    // A member that is down is passed over.
    HttpServer down = servers.remove(0);
    down.stop(0);
    assertThat(peers.fetch(hash, 1024)).isEmpty();
  }

  @Test
  void roundBlob_corruptedOnThisNode_replacedByAMembersGoodCopy() throws Exception {
    byte[] blob = "an update".getBytes(StandardCharsets.UTF_8);
    Hash hash = Hash.sha256(blob);
    BlobStore store = BlobStore.open(dir.resolve("blobs"), 1 << 20);
    store.put(hash, new ByteArrayInputStream(blob));
    Files.write(store.path(hash), "rot".getBytes(StandardCharsets.UTF_8));
    Map<String, Integer> asked = new ConcurrentHashMap<>();
    FederatedRounds rounds = new FederatedRounds(null, store, new PeerBlobs(List.of(member(Map.of(hash.hex(), blob), asked)), Optional.empty()),
        null);
    assertThat(rounds.blob(hash, "an update")).hasValueSatisfying(b -> assertThat(b).isEqualTo(blob));
    try (InputStream in = store.open(hash).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(blob);
    }
    // Whole now: the next read is local.
    assertThat(rounds.blob(hash, "an update")).isPresent();
    assertThat(asked.get(hash.hex())).isEqualTo(1);
    // Corrupted and on no member: missing.
    Files.write(store.path(hash), "rot".getBytes(StandardCharsets.UTF_8));
    FederatedRounds alone = new FederatedRounds(null, store, PeerBlobs.none(), null);
    assertThat(alone.blob(hash, "an update")).isEmpty();
  }
}
