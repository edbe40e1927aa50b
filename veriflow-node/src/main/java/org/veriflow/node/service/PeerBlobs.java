package org.veriflow.node.service;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.veriflow.core.crypto.Hash;

/**
 * Fetches blobs this node lacks from the cluster's other members, by hash, through their public
 * {@code GET /v1/blobs/{hash}} over the member HTTPS client (trusting the cluster's CA and
 * presenting this member's certificate, as {@link HttpLeaderLink} does). What a member answers is
 * kept only if it hashes to the hash asked for and fits the size bound; a member that is down,
 * lacks the blob or answers other bytes is passed over for the next one. Thread-safe.
 */
public final class PeerBlobs {
  /**
   * The header every request of this fetcher carries: a member asked by another member answers from
   * its own store only, never by fetching in turn (so two members lacking a blob cannot ask each
   * other for it in a loop).
   */
  public static final String PEER_FETCH = "Veriflow-Peer-Fetch";
  private static final Logger LOG = LoggerFactory.getLogger(PeerBlobs.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(60);

  private final List<URI> peers;
  private final HttpClient http;

  /**
   * @param peers the API URLs of the other members (this node's own left out); empty on a single node
   * @param tls the member HTTPS context; empty for the JDK's defaults (an insecure cluster)
   */
  public PeerBlobs(List<URI> peers, Optional<SSLContext> tls) {
    this.peers = List.copyOf(peers);
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1);
    tls.ifPresent(b::sslContext);
    this.http = b.build();
  }

  /**
   * A fetcher with no peers: a single node.
   *
   * @return the fetcher, which never finds anything
   */
  public static PeerBlobs none() {
    return new PeerBlobs(List.of(), Optional.empty());
  }

  /** Whether there is no other member to ask: a single node. */
  boolean alone() {
    return peers.isEmpty();
  }

  /**
   * The blob {@code hash} from the first member that holds it.
   *
   * @param hash the blob's SHA-256
   * @param maxBytes the largest blob accepted; a member's longer answer is dropped
   * @return its bytes, checked against {@code hash}; empty if no member has it
   */
  Optional<byte[]> fetch(Hash hash, long maxBytes) {
    for (URI peer : peers) {
      URI uri = peer.resolve("/v1/blobs/" + hash.hex());
      try {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).header(PEER_FETCH, "1").GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
          if (r.statusCode() != 200) {
            LOG.debug("blob {}: {} answered HTTP {}", hash, peer, r.statusCode());
            continue;
          }
          byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
          if (bytes.length > maxBytes) {
            LOG.warn("blob {}: {} holds more than {} bytes; not taken", hash, peer, maxBytes);
            continue;
          }
          if (!Hash.sha256(bytes).equals(hash)) {
            LOG.warn("blob {}: {} answered bytes hashing to {}; not taken", hash, peer, Hash.sha256(bytes));
            continue;
          }
          return Optional.of(bytes);
        }
      } catch (IOException e) {
        LOG.info("blob {}: cannot fetch it from {}: {}", hash, peer, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
