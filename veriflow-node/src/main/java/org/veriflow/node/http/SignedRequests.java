package org.veriflow.node.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.RequestSignature;

/**
 * Checks requests signed by an identity's key ({@link RequestSignature}, a subset of RFC 9421) for
 * one expected signer: well-formed, signed by that identity's registered key, fresh, and never
 * seen before.
 *
 * <p>Freshness: {@code created} must be within {@link #WINDOW} of the node's clock either way, and
 * not before the node started. Replays: every accepted {@code (keyid, nonce)} is remembered until
 * its request would be too old to be accepted anyway ({@code created + WINDOW}); since the memory
 * is lost at a restart, requests created before the start are refused, so a request can be
 * accepted at most once by a node. The memory is bounded: when it holds {@code maxNonces} live
 * entries, new requests are refused ({@link Reason#REPLAY_CACHE_FULL}) rather than forgetting a
 * nonce that could then be replayed.
 *
 * <p>Thread-safe.
 */
final class SignedRequests {
  /** How far a request's {@code created} may be from the node's clock, either way. */
  static final Duration WINDOW = Duration.ofSeconds(300);
  /** Default most nonces remembered at once. */
  static final int DEFAULT_MAX_NONCES = 100_000;

  /** Why a signed request is refused; the names are the HTTP API's error codes. */
  enum Reason {
    SIGNATURE_MISSING(401),
    SIGNATURE_MALFORMED(401),
    FOREIGN_SIGNER(403),
    SIGNATURE_INVALID(401),
    REQUEST_EXPIRED(401),
    REQUEST_REPLAYED(409),
    REPLAY_CACHE_FULL(503);

    final int status;

    Reason(int status) {
      this.status = status;
    }
  }

  /** A refusal with its reason and a sentence. */
  record Refusal(Reason reason, String message) {
    Refusal {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }

  /** The outcome of {@link #check}: the verified signature, or why it was refused. */
  record Checked(Optional<RequestSignature> verified, Optional<Refusal> refusal) {
    static Checked ok(RequestSignature s) {
      return new Checked(Optional.of(s), Optional.empty());
    }

    static Checked refused(Reason r, String message) {
      return new Checked(Optional.empty(), Optional.of(new Refusal(r, message)));
    }
  }

  /** The request's parts as received, the headers {@code null} when absent. */
  record Request(String method, String path, String query, String blobHeader, String signatureInput, String signature) {}

  private final Clock clock;
  private final long startedSeconds;
  private final int maxNonces;
  /** keyid + nonce → the epoch second after which the entry can be dropped. */
  private final Map<String, Long> seen = new HashMap<>();
  private long nextPurgeSeconds;

  /**
   * @param startedAt requests created before this second are refused
   * @throws IllegalArgumentException if {@code maxNonces < 1}
   */
  SignedRequests(Clock clock, Instant startedAt, int maxNonces) {
    if (maxNonces < 1) {
      throw new IllegalArgumentException("the replay cache must hold at least one nonce, not " + maxNonces);
    }
    this.clock = clock;
    this.startedSeconds = startedAt.getEpochSecond();
    this.maxNonces = maxNonces;
  }

  /**
   * Checks {@code request}, in this order: signed at all ({@code SIGNATURE_MISSING}), well-formed
   * ({@code SIGNATURE_MALFORMED}), by {@code signer} ({@code FOREIGN_SIGNER}), verified by {@code
   * signerKey} ({@code SIGNATURE_INVALID}; an empty key means the signer has no usable key),
   * fresh ({@code REQUEST_EXPIRED}) and new ({@code REQUEST_REPLAYED}). A request that passes is
   * remembered, so the same one is refused from then on.
   */
  Checked check(Request request, String signer, Optional<PublicKey> signerKey) {
    Checked parsed = parse(request);
    if (parsed.refusal().isPresent()) {
      return parsed;
    }
    RequestSignature s = parsed.verified().orElseThrow();
    if (!s.keyId().equals(signer)) {
      return Checked.refused(Reason.FOREIGN_SIGNER, "the request is signed by " + s.keyId() + ", not by " + signer);
    }
    if (signerKey.isEmpty() || !s.verifiedBy(signerKey.get())) {
      return Checked.refused(Reason.SIGNATURE_INVALID, "the signature does not verify with the registered key of " + signer
          + " over this method, path, query and " + RequestSignature.BLOB_HEADER);
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - s.createdSeconds()) > WINDOW.toSeconds()) {
      return Checked.refused(Reason.REQUEST_EXPIRED, "the request was created at " + s.createdSeconds() + ", more than "
          + WINDOW.toSeconds() + " s from the node's clock (" + now + "); sign it again");
    }
    if (s.createdSeconds() < startedSeconds) {
      return Checked.refused(Reason.REQUEST_EXPIRED, "the request was created at " + s.createdSeconds()
          + ", before this node started (" + startedSeconds + "); sign it again");
    }
    String key = s.keyId() + "/" + s.nonce();
    synchronized (seen) {
      if (now >= nextPurgeSeconds || seen.size() >= maxNonces) {
        seen.values().removeIf(expires -> expires < now);
        nextPurgeSeconds = now + 10;
      }
      Long expires = seen.get(key);
      if (expires != null && expires >= now) {
        return Checked.refused(Reason.REQUEST_REPLAYED, "nonce " + s.nonce() + " of " + s.keyId()
            + " was already used; every request needs a fresh nonce");
      }
      if (seen.size() >= maxNonces) {
        return Checked.refused(Reason.REPLAY_CACHE_FULL, "the node is answering too many signed requests; try again in a few seconds");
      }
      seen.put(key, s.createdSeconds() + WINDOW.toSeconds());
    }
    return Checked.ok(s);
  }

  /** Whether the request carries well-formed signature headers (no key, time or replay check). */
  static Checked parse(Request r) {
    if (r.signatureInput() == null && r.signature() == null) {
      return Checked.refused(Reason.SIGNATURE_MISSING, "the request is not signed: it needs the headers " + RequestSignature.BLOB_HEADER
          + ", Signature-Input and Signature");
    }
    try {
      return Checked.ok(RequestSignature.parse(r.method(), r.path(), r.query() == null ? "" : r.query(), r.blobHeader(),
          r.signatureInput(), r.signature()));
    } catch (RequestSignature.MalformedException e) {
      return Checked.refused(Reason.SIGNATURE_MALFORMED, e.getMessage());
    }
  }

  /** How many nonces are remembered now (for tests). */
  int remembered() {
    synchronized (seen) {
      return seen.size();
    }
  }
}
