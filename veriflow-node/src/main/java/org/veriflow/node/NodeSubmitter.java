package org.veriflow.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.order.Orderer;

/**
 * Transactions the node itself sends, signed with its own key (validator attestations, logged
 * decisions): one place hands out the node's nonces, so that its services never race for one.
 * Thread-safe.
 */
final class NodeSubmitter {
  /** How many blocks a node's own transaction stays valid for. */
  static final long VALIDITY_BLOCKS = 1_000;

  private final Ledger ledger;
  private final Orderer orderer;
  private final TxTracker tracker;
  private final SigningKey key;
  private long nextNonce = -1;
  /** The chain's next nonce for this key when last seen, and when it last moved (or a first nonce went out). */
  private long committedSeen = -1;
  private long progressNanos;
  /**
   * Nonces handed out that the chain has not consumed for this long are taken as lost (in a
   * cluster, a leader that stopped before ordering them) and handed out again; the ledger refuses
   * whichever of two transactions with one nonce comes second.
   */
  private static final long LOST_AFTER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

  NodeSubmitter(Ledger ledger, Orderer orderer, TxTracker tracker, SigningKey key) {
    this.ledger = ledger;
    this.orderer = orderer;
    this.tracker = tracker;
    this.key = key;
  }

  /** The node's identity: the one its transactions are signed by. */
  String identity() {
    return key.id().value();
  }

  /**
   * Signs and submits {@code contract.method(arguments)}; the future completes with the outcome once
   * its block is durable, or with {@code REJECTED} if the pool drops it.
   *
   * @throws IllegalStateException with the rejection if the ledger or the orderer refuses it at once
   */
  CompletableFuture<TxTracker.Outcome> submit(String contract, String method, MessageLite arguments) {
    Ledger.Admission admission;
    TxTracker.Watch watch;
    synchronized (this) {
      long committed = ledger.nextNonce(key.id());
      long now = System.nanoTime();
      if (committed != committedSeen) {
        committedSeen = committed;
        progressNanos = now;
      }
      if (nextNonce > committed && now - progressNanos > LOST_AFTER_NANOS) {
        nextNonce = committed;
      }
      // Nonces the node handed out but that were dropped or never arrived are reused from the chain's view.
      long nonce = nextNonce < committed ? committed : nextNonce;
      if (nonce == committed) {
        progressNanos = now;
      }
      byte[] payload = TxPayload.newBuilder()
          .setChainId(ledger.chainId())
          .setSenderKey(ByteString.copyFrom(key.publicKey().encoded()))
          .setSenderAlgorithm(key.algorithm() == SignatureAlgorithm.ED25519 ? KeyAlgorithm.ED25519 : KeyAlgorithm.P256)
          .setNonce(nonce)
          .setValidUntilHeight(ledger.head().height() + VALIDITY_BLOCKS)
          .setContract(contract)
          .setMethod(method)
          .setArguments(arguments.toByteString())
          .build()
          .toByteArray();
      byte[] signed = SignedTx.newBuilder().setPayload(ByteString.copyFrom(payload))
          .setSignature(ByteString.copyFrom(key.sign(payload))).build().toByteArray();
      admission = ledger.admit(signed);
      if (!admission.accepted()) {
        throw refused(Hash.sha256(payload), admission.rejection());
      }
      watch = tracker.watch(admission.tx().id());
      Optional<Rejection> refused = orderer.submit(admission.tx());
      if (refused.isPresent()) {
        tracker.release(watch);
        nextNonce = -1;
        throw refused(admission.tx().id(), refused.get());
      }
      nextNonce = nonce + 1;
    }
    return watch.future().whenComplete((o, e) -> {
      if (o != null && o.status().equals("REJECTED")) {
        synchronized (this) {
          nextNonce = -1; // dropped: later nonces cannot execute; start again from the chain's view
        }
      }
    });
  }

  private static IllegalStateException refused(Hash id, Rejection r) {
    return new IllegalStateException("the node's own transaction " + id + " was refused: " + r.code() + ": " + r.message());
  }
}
