package org.veriflow.contracts.fl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.veriflow.contracts.SystemContract;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.TaskRecord;

/**
 * The fl contract's state keys, and read access to them for the contract and for queries. Every
 * read takes the fl namespace view and iterates in key order only. Stateless and thread-safe.
 *
 * <ul>
 *   <li>{@code t/<task id>} → TaskRecord
 *   <li>{@code r/<task id>/<round>} → RoundRecord, the round as 10 decimal digits, zero-padded, so
 *       that key order is round order
 *   <li>{@code u/<task id>/<update SHA-256, lower-case hex>} → the id of the participant that
 *       submitted it (UTF-8): the guard against an update replayed in a later round
 * </ul>
 */
public final class FlState {
  /** The most tasks one {@link #tasks} call returns. */
  public static final int MAX_PAGE = 256;
  private static final int ROUND_DIGITS = 10;

  private FlState() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] taskKey(String taskId) {
    return utf8("t/" + taskId);
  }

  static byte[] roundKey(String taskId, int round) {
    String digits = Integer.toUnsignedString(round);
    return utf8("r/" + taskId + "/" + "0".repeat(ROUND_DIGITS - digits.length()) + digits);
  }

  static byte[] roundPrefix(String taskId) {
    return utf8("r/" + taskId + "/");
  }

  static byte[] updateKey(String taskId, byte[] updateSha256) {
    return utf8("u/" + taskId + "/" + HexFormat.of().formatHex(updateSha256));
  }

  /**
   * A task's record.
   *
   * @param fl the fl namespace
   * @param taskId the task id
   * @return the record, empty if no task has that id
   * @throws IllegalStateException if the stored record does not decode
   */
  public static Optional<TaskRecord> task(StateView fl, String taskId) {
    return fl.get(taskKey(taskId)).map(b -> SystemContract.parseStored(TaskRecord.parser(), b));
  }

  /**
   * One round of a task.
   *
   * @param fl the fl namespace
   * @param taskId the task id
   * @param round the round, from 1
   * @return the round's record, empty if the task has not opened that round
   * @throws IllegalStateException if the stored record does not decode
   */
  public static Optional<RoundRecord> round(StateView fl, String taskId, int round) {
    return fl.get(roundKey(taskId, round)).map(b -> SystemContract.parseStored(RoundRecord.parser(), b));
  }

  /**
   * Every round a task opened, in round order (at most 100, the most rounds a task has).
   *
   * @param fl the fl namespace
   * @param taskId the task id
   * @return the rounds' records, empty for an unknown task or one that has not started
   * @throws IllegalStateException if a stored record does not decode
   */
  public static List<RoundRecord> rounds(StateView fl, String taskId) {
    List<RoundRecord> out = new ArrayList<>();
    for (StateView.Entry e : fl.scan(roundPrefix(taskId), null, Fl.MAX_ROUNDS)) {
      out.add(SystemContract.parseStored(RoundRecord.parser(), e.value()));
    }
    return out;
  }

  /**
   * Who submitted an update, in any round of a task.
   *
   * @param fl the fl namespace
   * @param taskId the task id
   * @param updateSha256 the update's SHA-256
   * @return the participant's id, empty if no update with that hash was submitted in the task
   */
  public static Optional<String> submitter(StateView fl, String taskId, byte[] updateSha256) {
    return fl.get(updateKey(taskId, updateSha256)).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /**
   * Tasks in id order.
   *
   * @param fl the fl namespace
   * @param afterTaskId the last task id of the previous page, {@code null} for the first page
   * @param limit the most tasks returned, 1 to {@link #MAX_PAGE}
   * @return the tasks with ids after {@code afterTaskId}, at most {@code limit}
   * @throws IllegalArgumentException if {@code limit} is out of range
   * @throws IllegalStateException if a stored record does not decode
   */
  public static List<TaskRecord> tasks(StateView fl, String afterTaskId, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException("a page holds 1 to " + MAX_PAGE + " tasks, not " + limit);
    }
    List<TaskRecord> out = new ArrayList<>();
    byte[] after = afterTaskId == null ? null : taskKey(afterTaskId);
    for (StateView.Entry e : fl.scan(utf8("t/"), after, limit)) {
      out.add(SystemContract.parseStored(TaskRecord.parser(), e.value()));
    }
    return out;
  }
}
