package org.veriflow.crypto;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

/** Collects every failing case of a table-driven test, so that one run reports them all. */
final class CaseFailures {
  private final String suite;
  private final List<String> failures = new ArrayList<>();
  private int cases;

  CaseFailures(String suite) {
    this.suite = suite;
  }

  void check(String caseId, boolean ok, String detail) {
    cases++;
    if (!ok) {
      failures.add(caseId + ": " + detail);
    }
  }

  int cases() {
    return cases;
  }

  void assertNoneFailed() {
    if (!failures.isEmpty()) {
      List<String> listed = failures.size() > 100 ? failures.subList(0, 100) : failures;
      fail(failures.size() + " of " + cases + " cases of " + suite + " failed:\n  " + String.join("\n  ", listed));
    }
  }
}
