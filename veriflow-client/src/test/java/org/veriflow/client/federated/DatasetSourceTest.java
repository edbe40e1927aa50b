package org.veriflow.client.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.veriflow.protocol.proto.models.DatasetRef;

class DatasetSourceTest {
  @Test
  void of_snapshotAndVersionReferences_roundTrip() {
    assertThat(DatasetSource.of(DatasetRef.newBuilder().setSnapshotId("s1").build())).isEqualTo(DatasetSource.snapshot("s1"));
    assertThat(DatasetSource.of(DatasetRef.newBuilder().setDatasetId("d1").setDatasetVersion(2).build())).isEqualTo(DatasetSource.version("d1", 2));
    assertThat(DatasetSource.snapshot("s1").isSnapshot()).isTrue();
    assertThat(DatasetSource.version("d1", 2)).hasToString("dataset d1 version 2");
  }

  @Test
  void new_neitherOrBothOrNoVersion_refused() {
    assertThatThrownBy(() -> new DatasetSource("", "", 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both and not neither");
    assertThatThrownBy(() -> new DatasetSource("s1", "d1", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DatasetSource.version("d1", 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version from 1");
    assertThatThrownBy(() -> new DatasetSource("s1", "", 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no version");
  }
}
