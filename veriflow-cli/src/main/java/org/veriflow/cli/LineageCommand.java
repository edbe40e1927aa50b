package org.veriflow.cli;

import org.veriflow.protocol.Limits;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "lineage", description = "Questions about where models' data came from.", subcommands = {LineageCommand.Erased.class})
final class LineageCommand {
  @Command(name = "erased", description = {"List the models trained on data that has since been erased: every model whose record",
      "names a dataset whose content hash (the CSV SHA-256 it was trained on) is the plaintext hash of an erased dataset",
      "version. Erasure destroys the data, not its hashes, so the lineage stays answerable."})
  static final class Erased implements Callable<Integer> {
    private static final int PAGE = Limits.MAX_PAGE;

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    /** The JSON result: how many dataset versions are erased, and each model trained on one, once per erased version. */
    record Listed(int erasedVersions, int affectedModels, List<Row> models) {}

    /** A model and the erased version whose data it was trained on; snapshotId, erasedHeight, erasedBy and reason null when unknown. */
    record Row(String modelId, String stage, String trainer, String snapshotId, String csvSha256, String datasetId, long version, Long erasedHeight,
        String erasedBy, String reason) {}

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      VeriflowClient client = options.client();
      Map<String, List<Responses.DatasetVersion>> erasedByHash = new TreeMap<>();
      int erased = 0;
      String cursor = null;
      do {
        Responses.DatasetPage page = client.datasets().list(null, null, null, PAGE, cursor);
        for (Responses.DatasetVersion v : page.datasets()) {
          if (v.status().equals("ERASED")) {
            erased++;
            erasedByHash.computeIfAbsent(v.plaintextSha256(), h -> new ArrayList<>()).add(v);
          }
        }
        cursor = page.next().orElse(null);
      } while (cursor != null);

      int affected = 0;
      List<Row> rows = new ArrayList<>();
      cursor = null;
      do {
        Responses.ModelPage page = client.models().models(PAGE, cursor);
        for (Responses.ModelDetail m : page.models()) {
          boolean listed = false;
          for (Responses.DatasetHashes d : m.datasets()) {
            for (Responses.DatasetVersion v : erasedByHash.getOrDefault(d.csvSha256(), List.of())) {
              if (!listed) {
                affected++;
                listed = true;
              }
              Responses.StatusChange at = erasure(v);
              rows.add(new Row(m.model().modelId(), ModelCommand.stage(m.model().stage()), m.model().trainer(),
                  d.snapshotId().isEmpty() ? null : d.snapshotId(), d.csvSha256(), v.datasetId(), v.version(), at == null ? null : at.height(),
                  at == null ? null : at.by(), at == null || at.reason().isEmpty() ? null : at.reason()));
              if (output.json()) {
                continue;
              }
              out.println("model " + m.model().modelId() + " (" + m.model().stage() + ", trainer " + m.model().trainer() + ") was trained on "
                  + (d.snapshotId().isEmpty() ? "data" : "snapshot " + d.snapshotId()) + " with SHA-256 " + d.csvSha256()
                  + ": dataset " + v.datasetId() + " version " + v.version() + ", erased" + erasedAt(v));
            }
          }
        }
        cursor = page.next().orElse(null);
      } while (cursor != null);
      if (output.printJson(out, new Listed(erased, affected, rows))) {
        return Veriflow.OK;
      }
      out.println(affected == 0
          ? "no model was trained on erased data (" + erased + " erased dataset version" + (erased == 1 ? "" : "s") + ")"
          : affected + " model" + (affected == 1 ? "" : "s") + " trained on erased data (" + erased + " erased dataset version"
              + (erased == 1 ? "" : "s") + ")");
      return Veriflow.OK;
    }

    private static Responses.StatusChange erasure(Responses.DatasetVersion v) {
      for (int i = v.history().size() - 1; i >= 0; i--) {
        if (v.history().get(i).to().equals("ERASED")) {
          return v.history().get(i);
        }
      }
      return null;
    }

    private static String erasedAt(Responses.DatasetVersion v) {
      for (int i = v.history().size() - 1; i >= 0; i--) {
        Responses.StatusChange c = v.history().get(i);
        if (c.to().equals("ERASED")) {
          return " at height " + c.height() + " by " + c.by() + (c.reason().isEmpty() ? "" : " (" + c.reason() + ")");
        }
      }
      return "";
    }
  }
}
