package org.veriflow.protocol.http;

import java.util.List;

/**
 * A page of grants (of a version, or of an identity).
 *
 * @param grants the page's grants
 * @param next the cursor of the next page; null (absent) on the last page
 */
public record GrantPage(List<Grant> grants, String next) {
  /** Copies the list. */
  public GrantPage {
    grants = List.copyOf(grants);
  }
}
