package org.veriflow.demo.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.demo.report.DemoResult.Audit;
import org.veriflow.demo.report.DemoResult.Check;
import org.veriflow.demo.report.DemoResult.Ledger;
import org.veriflow.demo.report.DemoResult.ModelRow;
import org.veriflow.demo.report.DemoResult.RejectedPoint;
import org.veriflow.demo.report.DemoResult.SensorSeries;
import org.veriflow.demo.report.DemoResult.Traceability;
import org.veriflow.demo.report.DemoResult.Validity;
import org.veriflow.demo.report.DemoResult.ValidityRow;
import org.veriflow.ml.metrics.EpochRecord;
import org.veriflow.ml.metrics.History;

/**
 * The demo's {@code report.json}: every figure of a {@link DemoResult} for programs, keys in a fixed
 * order, non-finite numbers and missing values as {@code null}. The sensor series are summarised
 * (readings and refusals per device), not copied. Stateless.
 *
 * <p>Top level: {@code source}, {@code nodeDir}, {@code seconds}, {@code ledger} ({@code received},
 * {@code legal}, {@code rejected} verdict → count, {@code attacks} kind → count, {@code snapshotId},
 * {@code snapshotRows}), {@code validity} ({@code tolerance}, {@code chainRows}, {@code naiveRows},
 * {@code rows[]} with {@code temperature}, {@code truth}, {@code chain}, {@code naive}, {@code
 * chainError}, {@code naiveError} (truth − prediction) and {@code chainWithinTolerance}, the last three
 * {@code null} without a truth; {@code decisionIds}, {@code chainHistory}, {@code naiveHistory}),
 * {@code traceability} ({@code trainAccuracy}, {@code validationAccuracy}, {@code
 * paperValidationAccuracy}, {@code classes}, {@code confusion}, {@code history}), {@code models[]},
 * {@code audit} ({@code decisionId}, {@code passed}, {@code checks[]}, {@code provFile}), {@code
 * sensors[]} and {@code charts} (the PNG files' names).
 */
final class ReportJson {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportJson() {}

  /** The document, indented, with a final line end. */
  static String toJson(DemoResult r) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("source", r.source());
    root.put("nodeDir", r.nodeDir());
    number(root, "seconds", r.seconds());
    ledger(root.putObject("ledger"), r.ledger());
    validity(root.putObject("validity"), r.validity());
    traceability(root.putObject("traceability"), r.traceability());
    ArrayNode models = root.putArray("models");
    for (ModelRow m : r.models()) {
      ObjectNode n = models.addObject();
      n.put("id", m.id());
      n.put("purpose", m.purpose());
      n.put("hash", m.hash());
      n.put("recipeHash", m.recipeHash());
      n.put("status", m.status());
      n.put("attestations", m.attestations());
    }
    audit(root.putObject("audit"), r.audit());
    ArrayNode sensors = root.putArray("sensors");
    for (SensorSeries s : r.sensors()) {
      ObjectNode n = sensors.addObject();
      n.put("device", s.device());
      n.put("readings", s.points().size());
      SortedMap<String, Integer> rejected = new TreeMap<>();
      for (RejectedPoint p : s.rejected()) {
        rejected.merge(p.verdict(), 1, Integer::sum);
      }
      ObjectNode byVerdict = n.putObject("rejected");
      rejected.forEach(byVerdict::put);
    }
    ObjectNode charts = root.putObject("charts");
    charts.put("sensors", DemoReport.SENSORS_PNG);
    charts.put("validity", DemoReport.VALIDITY_PNG);
    charts.put("validityLoss", DemoReport.VALIDITY_LOSS_PNG);
    charts.put("validityLossNaive", DemoReport.VALIDITY_LOSS_NAIVE_PNG);
    charts.put("traceabilityLoss", DemoReport.TRACEABILITY_LOSS_PNG);
    charts.put("traceabilityAccuracy", DemoReport.TRACEABILITY_ACCURACY_PNG);
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise the demo report", e);
    }
  }

  private static void ledger(ObjectNode n, Ledger l) {
    n.put("received", l.received());
    n.put("legal", l.legal());
    ObjectNode rejected = n.putObject("rejected");
    for (Map.Entry<String, Long> e : l.rejected().entrySet()) {
      rejected.put(e.getKey(), e.getValue());
    }
    ObjectNode attacks = n.putObject("attacks");
    for (Map.Entry<String, Integer> e : l.attacks().entrySet()) {
      attacks.put(e.getKey(), e.getValue());
    }
    n.put("snapshotId", l.snapshotId());
    n.put("snapshotRows", l.snapshotRows());
  }

  private static void validity(ObjectNode n, Validity v) {
    number(n, "tolerance", ValidityChart.TOLERANCE);
    n.put("chainRows", v.chainRows());
    n.put("naiveRows", v.naiveRows());
    ArrayNode rows = n.putArray("rows");
    for (ValidityRow row : v.rows()) {
      ObjectNode o = rows.addObject();
      number(o, "temperature", row.temperature());
      if (row.truth().isPresent()) {
        double truth = row.truth().get();
        number(o, "truth", truth);
        number(o, "chain", row.chain());
        number(o, "naive", row.naive());
        number(o, "chainError", truth - row.chain());
        number(o, "naiveError", truth - row.naive());
        o.put("chainWithinTolerance", DemoReport.withinTolerance(row));
      } else {
        o.putNull("truth");
        number(o, "chain", row.chain());
        number(o, "naive", row.naive());
        o.putNull("chainError");
        o.putNull("naiveError");
        o.putNull("chainWithinTolerance");
      }
    }
    ArrayNode ids = n.putArray("decisionIds");
    v.decisionIds().forEach(ids::add);
    history(n.putObject("chainHistory"), v.chainHistory());
    history(n.putObject("naiveHistory"), v.naiveHistory());
  }

  private static void traceability(ObjectNode n, Traceability t) {
    number(n, "trainAccuracy", t.trainAccuracy());
    number(n, "validationAccuracy", t.validationAccuracy());
    number(n, "paperValidationAccuracy", Traceability.PAPER_VALIDATION_ACCURACY);
    ArrayNode classes = n.putArray("classes");
    t.classes().forEach(classes::add);
    ArrayNode confusion = n.putArray("confusion");
    for (long[] row : t.confusion()) {
      ArrayNode a = confusion.addArray();
      for (long c : row) {
        a.add(c);
      }
    }
    history(n.putObject("history"), t.history());
  }

  private static void audit(ObjectNode n, Audit a) {
    n.put("decisionId", a.decisionId());
    n.put("passed", a.passed());
    ArrayNode checks = n.putArray("checks");
    for (Check c : a.checks()) {
      ObjectNode o = checks.addObject();
      o.put("name", c.name());
      o.put("passed", c.passed());
      o.put("detail", c.detail());
    }
    n.put("provFile", a.provFile());
  }

  private static void history(ObjectNode n, History h) {
    n.put("metric", h.metricName());
    ArrayNode epochs = n.putArray("epochs");
    for (EpochRecord e : h.epochs()) {
      ObjectNode o = epochs.addObject();
      o.put("epoch", e.epoch());
      number(o, "trainLoss", e.trainLoss());
      number(o, "trainMetric", e.trainMetric());
      number(o, "validationLoss", e.validationLoss());
      number(o, "validationMetric", e.validationMetric());
      number(o, "learningRate", e.learningRate());
    }
  }

  /** JSON has no NaN or infinity: those become {@code null}. */
  private static void number(ObjectNode n, String key, double value) {
    if (Double.isFinite(value)) {
      n.put(key, value);
    } else {
      n.putNull(key);
    }
  }
}
