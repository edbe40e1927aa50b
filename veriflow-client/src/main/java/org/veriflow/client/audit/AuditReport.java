package org.veriflow.client.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of an audit: every check made, in order, grouped in sections; the lineage walked (for
 * {@link ProvJson}); and the time taken. Immutable.
 *
 * @param subject what was audited, e.g. {@code model humidity-v1}
 * @param node the node that was asked
 */
public record AuditReport(String subject, String node, List<Check> checks, Lineage lineage, Duration elapsed) {
  public AuditReport {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(node, "node");
    checks = List.copyOf(checks);
    Objects.requireNonNull(lineage, "lineage");
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** True if no check failed (skipped checks do not fail an audit). */
  public boolean passed() {
    return checks.stream().noneMatch(Check::failed);
  }

  public List<Check> failures() {
    return checks.stream().filter(Check::failed).toList();
  }

  public long count(Check.Status status) {
    return checks.stream().filter(c -> c.status() == status).count();
  }

  /** The readable report: a heading, each section with its checks (one line each), and a summary. */
  public String format() {
    StringBuilder b = new StringBuilder();
    b.append("audit of ").append(subject).append(" on chain ").append(lineage.chainId()).append(" (node ").append(node).append(")\n");
    String section = null;
    for (Check c : checks) {
      if (!c.section().equals(section)) {
        section = c.section();
        b.append('\n').append(section).append('\n');
      }
      b.append(c.line()).append('\n');
    }
    b.append('\n').append(summary()).append('\n');
    List<Check> failures = failures();
    if (!failures.isEmpty()) {
      List<String> names = new ArrayList<>();
      failures.forEach(f -> names.add(f.section() + " / " + f.name() + " (" + f.code() + ")"));
      b.append("failed: ").append(String.join("; ", names)).append('\n');
    }
    return b.toString();
  }

  /** {@code PASSED: 31 links checked, 0 failed, 1 skipped in 2.4 s}. */
  public String summary() {
    long failed = count(Check.Status.FAILED);
    long skipped = count(Check.Status.SKIPPED);
    return String.format(Locale.ROOT, "%s: %d links checked, %d failed, %d skipped in %.1f s", failed == 0 ? "PASSED" : "FAILED",
        checks.size() - skipped, failed, skipped, elapsed.toMillis() / 1000.0);
  }
}
