package org.veriflow.demo.report;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import org.veriflow.ml.metrics.History;

/**
 * What the seed-experiment demo found, in the shape its report shows: the ledger's verdicts, the
 * validity experiment's table, the traceability experiment's curves and confusion matrix, the models
 * on chain, the audited decision and the sensor series. Every figure is measured in the run.
 *
 * @param source what the readings were: the simulated night, or a real recording and its file
 * @param nodeDir the demo node's directory, kept so the user can start it again
 * @param seconds wall-clock seconds the whole demo took
 */
public record DemoResult(
    String source,
    String nodeDir,
    Ledger ledger,
    Validity validity,
    Traceability traceability,
    List<ModelRow> models,
    Audit audit,
    List<SensorSeries> sensors,
    double seconds) {

  public DemoResult {
    models = List.copyOf(models);
    sensors = List.copyOf(sensors);
  }

  /**
   * @param received readings the gateway forwarded (honest and attacker's)
   * @param legal readings the ledger judged LEGAL
   * @param rejected readings the ledger refused, by verdict
   * @param attacks the attacker's readings, by kind of attack
   * @param snapshotId the chain-verified dataset snapshot
   * @param snapshotRows its rows
   */
  public record Ledger(long received, long legal, SortedMap<String, Long> rejected, SortedMap<String, Integer> attacks,
      String snapshotId, long snapshotRows) {}

  /**
   * One row of the paper's Table 1.
   *
   * @param truth the simulator's ground truth at that temperature; empty for real recordings
   */
  public record ValidityRow(double temperature, Optional<Double> truth, double chain, double naive) {}

  /**
   * @param rows the five temperatures
   * @param chainHistory, naiveHistory the two trainings' per-epoch losses
   * @param chainRows, naiveRows rows each model was trained on (before the split)
   * @param decisionIds the decisions logged for the chain-verified model's five predictions, in row order
   */
  public record Validity(List<ValidityRow> rows, History chainHistory, History naiveHistory, long chainRows, long naiveRows,
      List<String> decisionIds) {
    public Validity {
      rows = List.copyOf(rows);
      decisionIds = List.copyOf(decisionIds);
    }
  }

  /**
   * @param history loss and accuracy per epoch (metric name {@code accuracy})
   * @param classes the devices, in the confusion matrix's order
   * @param confusion validation confusion matrix: rows are the true device, columns the predicted
   */
  public record Traceability(double trainAccuracy, double validationAccuracy, History history, List<String> classes,
      long[][] confusion) {
    /** The validation accuracy the paper reports for its two-sensor night. */
    public static final double PAPER_VALIDATION_ACCURACY = 0.9239;

    public Traceability {
      classes = List.copyOf(classes);
      confusion = confusion.clone();
    }
  }

  /**
   * @param purpose {@code validity} or {@code traceability}
   * @param hash the model file's SHA-256 (the artifact)
   * @param status the model's stage on chain
   * @param attestations how many validators' replays matched
   */
  public record ModelRow(String id, String purpose, String hash, String recipeHash, String status, int attestations) {}

  /**
   * The audit of one decision.
   *
   * @param checks every link checked, in walking order
   */
  public record Audit(String decisionId, boolean passed, List<Check> checks, String provFile) {
    public Audit {
      checks = List.copyOf(checks);
    }
  }

  /** One audited link. */
  public record Check(String name, boolean passed, String detail) {}

  /**
   * One device's readings through the night, as the ledger judged them.
   *
   * @param points legal readings
   * @param rejected readings the ledger refused that claimed this device, with their verdict
   */
  public record SensorSeries(String device, List<Point> points, List<RejectedPoint> rejected) {
    public SensorSeries {
      points = List.copyOf(points);
      rejected = List.copyOf(rejected);
    }
  }

  /** A reading: hours since the start of the recording, temperature (°C), relative humidity (%). */
  public record Point(double hours, double temperature, double humidity) {}

  /** A refused reading and why. */
  public record RejectedPoint(double hours, double temperature, double humidity, String verdict) {}
}
