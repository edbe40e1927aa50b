package org.veriflow.demo.federated;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.veriflow.ml.federated.Evaluation;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.federated.FederatedSeeds;
import org.veriflow.ml.federated.LocalTraining;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;

/**
 * The references the federated models are measured against, trained exactly as a participant trains:
 * from the recipe's initial model, one {@link LocalTraining} of the recipe's local epochs per round
 * for as many rounds as the task has (so rounds × local epochs epochs in all), with seeds derived as a
 * participant's are ({@link FederatedSeeds#local}, the task id {@code baseline-<name>}). {@code
 * centralised} trains on the pooled rows of all participants, {@code local-only} on one participant's
 * rows alone. Stateless.
 */
public final class Baselines {
  private Baselines() {}

  /**
   * A trained reference.
   *
   * @param millisPerRound mean wall time of one round's training, ms
   */
  public record Outcome(String name, Model model, Evaluation validation, double millisPerRound) {}

  /**
   * Trains the recipe on {@code csv} for {@code rounds} rounds and evaluates it on {@code validationCsv}.
   *
   * @param name names the baseline in its seeds: lower-case letters, digits and '-'
   * @throws IllegalArgumentException if {@code rounds} is below 1 or a CSV does not fit the recipe
   */
  public static Outcome train(FederatedRecipe recipe, String name, int rounds, byte[] csv, byte[] validationCsv, Parallelism parallelism) {
    if (rounds < 1) {
      throw new IllegalArgumentException("a baseline trains for at least one round, not " + rounds);
    }
    Model model = recipe.initialModel();
    long nanos = 0;
    for (int round = 1; round <= rounds; round++) {
      long started = System.nanoTime();
      model = LocalTraining.train(recipe, model, csv, FederatedSeeds.local(recipe, "baseline-" + name, round, name), parallelism,
          TrainingListener.none()).model();
      nanos += System.nanoTime() - started;
    }
    return new Outcome(name, model, Evaluation.of(recipe, model, validationCsv), nanos / 1e6 / rounds);
  }

  /**
   * The rows of several snapshot exports of the same stream layout under one header, in the order given.
   *
   * @throws IllegalArgumentException if there is no CSV or their headers differ
   */
  public static byte[] pooled(List<byte[]> csvs) {
    if (csvs.isEmpty()) {
      throw new IllegalArgumentException("pooling needs at least one CSV");
    }
    byte[] header = header(csvs.get(0));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header);
    for (byte[] csv : csvs) {
      byte[] h = header(csv);
      if (!Arrays.equals(h, header)) {
        throw new IllegalArgumentException("cannot pool CSVs with different headers: " + new String(h, StandardCharsets.UTF_8).trim()
            + " and " + new String(header, StandardCharsets.UTF_8).trim());
      }
      out.write(csv, h.length, csv.length - h.length);
      if (csv.length > h.length && csv[csv.length - 1] != '\n') {
        out.write('\n');
      }
    }
    return out.toByteArray();
  }

  private static byte[] header(byte[] csv) {
    for (int i = 0; i < csv.length; i++) {
      if (csv[i] == '\n') {
        return Arrays.copyOf(csv, i + 1);
      }
    }
    return csv.clone();
  }
}
