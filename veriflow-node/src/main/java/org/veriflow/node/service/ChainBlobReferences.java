package org.veriflow.node.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.veriflow.contracts.SystemContract;
import org.veriflow.contracts.datasets.Datasets;
import org.veriflow.contracts.decisions.Decisions;
import org.veriflow.contracts.fl.Fl;
import org.veriflow.contracts.models.Models;
import org.veriflow.contracts.streams.Streams;
import org.veriflow.core.crypto.Hash;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.decisions.Decision;
import org.veriflow.protocol.proto.decisions.DecisionRecord;
import org.veriflow.protocol.proto.models.Attestation;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.protocol.proto.fl.AcceptedUpdate;
import org.veriflow.protocol.proto.fl.RejectedUpdate;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.RoundResult;
import org.veriflow.protocol.proto.fl.TaskRecord;
import org.veriflow.protocol.proto.fl.UpdateRecord;
import org.veriflow.protocol.proto.streams.SnapshotRecord;

/**
 * Which blob hashes the committed chain names: every SHA-256 field of a committed record that can
 * name a stored blob. The list, by contract:
 *
 * <ul>
 *   <li>models ({@code m/}): the artifact, the loss curve, each attestation's artifact, and each
 *       training dataset's CSV hash;
 *   <li>datasets ({@code d/}, every version, erased ones too): the ciphertext, the quality report
 *       and the plaintext;
 *   <li>decisions ({@code d/}): the model artifact and the input's digest (a kept input itself is
 *       inside the decision, not a blob);
 *   <li>streams ({@code snap/}): each snapshot's CSV export;
 *   <li>fl ({@code t/}, {@code r/}): each task's initial model; each round's base model, every
 *       update submitted, and its latest result's new global model and accepted and rejected
 *       updates (so that participants and validators can still fetch them from this node).
 * </ul>
 *
 * Identities and credits name no blobs. A new record type that names a blob must be added here, or
 * its blobs are collected once unreferenced for the configured time.
 */
final class ChainBlobReferences {
  private static final int PAGE = 1000;
  private static final String FL = Fl.NAME;

  private ChainBlobReferences() {}

  /**
   * Those of {@code candidates} that the committed state names.
   *
   * @return a subset of {@code candidates}
   */
  static Set<Hash> named(Ledger ledger, Set<Hash> candidates) {
    Set<Hash> named = new TreeSet<>();
    if (candidates.isEmpty()) {
      return named;
    }
    Consumer<ByteString> check = b -> {
      if (b.size() == 32) {
        Hash h = Hash.of(b.toByteArray());
        if (candidates.contains(h)) {
          named.add(h);
        }
      }
    };
    scan(ledger.state(Models.NAME), "m/", v -> {
      ModelRecord m = SystemContract.parseStored(ModelRecord.parser(), v);
      check.accept(m.getArtifactSha256());
      check.accept(m.getLossCurveSha256());
      for (Attestation a : m.getAttestationsList()) {
        check.accept(a.getArtifactSha256());
      }
      for (DatasetRef d : m.getDatasetsList()) {
        check.accept(d.getCsvSha256());
      }
    });
    scan(ledger.state(Datasets.NAME), "d/", v -> {
      DatasetRecord d = SystemContract.parseStored(DatasetRecord.parser(), v);
      check.accept(d.getCiphertextSha256());
      check.accept(d.getQualityReportSha256());
      check.accept(d.getPlaintextSha256());
    });
    scan(ledger.state(Decisions.NAME), "d/", v -> {
      DecisionRecord r = SystemContract.parseStored(DecisionRecord.parser(), v);
      try {
        Decision d = Decision.parseFrom(r.getDecision());
        check.accept(d.getModelSha256());
        check.accept(d.getInputSha256());
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("a stored decision does not decode", e);
      }
    });
    scan(ledger.state(Streams.NAME), "snap/", v -> check.accept(SystemContract.parseStored(SnapshotRecord.parser(), v).getCsvSha256()));
    flModels(ledger, check);
    return named;
  }

  /**
   * Whether the committed fl state names {@code hash} as a model: a task's initial model, a round's
   * base model, an update submitted, or a round result's new global model or accepted or rejected
   * update. Reads only the fl namespace's tasks and rounds, none of the other contracts' records.
   *
   * @return whether some fl record names it
   */
  static boolean namesFlModel(Ledger ledger, Hash hash) {
    return flModelHashes(ledger).contains(ByteString.copyFrom(hash.bytes()));
  }

  /**
   * Every model hash the committed fl state names (as {@link #namesFlModel} reads them), for callers
   * that check many hashes against one state.
   *
   * @return the hashes, 32 bytes each
   */
  static Set<ByteString> flModelHashes(Ledger ledger) {
    Set<ByteString> hashes = new HashSet<>();
    flModels(ledger, b -> {
      if (!b.isEmpty()) {
        hashes.add(b);
      }
    });
    return hashes;
  }

  /** Hands {@code check} every model hash the fl records name (some may be empty: unset fields). */
  private static void flModels(Ledger ledger, Consumer<ByteString> check) {
    scan(ledger.state(FL), "t/", v -> check.accept(SystemContract.parseStored(TaskRecord.parser(), v).getInitialModelSha256()));
    scan(ledger.state(FL), "r/", v -> {
      RoundRecord r = SystemContract.parseStored(RoundRecord.parser(), v);
      check.accept(r.getBaseModelSha256());
      for (UpdateRecord u : r.getUpdatesList()) {
        check.accept(u.getUpdateSha256());
      }
      if (!r.getResult().isEmpty()) {
        try {
          RoundResult res = RoundResult.parseFrom(r.getResult());
          check.accept(res.getGlobalModelSha256());
          for (AcceptedUpdate a : res.getAcceptedList()) {
            check.accept(a.getUpdateSha256());
          }
          for (RejectedUpdate x : res.getRejectedList()) {
            check.accept(x.getUpdateSha256());
          }
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("a stored round result does not decode", e);
        }
      }
    });
  }

  private static void scan(StateView state, String prefix, Consumer<byte[]> visit) {
    byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
    byte[] after = null;
    while (true) {
      List<StateView.Entry> page = state.scan(p, after, PAGE);
      for (StateView.Entry e : page) {
        visit.accept(e.value());
      }
      if (page.size() < PAGE) {
        return;
      }
      after = page.get(page.size() - 1).key();
    }
  }
}
