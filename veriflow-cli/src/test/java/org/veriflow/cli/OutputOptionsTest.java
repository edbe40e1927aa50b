package org.veriflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputOptionsTest {
  @Test
  void textOutput_mapsArePrintedAsKeyValues() {
    assertThat(OutputOptions.keyValues(Map.of("LEGAL", 120L, "BAD_SIGNATURE", 4L))).isEqualTo("BAD_SIGNATURE=4 LEGAL=120");
    assertThat(OutputOptions.keyValues(Map.of())).isEmpty();
  }
}
