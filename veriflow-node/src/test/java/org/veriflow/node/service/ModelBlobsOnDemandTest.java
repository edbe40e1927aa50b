package org.veriflow.node.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.core.crypto.Hash;

/**
 * A model blob this node lacks, fetched from another member for a download: only if the chain names
 * it as a model and it is not protected, only with the right bytes, once, and never by a single node.
 * The other member is a blob API in this JVM serving its own store.
 */
class ModelBlobsOnDemandTest {
  @TempDir Path dir;
  private final List<HttpServer> servers = new ArrayList<>();
  private final byte[] model = "a round's global model".getBytes(StandardCharsets.UTF_8);
  private final Hash hash = Hash.sha256(model);
  private BlobStore here;
  /** Requests the member got, by hash hex; and how many of them carried the peer-fetch header. */
  private final Map<String, Integer> asked = new ConcurrentHashMap<>();
  private final AtomicInteger markedAsPeerFetch = new AtomicInteger();
  /** Hashes the "chain" names as fl models, and how often it was asked. */
  private final Set<Hash> named = ConcurrentHashMap.newKeySet();
  private final AtomicInteger namedChecks = new AtomicInteger();
  private final Set<Hash> protectedBlobs = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void stores() throws Exception {
    here = BlobStore.open(dir.resolve("here"), 1 << 20);
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  /** Another member's blob API over {@code store}, answering {@code lies} instead for the hashes it maps. */
  private URI member(BlobStore store, Map<String, byte[]> lies) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/blobs/", exchange -> {
      String hex = exchange.getRequestURI().getPath().substring("/v1/blobs/".length());
      asked.merge(hex, 1, Integer::sum);
      if (exchange.getRequestHeaders().getFirst(PeerBlobs.PEER_FETCH) != null) {
        markedAsPeerFetch.incrementAndGet();
      }
      byte[] body = lies.get(hex);
      if (body == null) {
        Optional<InputStream> in = store.open(Hash.fromHex(hex));
        if (in.isPresent()) {
          try (InputStream s = in.get()) {
            body = s.readAllBytes();
          }
        }
      }
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

  private ModelBlobsOnDemand onDemand(PeerBlobs peers) {
    return new ModelBlobsOnDemand(here, peers, protectedBlobs::contains, h -> {
      namedChecks.incrementAndGet();
      return named.contains(h);
    });
  }

  private BlobStore aggregatorsStoreWithTheModel() throws Exception {
    BlobStore there = BlobStore.open(dir.resolve("there"), 1 << 20);
    there.put(hash, new ByteArrayInputStream(model));
    return there;
  }

  @Test
  void fetch_namedModelOnAnotherMember_storedHereOnce_thenServedFromHere() throws Exception {
    named.add(hash);
    ModelBlobsOnDemand blobs = onDemand(new PeerBlobs(List.of(member(aggregatorsStoreWithTheModel(), Map.of())), Optional.empty()));

    assertThat(blobs.fetch(hash)).isTrue();

    try (InputStream in = here.open(hash).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(model);
    }
    // Held now: the next download asks no one, nor the chain.
    assertThat(blobs.fetch(hash)).isTrue();
    assertThat(asked).containsExactly(Map.entry(hash.hex(), 1));
    assertThat(namedChecks).hasValue(1);
    // The member was told that the request is a member's fetch, so it would not fetch in turn.
    assertThat(markedAsPeerFetch).hasValue(1);
  }

  @Test
  void fetch_hashTheChainDoesNotNameAsAModel_neverAskedOfTheMembers() throws Exception {
    ModelBlobsOnDemand blobs = onDemand(new PeerBlobs(List.of(member(aggregatorsStoreWithTheModel(), Map.of())), Optional.empty()));

    assertThat(blobs.fetch(hash)).isFalse();

    assertThat(here.exists(hash)).isFalse();
    assertThat(asked).isEmpty();
  }

  @Test
  void fetch_protectedBlobEvenIfNamedAsAModel_neverAskedOfTheMembers() throws Exception {
    named.add(hash);
    protectedBlobs.add(hash);
    ModelBlobsOnDemand blobs = onDemand(new PeerBlobs(List.of(member(aggregatorsStoreWithTheModel(), Map.of())), Optional.empty()));

    assertThat(blobs.fetch(hash)).isFalse();

    assertThat(here.exists(hash)).isFalse();
    assertThat(asked).isEmpty();
  }

  @Test
  void fetch_memberAnswersOtherBytes_notStored_theNextMembersGoodCopyIs() throws Exception {
    named.add(hash);
    BlobStore empty = BlobStore.open(dir.resolve("empty"), 1 << 20);
    URI liar = member(empty, Map.of(hash.hex(), "another model".getBytes(StandardCharsets.UTF_8)));

    assertThat(onDemand(new PeerBlobs(List.of(liar), Optional.empty())).fetch(hash)).isFalse();
    assertThat(here.exists(hash)).isFalse();

    URI honest = member(aggregatorsStoreWithTheModel(), Map.of());
    assertThat(onDemand(new PeerBlobs(List.of(liar, honest), Optional.empty())).fetch(hash)).isTrue();
    try (InputStream in = here.open(hash).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(model);
    }
  }

  @Test
  void fetch_namedModelOnNoMember_orASingleNode_false() throws Exception {
    named.add(hash);
    BlobStore empty = BlobStore.open(dir.resolve("empty"), 1 << 20);
    assertThat(onDemand(new PeerBlobs(List.of(member(empty, Map.of())), Optional.empty())).fetch(hash)).isFalse();
    assertThat(asked).containsExactly(Map.entry(hash.hex(), 1));
    assertThat(here.exists(hash)).isFalse();

    // A single node behaves as before: nothing to ask, the chain not even read.
    namedChecks.set(0);
    assertThat(onDemand(PeerBlobs.none()).fetch(hash)).isFalse();
    assertThat(namedChecks).hasValue(0);
  }
}
