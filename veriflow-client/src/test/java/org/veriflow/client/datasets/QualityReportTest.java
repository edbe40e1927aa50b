package org.veriflow.client.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.datasets.LabelCount;
import org.veriflow.protocol.proto.datasets.QualitySummary;

class QualityReportTest {
  @TempDir Path tmp;

  /**
   * 21 rows: id (int64), temperature (float64, one missing, one outlier at 95.0), note (string, with
   * a quoted comma and a quoted line break), label (two classes, one missing); row 21 repeats row 20.
   */
  private Path sample() throws Exception {
    StringBuilder csv = new StringBuilder("\uFEFFid,temperature,note,label\r\n");
    for (int i = 1; i <= 18; i++) {
      csv.append(i).append(',').append(20 + (i % 3) * 0.5).append(",ok,").append(i % 3 == 0 ? "hot" : "cold").append("\r\n");
    }
    csv.append("19,,\"a, b\",cold\n");      // missing temperature
    csv.append("20,95.0,\"two\nlines\",\n"); // outlier; missing label
    csv.append("20,95.0,\"two\nlines\",\n"); // a duplicate of the row before
    csv.append('\n');                         // a blank line: not a row
    Path f = tmp.resolve("sample.csv");
    Files.writeString(f, csv, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void of_smallCsv_countsRowsMissingDuplicatesOutliersAndLabels() throws Exception {
    Path f = sample();
    QualityReport q = QualityReport.of(f, "label");

    assertThat(q.rows()).isEqualTo(21);
    assertThat(q.columns()).extracting(QualityReport.Column::name).containsExactly("id", "temperature", "note", "label");
    assertThat(q.columns()).extracting(QualityReport.Column::type).containsExactly("int64", "float64", "string", "string");
    assertThat(q.columns()).extracting(QualityReport.Column::missing).containsExactly(0L, 1L, 0L, 2L);
    assertThat(q.duplicates()).isEqualTo(1);
    // z of 95.0 among 18 values near 20 and two 95.0s: above 3 for neither (both 95s pull the mean);
    // so check against the definition rather than a guess.
    QualityReport.Column t = q.columns().get(1);
    assertThat(t.min()).isEqualTo(20.0);
    assertThat(t.max()).isEqualTo(95.0);
    assertThat(Math.abs(95.0 - t.mean()) / t.stddev() > QualityReport.Z_THRESHOLD).isEqualTo(t.outliers() == 2);
    assertThat(q.labelBalance()).containsExactly(Map.entry("cold", 13L), Map.entry("hot", 6L));
    assertThat(q.plaintextSha256()).isEqualTo(Hash.sha256(Files.readAllBytes(f)));
    assertThat(q.plaintextBytes()).isEqualTo(Files.size(f));

    QualitySummary s = q.summary();
    assertThat(s.getRows()).isEqualTo(21);
    assertThat(s.getColumns()).isEqualTo(4);
    assertThat(s.getMissingList()).containsExactly(0L, 1L, 0L, 2L);
    assertThat(s.getDuplicates()).isEqualTo(1);
    assertThat(s.getOutliers()).isEqualTo(t.outliers());
    assertThat(s.getLabelBalanceList()).containsExactly(LabelCount.newBuilder().setLabel("cold").setCount(13).build(),
        LabelCount.newBuilder().setLabel("hot").setCount(6).build());
    assertThat(q.schema()).extracting(c -> c.getName() + ":" + c.getType())
        .containsExactly("id:int64", "temperature:float64", "note:string", "label:string");
  }

  @Test
  void of_oneFarValue_isTheOnlyOutlier() throws Exception {
    StringBuilder csv = new StringBuilder("x,y\n");
    for (int i = 0; i < 100; i++) {
      csv.append(i % 2 == 0 ? "10" : "11").append(',').append(i).append('\n');
    }
    csv.append("1000,100\n");
    Path f = tmp.resolve("far.csv");
    Files.writeString(f, csv);
    QualityReport q = QualityReport.of(f, null);
    assertThat(q.columns().get(0).outliers()).isEqualTo(1);
    assertThat(q.columns().get(1).outliers()).isZero(); // 0..100 is spread evenly: nothing beyond 3 sigma
    assertThat(q.outliers()).isEqualTo(1);
    assertThat(q.duplicates()).isZero();
    assertThat(q.labelColumn()).isNull();
    assertThat(q.summary().getLabelBalanceList()).isEmpty();
  }

  @Test
  void toJson_isTheFullReport_andStable() throws Exception {
    Path f = sample();
    QualityReport q = QualityReport.of(f, "label");
    byte[] json = q.toJson();
    assertThat(QualityReport.of(f, "label").toJson()).isEqualTo(json);
    JsonNode n = new ObjectMapper().readTree(json);
    assertThat(n.path("format").asText()).isEqualTo(QualityReport.FORMAT);
    assertThat(n.path("plaintextSha256").asText()).isEqualTo(q.plaintextSha256().hex());
    assertThat(n.path("rows").asLong()).isEqualTo(21);
    assertThat(n.path("schema")).hasSize(4);
    assertThat(n.path("schema").get(1).path("min").asDouble()).isEqualTo(20.0);
    assertThat(n.path("schema").get(2).has("mean")).isFalse();
    assertThat(n.path("label").path("balance").path("hot").asLong()).isEqualTo(6);
  }

  @Test
  void of_rowLongerThanHeader_refusedWithItsLine() throws Exception {
    Path f = tmp.resolve("bad.csv");
    Files.writeString(f, "a,b\n1,2\n1,2,3\n");
    assertThatThrownBy(() -> QualityReport.of(f, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 3");
  }

  @Test
  void of_unknownLabelOrDuplicateHeader_refused() throws Exception {
    Path f = tmp.resolve("h.csv");
    Files.writeString(f, "a,b\n1,2\n");
    assertThatThrownBy(() -> QualityReport.of(f, "c")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no label column 'c'");
    Path g = tmp.resolve("g.csv");
    Files.writeString(g, "a,a\n1,2\n");
    assertThatThrownBy(() -> QualityReport.of(g, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appears twice");
  }

  @Test
  void of_notNumbers_areStrings() throws Exception {
    Path f = tmp.resolve("n.csv");
    Files.writeString(f, "a,b,c\n1,NaN,9223372036854775808\n2,Infinity,1\n");
    QualityReport q = QualityReport.of(f, null);
    assertThat(q.columns()).extracting(QualityReport.Column::type).isEqualTo(List.of("int64", "string", "float64"));
  }
}
