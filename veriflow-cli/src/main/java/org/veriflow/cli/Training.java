package org.veriflow.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.ml.recipe.Recipe;
import org.veriflow.ml.recipe.RecipeRunner;
import org.veriflow.ml.recipe.TrainingRun;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Training on chain-verified data, shared by {@code model train} and {@code model replay}: the
 * recipe's data reference is a dataset snapshot; its export is checked against the snapshot's
 * on-chain hashes and against the recipe's data hash before the engine sees a byte of it.
 */
final class Training {
  /** A finished training and the snapshot it used. */
  record Result(TrainingRun run, Responses.Snapshot snapshot) {}

  private Training() {}

  static Result train(VeriflowClient client, Recipe recipe, Path workDir, PrintWriter out) throws IOException, ProofException {
    String snapshotId = recipe.dataReference();
    Files.createDirectories(workDir);
    Path csv = workDir.resolve(snapshotId + ".csv");
    Responses.SnapshotExport export = client.exportSnapshot(snapshotId, csv);
    if (!export.csvSha256().equals(recipe.dataSha256().hex())) {
      throw new IllegalArgumentException("the recipe's data hash " + recipe.dataSha256().hex() + " is not the on-chain hash "
          + export.csvSha256() + " of snapshot " + snapshotId);
    }
    out.println("dataset " + snapshotId + ": " + export.rows() + " readings, hashes checked against the chain");
    byte[] data = Files.readAllBytes(csv);
    try (Parallelism threads = Parallelism.allProcessors()) {
      TrainingRun run = RecipeRunner.run(recipe, data, threads, (epoch, max) -> {
        int width = 30;
        int done = (int) ((long) epoch.epoch() * width / max);
        out.printf("\r[%s%s] epoch %d/%d  loss %.5f%s", "#".repeat(done), ".".repeat(width - done), epoch.epoch(), max, epoch.trainLoss(),
            epoch.hasValidation() ? String.format(java.util.Locale.ROOT, "  validation %.5f", epoch.validationLoss()) : "");
        out.flush();
      });
      out.println();
      return new Result(run, export.snapshot());
    }
  }
}
