package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/streams/{id}/readings}: a page of legal readings in time order.
 *
 * @param readings the page's readings
 * @param next the cursor of the next page; null (absent) on the last page
 */
public record ReadingPage(List<Reading> readings, String next) {
  /** Copies the list. */
  public ReadingPage {
    readings = List.copyOf(readings);
  }
}
