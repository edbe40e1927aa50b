package org.veriflow.client.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditReportTest {
  private static final Lineage EMPTY = new Lineage("c", Optional.empty(), List.of(), Optional.empty());

  @Test
  void format_groupsChecksBySection_andSummarises() {
    AuditReport r = new AuditReport("model m", "http://n", List.of(
        Check.ok("model m", "record exists", "stage VERIFIED"),
        Check.failed("artifact", "blob", AuditCode.BLOB_NOT_FOUND, "blob not found"),
        Check.skipped("replay", "local replay", "not asked")), EMPTY, Duration.ofMillis(1500));
    assertThat(r.passed()).isFalse();
    assertThat(r.format()).isEqualTo("""
        audit of model m on chain c (node http://n)

        model m
          OK      record exists: stage VERIFIED

        artifact
          FAILED  blob: BLOB_NOT_FOUND: blob not found

        replay
          SKIPPED local replay: not asked

        FAILED: 2 links checked, 1 failed, 1 skipped in 1.5 s
        failed: artifact / blob (BLOB_NOT_FOUND)
        """);
  }

  @Test
  void passed_skippedChecksDoNotFail() {
    AuditReport r = new AuditReport("model m", "http://n", List.of(Check.ok("s", "a", "x"), Check.skipped("s", "b", "y")), EMPTY, Duration.ZERO);
    assertThat(r.passed()).isTrue();
    assertThat(r.summary()).startsWith("PASSED: 1 links checked, 0 failed, 1 skipped");
  }

  @Test
  void check_statusAndCodeMustAgree() {
    assertThatThrownBy(() -> new Check("s", "n", Check.Status.FAILED, AuditCode.OK, "d")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Check("s", "n", Check.Status.OK, AuditCode.HASH_MISMATCH, "d")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void engineOf_readsTheModelFileHeader_andRefusesTruncatedOnes() {
    byte[] engine = "veriflow-ml/0.1.0".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12 + engine.length).putInt(0x56464D4C).putInt(1).putInt(engine.length).put(engine);
    assertThat(Walk.engineOf(b.array())).contains("veriflow-ml/0.1.0");
    assertThat(Walk.engineOf(new byte[5])).isEmpty();
    assertThat(Walk.engineOf(java.util.Arrays.copyOf(b.array(), 14))).isEmpty();
  }
}
