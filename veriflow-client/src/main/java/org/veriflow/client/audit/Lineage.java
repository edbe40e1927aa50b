package org.veriflow.client.audit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What an audit walked: a model, the dataset snapshots it was trained on (with the devices whose
 * readings they hold), the validators' replays, the stage changes, and optionally a decision the model
 * made. The input of {@link ProvJson}. Ids are the chain's (model id, snapshot id, hex transaction
 * ids, identity ids). Immutable.
 */
public record Lineage(String chainId, Optional<ModelNode> model, List<SnapshotNode> snapshots, Optional<DecisionNode> decision) {
  public Lineage {
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(model, "model");
    snapshots = List.copyOf(snapshots);
    Objects.requireNonNull(decision, "decision");
  }

  /** A model record: who trained it, on what, its hashes, and what became of it. */
  public record ModelNode(String modelId, String trainer, String stage, String artifactSha256, String recipeSha256,
      String engineVersion, String lossCurveSha256, long registeredHeight, String registrationTx, SortedMap<String, Double> metrics,
      List<String> snapshotIds, List<StageChangeNode> history, List<AttestationNode> attestations) {
    public ModelNode {
      Objects.requireNonNull(modelId, "modelId");
      metrics = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
      snapshotIds = List.copyOf(snapshotIds);
      history = List.copyOf(history);
      attestations = List.copyOf(attestations);
    }
  }

  /** A stage change of a model, in the transaction {@code txId}. */
  public record StageChangeNode(String from, String to, String by, long height, String reason, String txId) {}

  /** A validator's replay of the training; {@code failure} if it produced no artifact. */
  public record AttestationNode(String validator, String artifactSha256, boolean match, long height, Optional<String> failure) {}

  /**
   * A dataset snapshot of a stream (its id is the id of the transaction that made it), with the number
   * of its readings from each device, by device id.
   */
  public record SnapshotNode(String snapshotId, String streamId, String creator, long height, long fromMillis, long toMillis,
      long rowCount, String csvSha256, String readingsRoot, SortedMap<String, Long> readingsByDevice) {
    public SnapshotNode {
      Objects.requireNonNull(snapshotId, "snapshotId");
      readingsByDevice = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(readingsByDevice));
    }
  }

  /** A logged decision: which model file answered whom, in which transaction. */
  public record DecisionNode(String decisionId, String modelId, String modelSha256, String inputSha256, String output,
      String agent, String requester, String txId, long height, String batchRoot) {
    public DecisionNode {
      Objects.requireNonNull(decisionId, "decisionId");
    }
  }
}
