package org.veriflow.core.testing;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the outcome of every case of a vector file so that one run reports every failing case id
 * at once instead of stopping at the first.
 */
public final class CaseFailures {
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

  /** Fails with the list of every failing case, if any. */
  public void assertNoneFailed() {
    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + cases + " cases of " + suite + " failed:\n  " + String.join("\n  ", failures));
    }
  }
}
