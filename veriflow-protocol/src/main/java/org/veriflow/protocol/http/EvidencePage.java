package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/streams/{id}/evidence}: a page of refused readings.
 *
 * @param evidence the page's refused readings
 * @param next the cursor of the next page; null (absent) on the last page
 */
public record EvidencePage(List<Evidence> evidence, String next) {
  /** Copies the list. */
  public EvidencePage {
    evidence = List.copyOf(evidence);
  }
}
