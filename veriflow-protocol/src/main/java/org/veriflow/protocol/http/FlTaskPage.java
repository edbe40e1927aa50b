package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/fl/tasks}: a page of federated tasks in id order.
 *
 * @param tasks the page's tasks
 * @param next the cursor of the next page; null (absent) on the last page
 */
public record FlTaskPage(List<FlTask> tasks, String next) {
  /** Copies the list. */
  public FlTaskPage {
    tasks = List.copyOf(tasks);
  }
}
