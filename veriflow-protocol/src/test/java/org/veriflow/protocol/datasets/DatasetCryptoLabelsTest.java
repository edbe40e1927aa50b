package org.veriflow.protocol.datasets;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Pins the labels: a change here makes every published dataset undecryptable. */
class DatasetCryptoLabelsTest {
  @Test
  void ciphertext_datasetAndVersion_pinnedBytes() {
    assertThat(new String(DatasetCryptoLabels.ciphertext("ds-1", 3), StandardCharsets.UTF_8)).isEqualTo("veriflow-dataset/ds-1/3");
  }

  @Test
  void custody_datasetAndVersion_pinnedBytes() {
    assertThat(new String(DatasetCryptoLabels.custody("ds-1", 3), StandardCharsets.UTF_8)).isEqualTo("veriflow-custody/ds-1/3");
  }

  @Test
  void grant_grantId_pinnedBytes() {
    assertThat(new String(DatasetCryptoLabels.grant("g-9"), StandardCharsets.UTF_8)).isEqualTo("veriflow-grant/g-9");
  }

  @Test
  void labels_sameInputs_differAcrossPurposes() {
    assertThat(DatasetCryptoLabels.ciphertext("a", 1)).isNotEqualTo(DatasetCryptoLabels.custody("a", 1));
  }

  @Test
  void labels_nullId_rejected() {
    assertThatThrownBy(() -> DatasetCryptoLabels.grant(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> DatasetCryptoLabels.custody(null, 1)).isInstanceOf(NullPointerException.class);
  }
}
