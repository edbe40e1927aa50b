package org.veriflow.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.RequestSignature;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;

/** The freshness window, the replay memory and its bound, on a clock the test moves. */
class SignedRequestsTest {
  private static final Instant START = Instant.ofEpochSecond(1_700_000_000L);
  private static final Hash BLOB = Hash.sha256(new byte[] {1});
  private final SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
  private Instant now = START;
  private final Clock clock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  private SignedRequests.Request request(long created, int nonce) {
    return request(key, created, nonce);
  }

  private static SignedRequests.Request request(SigningKey key, long created, int nonce) {
    byte[] n = new byte[16];
    n[15] = (byte) nonce;
    n[14] = (byte) (nonce >> 8);
    RequestSignature s = RequestSignature.sign(key, "POST", "/v1/grants/x/key", "", BLOB, created, n);
    return new SignedRequests.Request("POST", "/v1/grants/x/key", null, s.blob(), s.signatureInput(), s.signatureHeader());
  }

  private Optional<SignedRequests.Reason> check(SignedRequests requests, SignedRequests.Request r) {
    return requests.check(r, key.id().value(), Optional.of(key.publicKey())).refusal().map(SignedRequests.Refusal::reason);
  }

  @Test
  void check_sameNonceWithinWindow_replayed_afterWindow_expiredAndForgotten() {
    SignedRequests requests = new SignedRequests(clock, START, 100);
    SignedRequests.Request r = request(START.getEpochSecond(), 1);
    assertThat(check(requests, r)).isEmpty();
    now = START.plusSeconds(299);
    assertThat(check(requests, r)).contains(SignedRequests.Reason.REQUEST_REPLAYED);
    now = START.plusSeconds(301);
    assertThat(check(requests, r)).contains(SignedRequests.Reason.REQUEST_EXPIRED);
    // A later request triggers the purge of the entry that can no longer be replayed.
    now = START.plusSeconds(320);
    assertThat(check(requests, request(now.getEpochSecond(), 2))).isEmpty();
    assertThat(requests.remembered()).isEqualTo(1);
  }

  @Test
  void check_createdBeforeStart_expired_evenWithinWindow() {
    now = START.plusSeconds(10);
    SignedRequests requests = new SignedRequests(clock, START.plusSeconds(5), 100);
    assertThat(check(requests, request(START.getEpochSecond() + 4, 1))).contains(SignedRequests.Reason.REQUEST_EXPIRED);
    assertThat(check(requests, request(START.getEpochSecond() + 5, 2))).isEmpty();
  }

  @Test
  void admit_oneIdentityFull_refusesOnlyThatIdentity_withRetryAfter() {
    SignedRequests requests = new SignedRequests(clock, START, 3);
    SigningKey flooder = SigningKey.generate(SignatureAlgorithm.ED25519);
    for (int i = 0; i < 3; i++) {
      assertThat(requests.check(request(flooder, START.getEpochSecond(), i), flooder.id().value(), Optional.of(flooder.publicKey())).refusal())
          .isEmpty();
    }
    SignedRequests.Refusal full = requests.check(request(flooder, START.getEpochSecond(), 9), flooder.id().value(),
        Optional.of(flooder.publicKey())).refusal().orElseThrow();
    assertThat(full.reason()).isEqualTo(SignedRequests.Reason.REPLAY_CACHE_FULL);
    assertThat(full.reason().status).isEqualTo(429);
    assertThat(full.retryAfterSeconds()).isBetween(1L, SignedRequests.WINDOW.toSeconds() + 1);
    // Another identity still has its own room.
    for (int i = 0; i < 3; i++) {
      assertThat(check(requests, request(START.getEpochSecond(), i))).isEmpty();
    }
    assertThat(requests.remembered(flooder.id().value())).isEqualTo(3);
    assertThat(requests.remembered(key.id().value())).isEqualTo(3);
  }

  @Test
  void verify_withoutAdmit_remembersNothing_soRefusedRequestsTakeNoRoom() {
    SignedRequests requests = new SignedRequests(clock, START, 1);
    for (int i = 0; i < 50; i++) {
      assertThat(requests.verify(request(START.getEpochSecond(), i), key.id().value(), Optional.of(key.publicKey())).refusal()).isEmpty();
    }
    assertThat(requests.remembered()).isZero();
    SignedRequests.Checked ok = requests.verify(request(START.getEpochSecond(), 99), key.id().value(), Optional.of(key.publicKey()));
    assertThat(requests.admit(ok.verified().orElseThrow())).isEmpty();
    assertThat(requests.admit(ok.verified().orElseThrow()).map(SignedRequests.Refusal::reason)).contains(SignedRequests.Reason.REQUEST_REPLAYED);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> requests.refuseIfReplayed(ok.verified().orElseThrow()))
        .isInstanceOfSatisfying(org.veriflow.node.service.Refused.class, e -> assertThat(e.code).isEqualTo("REQUEST_REPLAYED"));
    SignedRequests.Checked fresh = requests.verify(request(START.getEpochSecond(), 100), key.id().value(), Optional.of(key.publicKey()));
    requests.refuseIfReplayed(fresh.verified().orElseThrow());
    assertThat(requests.remembered()).isEqualTo(1);
  }

  @Test
  void check_memoryFull_refusesNewRequests_untilEntriesExpire() {
    SignedRequests requests = new SignedRequests(clock, START, 2);
    assertThat(check(requests, request(START.getEpochSecond(), 1))).isEmpty();
    assertThat(check(requests, request(START.getEpochSecond(), 2))).isEmpty();
    assertThat(check(requests, request(START.getEpochSecond(), 3))).contains(SignedRequests.Reason.REPLAY_CACHE_FULL);
    assertThat(check(requests, request(START.getEpochSecond(), 1))).contains(SignedRequests.Reason.REQUEST_REPLAYED);
    now = START.plusSeconds(301);
    assertThat(check(requests, request(now.getEpochSecond(), 3))).isEmpty();
  }

  @Test
  void check_otherSignerOrKey_refused_andNotRemembered() {
    SignedRequests requests = new SignedRequests(clock, START, 100);
    SignedRequests.Request r = request(START.getEpochSecond(), 1);
    SigningKey other = SigningKey.generate(SignatureAlgorithm.ED25519);
    assertThat(requests.check(r, other.id().value(), Optional.of(other.publicKey())).refusal().map(SignedRequests.Refusal::reason))
        .contains(SignedRequests.Reason.FOREIGN_SIGNER);
    assertThat(requests.check(r, key.id().value(), Optional.empty()).refusal().map(SignedRequests.Refusal::reason))
        .contains(SignedRequests.Reason.SIGNATURE_INVALID);
    assertThat(requests.remembered()).isZero();
    assertThat(check(requests, r)).isEmpty();
  }
}
