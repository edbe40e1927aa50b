package org.veriflow.node.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.Rejection;

/**
 * Transactions the node itself sends, signed with its own key (validator attestations, logged
 * decisions): one place hands out the node's nonces, so that its services never race for one. They
 * go through the node's one {@link Submissions} pipeline, as clients' transactions do. Thread-safe.
 */
public final class NodeSubmitter {
  /** How many blocks a node's own transaction stays valid for. */
  static final long VALIDITY_BLOCKS = 1_000;

  private final Ledger ledger;
  private final Submissions submissions;
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

  /**
   * @param submissions the pipeline the node's transactions go through
   * @param key the node's signing key
   */
  public NodeSubmitter(Ledger ledger, Submissions submissions, SigningKey key) {
    this.ledger = ledger;
    this.submissions = submissions;
    this.key = key;
  }

  /**
   * The node's identity: the one its transactions are signed by.
   *
   * @return the identity id
   */
  public String identity() {
    return key.id().value();
  }

  /**
   * Signs and submits {@code contract.method(arguments)}; the future completes with the outcome once
   * its block is durable, or with {@code REJECTED} if the pool drops it.
   *
   * @param contract the contract's name
   * @param method the method's name
   * @param arguments the method's arguments
   * @return the future outcome
   * @throws IllegalStateException with the rejection if the ledger or the orderer refuses it at once
   */
  public CompletableFuture<TxOutcome> submit(String contract, String method, MessageLite arguments) {
    Submissions.Entry handed;
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
      Submissions.Entry admitted = submissions.admitOwn(signed, Hash.sha256(payload));
      if (admitted.rejection() != null) {
        throw refused(admitted.id(), admitted.rejection());
      }
      handed = submissions.handOver(List.of(admitted), false).get(0);
      if (handed.rejection() != null) {
        nextNonce = -1;
        throw refused(handed.id(), handed.rejection());
      }
      nextNonce = nonce + 1;
    }
    return handed.watch().future().whenComplete((o, e) -> {
      if (o != null && o.status() == TxOutcome.Status.REJECTED) {
        synchronized (this) {
          nextNonce = -1; // dropped: later nonces cannot execute; start again from the chain's view
        }
      }
    });
  }

  /**
   * A waiter's view of an outcome: the same outcome, or null once {@code timeout} passes. Other
   * waiters of the same transaction are not affected.
   *
   * @param outcome a future from {@link #submit}
   * @param timeout how long to wait
   * @return a future completed with the outcome, or with null on timeout
   */
  public static CompletableFuture<TxOutcome> within(CompletableFuture<TxOutcome> outcome, Duration timeout) {
    return outcome.copy().completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static IllegalStateException refused(Hash id, Rejection r) {
    return new IllegalStateException("the node's own transaction " + id + " was refused: " + r.code() + ": " + r.message());
  }
}
