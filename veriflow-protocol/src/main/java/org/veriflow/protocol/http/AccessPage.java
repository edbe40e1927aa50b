package org.veriflow.protocol.http;

import java.util.List;

/**
 * A page of recorded accesses (of a version, or of an identity).
 *
 * @param accesses the page's accesses
 * @param next the cursor of the next page; null (absent) on the last page
 */
public record AccessPage(List<Access> accesses, String next) {
  /** Copies the list. */
  public AccessPage {
    accesses = List.copyOf(accesses);
  }
}
