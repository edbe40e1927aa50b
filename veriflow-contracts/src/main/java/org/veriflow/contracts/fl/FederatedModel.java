package org.veriflow.contracts.fl;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.fl.CreateTask;
import org.veriflow.protocol.proto.fl.Participant;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.RoundResult;
import org.veriflow.protocol.proto.fl.TaskRecord;
import org.veriflow.protocol.proto.models.DatasetRef;

/**
 * What a completed federated task registers in the models contract: the model's recipe, a canonical
 * JSON document {@code veriflow-fl-model/1} that names the task and everything behind the model,
 * and the hash of its loss curve. Both are pure functions of the task's on-chain records, so
 * anyone can rebuild and check them.
 *
 * <p>The recipe, with no whitespace and its members in this order:
 *
 * <pre>{@code
 * {"format":"veriflow-fl-model/1","task":"<task id>","recipeSha256":"<federated recipe SHA-256, hex>",
 *  "rule":"<AggregationRule name>","trimFractionMicros":N,"krumF":N,"multiKrumM":N,
 *  "rounds":[{"round":1,"globalModelSha256":"<hex>","resultSha256":"<hex>"},...],
 *  "participants":[{"id":"<identity id>","snapshotId":"...","datasetId":"...","datasetVersion":N,
 *                   "csvSha256":"<hex>","readingsRoot":"<hex or empty>"},...]}
 * }</pre>
 *
 * Rounds in round order, participants in id order; hex is lower-case; strings are JSON-escaped.
 *
 * <p>The loss curve: the UTF-8 text {@code "round,validation_loss\n"} followed by one line {@code
 * "<round>,<loss>\n"} per round, the loss as {@link Double#toString(double)}.
 */
final class FederatedModel {
  static final String FORMAT = "veriflow-fl-model/1";

  private FederatedModel() {}

  /**
   * The model's recipe.
   *
   * @param task the completed task
   * @param rounds its verified rounds, in order
   * @return the canonical JSON, UTF-8
   */
  static byte[] recipe(TaskRecord task, List<RoundRecord> rounds) {
    CreateTask spec = task.getSpec();
    StringBuilder j = new StringBuilder(256 + 160 * rounds.size() + 320 * task.getParticipantsCount());
    j.append("{\"format\":").append(quote(FORMAT))
        .append(",\"task\":").append(quote(task.getTaskId()))
        .append(",\"recipeSha256\":").append(quote(hex(spec.getRecipeSha256())))
        .append(",\"rule\":").append(quote(spec.getRule().name()))
        .append(",\"trimFractionMicros\":").append(Integer.toUnsignedString(spec.getTrimFractionMicros()))
        .append(",\"krumF\":").append(Integer.toUnsignedString(spec.getKrumF()))
        .append(",\"multiKrumM\":").append(Integer.toUnsignedString(spec.getMultiKrumM()))
        .append(",\"rounds\":[");
    for (int i = 0; i < rounds.size(); i++) {
      RoundRecord r = rounds.get(i);
      RoundResult result = Fl.result(r);
      j.append(i == 0 ? "" : ",")
          .append("{\"round\":").append(Integer.toUnsignedString(r.getRound()))
          .append(",\"globalModelSha256\":").append(quote(hex(result.getGlobalModelSha256())))
          .append(",\"resultSha256\":").append(quote(hex(r.getResultSha256())))
          .append('}');
    }
    j.append("],\"participants\":[");
    for (int i = 0; i < task.getParticipantsCount(); i++) {
      Participant p = task.getParticipants(i);
      DatasetRef d = p.getDataset();
      j.append(i == 0 ? "" : ",")
          .append("{\"id\":").append(quote(p.getId()))
          .append(",\"snapshotId\":").append(quote(d.getSnapshotId()))
          .append(",\"datasetId\":").append(quote(d.getDatasetId()))
          .append(",\"datasetVersion\":").append(Long.toUnsignedString(d.getDatasetVersion()))
          .append(",\"csvSha256\":").append(quote(hex(d.getCsvSha256())))
          .append(",\"readingsRoot\":").append(quote(hex(d.getReadingsRoot())))
          .append('}');
    }
    j.append("]}");
    return j.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The SHA-256 of the loss curve of the verified rounds.
   *
   * @param rounds the verified rounds, in order
   * @return the hash
   */
  static Hash lossCurve(List<RoundRecord> rounds) {
    StringBuilder curve = new StringBuilder("round,validation_loss\n");
    for (RoundRecord r : rounds) {
      curve.append(Integer.toUnsignedString(r.getRound())).append(',')
          .append(Double.toString(Fl.result(r).getValidationLoss())).append('\n');
    }
    return Hash.sha256(curve.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }

  /** {@code s} as a JSON string (RFC 8259, section 7): quotes, backslashes and controls escaped. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            String h = Integer.toHexString(c);
            out.append("\\u").append("0".repeat(4 - h.length())).append(h);
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
