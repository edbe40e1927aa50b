package org.veriflow.node.http;

import org.veriflow.protocol.Limits;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.veriflow.contracts.Models;
import org.veriflow.core.Hex;
import org.veriflow.protocol.proto.models.Attestation;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.Metric;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.protocol.proto.models.StageChange;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.exec.StateView;

/** HTTP queries over model records: provenance, stage and its history, attestations. */
final class ModelsApi {
  private final Ledger ledger;

  ModelsApi(Ledger ledger) {
    this.ledger = ledger;
  }

  /** Most models in one page of {@code GET /v1/models}. */
  static final int MAX_PAGE = Limits.MAX_PAGE;
  private static final byte[] PREFIX = "m/".getBytes(StandardCharsets.UTF_8);

  void routes(Javalin app) {
    app.get("/v1/models", this::list);
    app.get("/v1/models/{id}", this::model);
  }

  /** {@code GET /v1/models?limit&cursor}: every model record in id order, paged. */
  private void list(Context ctx) {
    int limit = 100;
    String l = ctx.queryParam("limit");
    if (l != null) {
      if (!l.matches("[0-9]{1,4}") || Integer.parseInt(l) < 1 || Integer.parseInt(l) > MAX_PAGE) {
        throw new HttpApi.BadRequest("INVALID_PARAMETER", "limit must be 1 to " + MAX_PAGE);
      }
      limit = Integer.parseInt(l);
    }
    String cursor = ctx.queryParam("cursor");
    byte[] after = null;
    if (cursor != null) {
      if (!cursor.matches("([0-9a-f]{2}){3,80}")) {
        throw new HttpApi.BadRequest("INVALID_PARAMETER", "cursor must be a previous page's 'next'");
      }
      after = Hex.decode(cursor);
    }
    StateView state = ledger.state(Models.NAME);
    List<StateView.Entry> page = state.scan(PREFIX, after, limit + 1);
    ObjectNode n = Json.MAPPER.createObjectNode();
    ArrayNode models = n.putArray("models");
    for (int i = 0; i < Math.min(limit, page.size()); i++) {
      String id = new String(page.get(i).key(), PREFIX.length, page.get(i).key().length - PREFIX.length, StandardCharsets.UTF_8);
      models.add(json(Models.find(state, id).orElseThrow()));
    }
    if (page.size() > limit) {
      n.put("next", Hex.encode(page.get(limit - 1).key()));
    }
    ctx.json(n);
  }

  private void model(Context ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new HttpApi.BadRequest("INVALID_ID", "'" + id + "' is not a model id");
    }
    Optional<ModelRecord> found = Models.find(ledger.state(Models.NAME), id);
    if (found.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_MODEL", "no model " + id);
      return;
    }
    ctx.json(json(found.get()));
  }

  private static ObjectNode json(ModelRecord m) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("modelId", m.getModelId()).put("stage", m.getStage().name()).put("trainer", m.getTrainer())
        .put("registeredHeight", m.getRegisteredHeight()).put("engineVersion", m.getEngineVersion())
        .put("recipeSha256", Hex.encode(m.getRecipeSha256().toByteArray()))
        .put("recipe", m.getRecipe().toString(StandardCharsets.UTF_8))
        .put("artifactSha256", Hex.encode(m.getArtifactSha256().toByteArray()))
        .put("lossCurveSha256", Hex.encode(m.getLossCurveSha256().toByteArray()));
    ArrayNode datasets = n.putArray("datasets");
    for (DatasetRef d : m.getDatasetsList()) {
      ObjectNode ref = datasets.addObject().put("snapshotId", d.getSnapshotId()).put("csvSha256", Hex.encode(d.getCsvSha256().toByteArray()))
          .put("readingsRoot", Hex.encode(d.getReadingsRoot().toByteArray()));
      if (!d.getDatasetId().isEmpty()) {
        // A datasets-contract version (compute-to-data): named by id, version and plaintext hash.
        ref.put("datasetId", d.getDatasetId()).put("datasetVersion", d.getDatasetVersion());
      }
    }
    ObjectNode metrics = n.putObject("metrics");
    for (Metric metric : m.getMetricsList()) {
      metrics.put(metric.getName(), metric.getValue());
    }
    ArrayNode history = n.putArray("history");
    for (StageChange c : m.getHistoryList()) {
      history.addObject().put("from", c.getFrom().name()).put("to", c.getTo().name()).put("by", c.getBy())
          .put("height", c.getHeight()).put("reason", c.getReason()).put("txId", Hex.encode(c.getTxId().toByteArray()));
    }
    ArrayNode attestations = n.putArray("attestations");
    for (Attestation a : m.getAttestationsList()) {
      ObjectNode at = attestations.addObject().put("validator", a.getValidator())
          .put("artifactSha256", Hex.encode(a.getArtifactSha256().toByteArray())).put("match", a.getMatch()).put("height", a.getHeight());
      if (!a.getFailure().isEmpty()) {
        at.put("failure", a.getFailure());
      }
    }
    return n;
  }
}
