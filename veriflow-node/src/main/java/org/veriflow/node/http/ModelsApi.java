package org.veriflow.node.http;

import java.util.ArrayList;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.protocol.http.Model;
import org.veriflow.protocol.http.ModelAttestation;
import org.veriflow.protocol.http.ModelDataset;
import org.veriflow.protocol.http.ModelPage;
import org.veriflow.protocol.http.ModelStageChange;

import org.veriflow.protocol.Limits;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.veriflow.contracts.models.Models;
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
    QueryParameters.get(app, "/v1/models", this::list, "limit", "cursor");
    QueryParameters.get(app, "/v1/models/{id}", this::model);
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
    List<Model> models = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, page.size()); i++) {
      String id = new String(page.get(i).key(), PREFIX.length, page.get(i).key().length - PREFIX.length, StandardCharsets.UTF_8);
      models.add(json(Models.find(state, id).orElseThrow()));
    }
    Json.answer(ctx, new ModelPage(models, page.size() > limit ? Hex.encode(page.get(limit - 1).key()) : null));
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
    Json.answer(ctx, json(found.get()));
  }

  private static Model json(ModelRecord m) {
    List<ModelDataset> datasets = new ArrayList<>();
    for (DatasetRef d : m.getDatasetsList()) {
      // A datasets-contract version (compute-to-data) is also named by id, version and plaintext hash.
      boolean version = !d.getDatasetId().isEmpty();
      datasets.add(new ModelDataset(d.getSnapshotId(), Hex.encode(d.getCsvSha256().toByteArray()), Hex.encode(d.getReadingsRoot().toByteArray()),
          version ? d.getDatasetId() : null, version ? d.getDatasetVersion() : null));
    }
    SortedMap<String, Double> metrics = new TreeMap<>();
    for (Metric metric : m.getMetricsList()) {
      metrics.put(metric.getName(), metric.getValue());
    }
    List<ModelStageChange> history = new ArrayList<>();
    for (StageChange c : m.getHistoryList()) {
      history.add(new ModelStageChange(c.getFrom().name(), c.getTo().name(), c.getBy(), c.getHeight(), c.getReason(),
          Hex.encode(c.getTxId().toByteArray())));
    }
    List<ModelAttestation> attestations = new ArrayList<>();
    for (Attestation a : m.getAttestationsList()) {
      attestations.add(new ModelAttestation(a.getValidator(), Hex.encode(a.getArtifactSha256().toByteArray()), a.getMatch(), a.getHeight(),
          a.getFailure().isEmpty() ? null : a.getFailure()));
    }
    return new Model(m.getModelId(), m.getStage().name(), m.getTrainer(), m.getRegisteredHeight(), m.getEngineVersion(),
        Hex.encode(m.getRecipeSha256().toByteArray()), m.getRecipe().toString(StandardCharsets.UTF_8),
        Hex.encode(m.getArtifactSha256().toByteArray()), Hex.encode(m.getLossCurveSha256().toByteArray()), datasets, metrics, history,
        attestations, m.getFederatedTask().isEmpty() ? null : m.getFederatedTask());
  }
}
