package org.veriflow.demo.federated;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.model.Algorithm;

/**
 * The federated occupancy recipe: a small network (one hidden layer of 16 tanh units, softmax over
 * {@code 0}/{@code 1}) on temperature, humidity, light and CO2, Adam at 0.01 in batches of 32. The
 * coordinator fixes the input scaling from its own clean snapshot (the FLTrust root), the only data it
 * has: the means and standard deviations of its features. Stateless.
 */
public final class OccupancyRecipe {
  /** Units of the hidden layer. */
  public static final int HIDDEN_UNITS = 16;

  private OccupancyRecipe() {}

  /**
   * The recipe, its input scaling fitted on {@code rootCsv}.
   *
   * @param rootCsv a snapshot export with the {@link OfficeFields#FEATURES} columns
   * @param localEpochs local epochs per round, 1 or more
   * @param seed the initial weights' seed
   * @throws IllegalArgumentException if the CSV lacks a feature column, has fewer than two rows, a
   *     value that is not a number, or a feature that never varies
   */
  public static FederatedRecipe of(byte[] rootCsv, int localEpochs, long seed) {
    double[][] columns = columns(rootCsv, OfficeFields.FEATURES);
    double[] means = new double[columns.length];
    double[] scales = new double[columns.length];
    for (int j = 0; j < columns.length; j++) {
      double[] c = columns[j];
      double sum = 0;
      for (double v : c) {
        sum += v;
      }
      double mean = sum / c.length;
      double squares = 0;
      for (double v : c) {
        squares += (v - mean) * (v - mean);
      }
      double sd = Math.sqrt(squares / c.length);
      if (!(sd > 0)) {
        throw new IllegalArgumentException("feature " + OfficeFields.FEATURES.get(j) + " never varies in the root snapshot; it cannot be scaled");
      }
      // Four significant digits: the recipe is read by people too.
      means[j] = round4(mean);
      scales[j] = round4(sd);
    }
    return FederatedRecipe.of(Algorithm.MLP_CLASSIFIER, OfficeFields.FEATURES, OfficeFields.LABEL, List.of("0", "1"), means, scales,
        Map.of("hiddenLayers", List.of(HIDDEN_UNITS), "activation", "tanh", "optimizer", "adam", "learningRate", 0.01,
            "batchSize", 32, "epochs", localEpochs),
        seed);
  }

  /** The named numeric columns of a CSV with a header line. */
  static double[][] columns(byte[] csv, List<String> names) {
    String[] lines = new String(csv, StandardCharsets.UTF_8).split("\n");
    if (lines.length < 3) {
      throw new IllegalArgumentException("the root snapshot needs at least two rows, it has " + Math.max(0, lines.length - 1));
    }
    List<String> header = List.of(lines[0].split(","));
    int[] at = new int[names.size()];
    for (int j = 0; j < names.size(); j++) {
      at[j] = header.indexOf(names.get(j));
      if (at[j] < 0) {
        throw new IllegalArgumentException("the root snapshot has no column " + names.get(j) + "; its columns are " + header);
      }
    }
    List<String> rows = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      if (!lines[i].isEmpty()) {
        rows.add(lines[i]);
      }
    }
    double[][] out = new double[names.size()][rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      String[] cells = rows.get(i).split(",", -1);
      for (int j = 0; j < at.length; j++) {
        try {
          out[j][i] = Double.parseDouble(cells[at[j]]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
          throw new IllegalArgumentException("row " + (i + 1) + " of the root snapshot has no number in column " + names.get(j));
        }
      }
    }
    return out;
  }

  private static double round4(double v) {
    return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).doubleValue();
  }
}
