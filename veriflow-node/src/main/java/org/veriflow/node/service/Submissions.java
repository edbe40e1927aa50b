package org.veriflow.node.service;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.VerifiedTx;
import org.veriflow.ledger.order.Orderer;
import org.veriflow.protocol.proto.SignedTx;

/**
 * The node's one submission pipeline: a signed transaction is checked against the ledger, watched
 * if its sender waits, handed to the orderer, and its outcome awaited. Clients' transactions (the
 * HTTP API) and the node's own ({@link NodeSubmitter}) go through it. Thread-safe.
 */
public final class Submissions {
  private final Ledger ledger;
  private final Orderer orderer;
  private final TxTracker tracker;
  private final MeterRegistry metrics;

  /**
   * @param metrics where clients' submissions are counted ({@code veriflow_submissions}, by outcome and code)
   */
  public Submissions(Ledger ledger, Orderer orderer, TxTracker tracker, MeterRegistry metrics) {
    this.ledger = ledger;
    this.orderer = orderer;
    this.tracker = tracker;
    this.metrics = metrics;
  }

  /**
   * A submission on its way: refused with a reason, or admitted (carrying its verified transaction,
   * and its watch if its sender waits).
   *
   * @param id the transaction's id (the hash of its payload); null if the submission did not even carry one
   * @param rejection why it was refused; null while it is on its way
   * @param watch the watch of its outcome; null if nobody waits
   * @param tx the verified transaction; null if it was refused at the ledger's door
   * @param client whether a client sent it (counted in the metrics) rather than the node itself
   */
  public record Entry(Hash id, Rejection rejection, TxTracker.Watch watch, VerifiedTx tx, boolean client) {
    /**
     * A client's submission refused before it could be checked (not decodable).
     *
     * @param rejection why
     * @return the refused entry
     */
    public static Entry refused(Rejection rejection) {
      return new Entry(null, rejection, null, null, true);
    }
  }

  /**
   * Checks a client's transaction against the ledger. A cluster member one block or two behind
   * checks a refusal that depends on the state again after catching up (a sender registered through
   * another member a moment ago), at most once per request.
   *
   * @param payload the transaction's payload bytes
   * @param signature the signature over them
   * @param wait whether the client waits for the outcome (the entry then carries a watch)
   * @param synced one flag per request, set once the request has waited for the latest commit
   * @return the refused or admitted entry
   */
  public Entry admit(byte[] payload, byte[] signature, boolean wait, boolean[] synced) {
    byte[] signed = SignedTx.newBuilder().setPayload(ByteString.copyFrom(payload)).setSignature(ByteString.copyFrom(signature)).build().toByteArray();
    Hash id = Hash.sha256(payload);
    Ledger.Admission admission = ledger.admit(signed);
    if (!admission.accepted() && dependsOnState(admission.rejection().code()) && !synced[0]) {
      synced[0] = true;
      try {
        if (orderer.awaitLatest()) {
          admission = ledger.admit(signed);
        }
      } catch (IllegalStateException e) {
        // No leader: this node cannot tell whether its refusal would stand against the latest commit.
        Rejection stale = admission.rejection();
        admission = new Ledger.Admission(null, new Rejection(RejectionCode.NO_QUORUM, e.getMessage() + "; against this node's state, which may be behind, the transaction was refused: "
            + stale.code() + ": " + stale.message()));
      }
    }
    if (!admission.accepted()) {
      counter("rejected", admission.rejection().code().name()).increment();
      return new Entry(id, admission.rejection(), null, null, true);
    }
    VerifiedTx tx = admission.tx();
    return new Entry(id, null, wait ? tracker.watch(tx.id()) : null, tx, true);
  }

  /** Checks one of the node's own transactions (always watched, not counted as a client's). */
  Entry admitOwn(byte[] signed, Hash id) {
    Ledger.Admission admission = ledger.admit(signed);
    if (!admission.accepted()) {
      return new Entry(id, admission.rejection(), null, null, false);
    }
    return new Entry(admission.tx().id(), null, tracker.watch(admission.tx().id()), admission.tx(), false);
  }

  /** Refusals that a node one block behind could get wrong: they depend on the chain's state. */
  private static boolean dependsOnState(RejectionCode code) {
    return switch (code) {
      case UNKNOWN_SENDER, NONCE_TOO_HIGH, NOT_AUTHORISED, BAD_ARGUMENTS -> true;
      default -> false;
    };
  }

  /**
   * Hands admitted transactions to the orderer in one go (a follower relays them to the leader
   * together); a transaction the orderer refuses has its watch given up.
   *
   * @param admitted entries without a rejection
   * @param relayed whether another member relayed them here (they must not be relayed again)
   * @return one entry per admitted one, in order: unchanged, or refused with the orderer's reason
   */
  public List<Entry> handOver(List<Entry> admitted, boolean relayed) {
    List<VerifiedTx> txs = admitted.stream().map(Entry::tx).toList();
    List<Optional<Rejection>> refusals = relayed ? orderer.submitRelayed(txs) : orderer.submitAll(txs);
    List<Entry> out = new ArrayList<>(admitted.size());
    for (int i = 0; i < admitted.size(); i++) {
      Entry e = admitted.get(i);
      Optional<Rejection> refused = refusals.get(i);
      if (refused.isPresent()) {
        if (e.watch() != null) {
          tracker.release(e.watch());
        }
        if (e.client()) {
          counter("rejected", refused.get().code().name()).increment();
        }
        out.add(new Entry(e.id(), refused.get(), null, e.tx(), e.client()));
      } else {
        if (e.client()) {
          counter("accepted", "").increment();
        }
        out.add(e);
      }
    }
    return out;
  }

  /**
   * The outcome of an admitted, watched entry.
   *
   * @param e an entry with a watch
   * @param timeout how long to wait
   * @return a future of the outcome, completed with null once {@code timeout} passes (still pending)
   */
  public CompletableFuture<TxOutcome> await(Entry e, Duration timeout) {
    return tracker.await(e.watch(), timeout);
  }

  private Counter counter(String outcome, String code) {
    return Counter.builder("veriflow_submissions").tag("outcome", outcome).tag("code", code)
        .description("transactions submitted over HTTP").register(metrics);
  }
}
