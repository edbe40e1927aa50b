package org.veriflow.node.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.RequestSignature;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.node.service.Refused;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.contracts.IdentityStatus;

/**
 * Checks requests signed by an identity's key ({@link RequestSignature}, a subset of RFC 9421):
 * well-formed, signed by the expected identity's registered key, fresh, and never seen before.
 *
 * <p>Two steps, so that only authorised requests are remembered: {@link #verify} checks the form,
 * the signer, the signature and freshness and remembers nothing; the caller then checks that the
 * signer may do what it asks and, only if so, calls {@link #admit}, which remembers the nonce and
 * refuses a replay. A request that is refused for any reason (a pending grant, a quota, a rate limit)
 * therefore takes no room.
 *
 * <p>Freshness: {@code created} must be within {@link #WINDOW} of the node's clock either way, and
 * not before the node started. Replays: every admitted {@code (keyid, nonce)} is remembered until
 * its request would be too old to be accepted anyway ({@code created + WINDOW}); since the memory
 * is lost at a restart, requests created before the start are refused, so a request can be
 * accepted at most once by a node. The memory is bounded per identity: when an identity has {@code
 * maxNoncesPerIdentity} live entries, its new requests are refused ({@link
 * Reason#REPLAY_CACHE_FULL}, 429 with the seconds until its oldest entry expires) rather than
 * forgetting a nonce that could then be replayed; other identities are not affected. Signers are
 * registered identities, so the whole memory is bounded by their number times that limit.
 *
 * <p>Thread-safe.
 */
final class SignedRequests {
  /** How far a request's {@code created} may be from the node's clock, either way. */
  static final Duration WINDOW = Duration.ofSeconds(300);

  /** Why a signed request is refused; the names are the HTTP API's error codes. */
  enum Reason {
    SIGNATURE_MISSING(401),
    SIGNATURE_MALFORMED(401),
    FOREIGN_SIGNER(403),
    /** The signer is not a registered identity. */
    UNKNOWN_SIGNER(403),
    /** The signer is registered but not active (revoked or suspended). */
    SIGNER_NOT_ACTIVE(403),
    SIGNATURE_INVALID(401),
    REQUEST_EXPIRED(401),
    REQUEST_REPLAYED(409),
    REPLAY_CACHE_FULL(429);

    final int status;

    Reason(int status) {
      this.status = status;
    }
  }

  /**
   * A refusal with its reason and a sentence.
   *
   * @param retryAfterSeconds for {@link Reason#REPLAY_CACHE_FULL}, when to try again; otherwise 0
   */
  record Refusal(Reason reason, String message, long retryAfterSeconds) {
    Refusal {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    Refusal(Reason reason, String message) {
      this(reason, message, 0);
    }
  }

  /** The outcome of {@link #verify}: the verified signature, or why it was refused. */
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
  private final int maxNoncesPerIdentity;
  /** keyid → (nonce → the epoch second after which the entry can be dropped). */
  private final Map<String, Map<String, Long>> seen = new HashMap<>();
  private long nextPurgeSeconds;

  /**
   * @param startedAt requests created before this second are refused
   * @param maxNoncesPerIdentity most nonces remembered at once for one identity
   * @throws IllegalArgumentException if {@code maxNoncesPerIdentity < 1}
   */
  SignedRequests(Clock clock, Instant startedAt, int maxNoncesPerIdentity) {
    if (maxNoncesPerIdentity < 1) {
      throw new IllegalArgumentException("the replay cache must hold at least one nonce per identity, not " + maxNoncesPerIdentity);
    }
    this.clock = clock;
    this.startedSeconds = startedAt.getEpochSecond();
    this.maxNoncesPerIdentity = maxNoncesPerIdentity;
  }

  /**
   * Checks {@code request}, in this order: signed at all ({@code SIGNATURE_MISSING}), well-formed
   * ({@code SIGNATURE_MALFORMED}), by {@code signer} ({@code FOREIGN_SIGNER}), verified by {@code
   * signerKey} ({@code SIGNATURE_INVALID}; an empty key means the signer has no usable key) and
   * fresh ({@code REQUEST_EXPIRED}). Remembers nothing: see {@link #admit}.
   */
  Checked verify(Request request, String signer, Optional<PublicKey> signerKey) {
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
    return Checked.ok(s);
  }

  /**
   * Remembers a verified request's nonce, once the caller has found that its signer may do what it
   * asks: empty if admitted, else {@code REQUEST_REPLAYED} (the nonce was admitted before) or {@code
   * REPLAY_CACHE_FULL} (this signer has {@code maxNoncesPerIdentity} live nonces).
   *
   * @param s a signature {@link #verify} accepted
   */
  Optional<Refusal> admit(RequestSignature s) {
    long now = clock.instant().getEpochSecond();
    synchronized (seen) {
      if (now >= nextPurgeSeconds) {
        for (Map<String, Long> nonces : seen.values()) {
          nonces.values().removeIf(e -> e < now);
        }
        seen.values().removeIf(Map::isEmpty);
        nextPurgeSeconds = now + 10;
      }
      Map<String, Long> mine = seen.computeIfAbsent(s.keyId(), k -> new HashMap<>());
      Long expires = mine.get(s.nonce());
      if (expires != null && expires >= now) {
        return Optional.of(new Refusal(Reason.REQUEST_REPLAYED, "nonce " + s.nonce() + " of " + s.keyId()
            + " was already used; every request needs a fresh nonce"));
      }
      if (mine.size() >= maxNoncesPerIdentity) {
        mine.values().removeIf(e -> e < now);
      }
      if (mine.size() >= maxNoncesPerIdentity) {
        long oldest = mine.values().stream().mapToLong(Long::longValue).min().orElse(now);
        long retry = Math.max(1, oldest - now + 1);
        return Optional.of(new Refusal(Reason.REPLAY_CACHE_FULL, s.keyId() + " has sent " + mine.size()
            + " signed requests that are still fresh, the most this node remembers for one identity; try again in " + retry + " s", retry));
      }
      mine.put(s.nonce(), s.createdSeconds() + WINDOW.toSeconds());
    }
    return Optional.empty();
  }

  /**
   * {@link #verify} then {@link #admit}, for a request whose signer may do what it asks once its
   * signature is verified.
   */
  Checked check(Request request, String signer, Optional<PublicKey> signerKey) {
    Checked checked = verify(request, signer, signerKey);
    if (checked.refusal().isPresent()) {
      return checked;
    }
    Optional<Refusal> refused = admit(checked.verified().orElseThrow());
    return refused.map(r -> new Checked(Optional.<RequestSignature>empty(), Optional.of(r))).orElse(checked);
  }

  /** A request verified as signed by a registered, active identity, not yet admitted. */
  record Signer(RequestSignature signature, IdentityRecord identity) {}

  /**
   * Checks a request that any registered identity may sign, in this order: signed at all and
   * well-formed (401), the signer registered ({@code UNKNOWN_SIGNER}, 403) and {@code ACTIVE}
   * ({@code SIGNER_NOT_ACTIVE}, 403), the signature and freshness (401). Remembers nothing: the
   * caller checks what the signer may do, then calls {@link #admitOrRefuse}.
   *
   * @param identities the identities namespace of the committed state
   * @return the signer
   * @throws Refused with the reason's status and name
   */
  Signer authenticate(Request request, StateView identities) {
    Checked parsed = parse(request);
    parsed.refusal().ifPresent(SignedRequests::refuse);
    String keyId = parsed.verified().orElseThrow().keyId();
    IdentityRecord identity = Identities.find(identities, keyId).orElseThrow(() -> new Refused(Reason.UNKNOWN_SIGNER.status,
        Reason.UNKNOWN_SIGNER.name(), "the request is signed by " + keyId + ", which is not a registered identity"));
    if (identity.getStatus() != IdentityStatus.ACTIVE) {
      throw new Refused(Reason.SIGNER_NOT_ACTIVE.status, Reason.SIGNER_NOT_ACTIVE.name(), "the request is signed by " + keyId
          + ", which is " + identity.getStatus() + ", not ACTIVE");
    }
    Checked checked = verify(request, keyId, signingKey(identity));
    checked.refusal().ifPresent(SignedRequests::refuse);
    return new Signer(checked.verified().orElseThrow(), identity);
  }

  /**
   * Refuses a request whose nonce was already admitted, without remembering anything: for checks
   * that spend something of the signer's (a rate limit) before {@link #admit}, so that a replayed
   * request cannot spend it.
   *
   * @throws Refused {@code REQUEST_REPLAYED}
   */
  void refuseIfReplayed(RequestSignature s) {
    long now = clock.instant().getEpochSecond();
    synchronized (seen) {
      Map<String, Long> mine = seen.get(s.keyId());
      Long expires = mine == null ? null : mine.get(s.nonce());
      if (expires != null && expires >= now) {
        refuse(new Refusal(Reason.REQUEST_REPLAYED, "nonce " + s.nonce() + " of " + s.keyId() + " was already used; every request needs a fresh nonce"));
      }
    }
  }

  /**
   * {@link #admit}, throwing the refusal.
   *
   * @throws Refused {@code REQUEST_REPLAYED} or {@code REPLAY_CACHE_FULL} (with its retry-after)
   */
  void admitOrRefuse(RequestSignature s) {
    admit(s).ifPresent(SignedRequests::refuse);
  }

  /** Throws {@code r} as a {@link Refused}. */
  static void refuse(Refusal r) {
    throw new Refused(r.reason().status, r.reason().name(), r.message(), r.retryAfterSeconds());
  }

  /** An identity record's signing key, or empty if it does not decode. */
  static Optional<PublicKey> signingKey(IdentityRecord r) {
    try {
      SignatureAlgorithm alg = r.getAlgorithm() == KeyAlgorithm.P256 ? SignatureAlgorithm.P256 : SignatureAlgorithm.ED25519;
      return Optional.of(PublicKey.decode(alg, r.getPublicKey().toByteArray()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The request's signature headers as received from {@code ctx}. */
  static Request request(io.javalin.http.Context ctx, String method) {
    return new Request(method, ctx.path(), ctx.queryString(), ctx.header(RequestSignature.BLOB_HEADER), ctx.header("Signature-Input"),
        ctx.header("Signature"));
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

  /** How many nonces are remembered now, over all identities (for tests). */
  int remembered() {
    synchronized (seen) {
      return seen.values().stream().mapToInt(Map::size).sum();
    }
  }

  /** How many nonces are remembered now for {@code keyId} (for tests). */
  int remembered(String keyId) {
    synchronized (seen) {
      Map<String, Long> mine = seen.get(keyId);
      return mine == null ? 0 : mine.size();
    }
  }
}
