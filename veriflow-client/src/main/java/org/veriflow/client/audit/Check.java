package org.veriflow.client.audit;

import java.util.Objects;

/**
 * One link of an audit: in which part of the lineage ({@code section}), what was checked ({@code
 * name}), whether it held, the stable code of a failure, and the values compared ({@code detail}).
 */
public record Check(String section, String name, Status status, AuditCode code, String detail) {
  /** The outcome of a check; a skipped check was not made and says why. */
  public enum Status {
    OK,
    FAILED,
    SKIPPED
  }

  public Check {
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(detail, "detail");
    if ((status == Status.OK) != (code == AuditCode.OK) || (status == Status.SKIPPED) != (code == AuditCode.SKIPPED)) {
      throw new IllegalArgumentException("a " + status + " check cannot have code " + code);
    }
  }

  public static Check ok(String section, String name, String detail) {
    return new Check(section, name, Status.OK, AuditCode.OK, detail);
  }

  public static Check failed(String section, String name, AuditCode code, String detail) {
    return new Check(section, name, Status.FAILED, code, detail);
  }

  public static Check skipped(String section, String name, String detail) {
    return new Check(section, name, Status.SKIPPED, AuditCode.SKIPPED, detail);
  }

  public boolean passed() {
    return status == Status.OK;
  }

  public boolean failed() {
    return status == Status.FAILED;
  }

  /** One line: status, what, and the values (with the code of a failure). */
  public String line() {
    String what = status == Status.FAILED ? code + ": " + detail : detail;
    return String.format(java.util.Locale.ROOT, "  %-7s %s: %s", status, name, what);
  }
}
