package org.veriflow.core.testing;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the outcome of every case of a vector file so that one run reports every failing case id
 * at once instead of stopping at the first.
 */
public final class CaseFailures {
  private static final int MAX_LISTED = 200;
  private final String suite;
  private final List<String> failures = new ArrayList<>();
  private int cases;

  public CaseFailures(String suite) {
    this.suite = suite;
  }

  /** Records one case: it fails unless {@code ok}; {@code detail} says what was expected and seen. */
  public void check(String caseId, boolean ok, String detail) {
    cases++;
    if (!ok) {
      failures.add(caseId + ": " + detail);
    }
  }

  /** Records one case that failed, for instance because it threw. */
  public void failed(String caseId, String detail) {
    check(caseId, false, detail);
  }

  /** How many cases were recorded, passed or failed. */
  public int cases() {
    return cases;
  }

  /**
   * Fails with the list of failing cases, if any: every one of them up to {@value #MAX_LISTED}, then
   * a count of the rest (a broken algorithm can fail hundreds of thousands of generated cases).
   */
  public void assertNoneFailed() {
    if (!failures.isEmpty()) {
      List<String> listed = failures.size() > MAX_LISTED ? failures.subList(0, MAX_LISTED) : failures;
      String more = failures.size() > MAX_LISTED ? "\n  ... and " + (failures.size() - MAX_LISTED) + " more" : "";
      fail(failures.size() + " of " + cases + " cases of " + suite + " failed:\n  " + String.join("\n  ", listed) + more);
    }
  }
}
