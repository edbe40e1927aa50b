package org.veriflow.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.veriflow.contracts.Credits;
import org.veriflow.contracts.Datasets;
import org.veriflow.contracts.DatasetsState;
import org.veriflow.core.Hex;
import org.veriflow.core.proto.datasets.AccessRecord;
import org.veriflow.core.proto.datasets.ColumnSpec;
import org.veriflow.core.proto.datasets.DatasetChange;
import org.veriflow.core.proto.datasets.DatasetRecord;
import org.veriflow.core.proto.datasets.GrantChange;
import org.veriflow.core.proto.datasets.GrantRecord;
import org.veriflow.core.proto.datasets.LabelCount;
import org.veriflow.core.proto.datasets.Policy;
import org.veriflow.core.proto.datasets.QualitySummary;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.exec.StateView;

/**
 * The datasets contract over HTTP: dataset versions, grants and access logs (read from the node's
 * committed state). Documented in docs/http-api.md, section Datasets. Thread-safe.
 */
final class DatasetsApi {
  /** Default and largest page of a listing. */
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;
  private static final String DATASET_ID = "[a-z0-9][a-z0-9-]{0,62}";
  private static final String TAG = "[a-z0-9][a-z0-9-]{0,31}";
  private static final String CURSOR = "([0-9a-f]{2}){1,512}";

  private final Ledger ledger;

  DatasetsApi(Ledger ledger) {
    this.ledger = ledger;
  }

  void routes(Javalin app) {
    app.get("/v1/datasets", this::list);
    app.get("/v1/datasets/{id}", this::dataset);
    app.get("/v1/datasets/{id}/versions/{version}", this::version);
    app.get("/v1/datasets/{id}/versions/{version}/grants", this::versionGrants);
    app.get("/v1/datasets/{id}/versions/{version}/accesses", this::versionAccesses);
    app.get("/v1/grants/{id}", this::grant);
    app.get("/v1/identities/{id}/grants", this::identityGrants);
    app.get("/v1/identities/{id}/accesses", this::identityAccesses);
  }

  private StateView state() {
    return ledger.state(Datasets.NAME);
  }

  // ------------------------------------------------------------ queries

  private void list(Context ctx) {
    String tag = ctx.queryParam("tag");
    if (tag != null && !tag.matches(TAG)) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "'tag' must be 1-32 lower-case letters, digits or '-', starting with a letter or digit");
    }
    String owner = ctx.queryParam("owner");
    if (owner != null && !owner.matches("vf1[0-9a-f]{40}")) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "'owner' must be an identity id (vf1 followed by 40 hex characters)");
    }
    String field = ctx.queryParam("field");
    if (field != null && (field.isEmpty() || field.length() > 128)) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "'field' must be a column name of 1 to 128 characters");
    }
    int limit = limit(ctx);
    String cursor = cursor(ctx);
    DatasetsState.Page<DatasetRecord> page = DatasetsState.datasets(state(), new DatasetsState.Filter(tag, owner, field), limit, cursor);
    ctx.json(page(page, "datasets", DatasetsApi::datasetJson));
  }

  private void dataset(Context ctx) {
    String id = datasetId(ctx);
    List<DatasetRecord> versions = DatasetsState.versions(state(), id);
    if (versions.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_DATASET", "no dataset " + id);
      return;
    }
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.set("latest", datasetJson(versions.get(versions.size() - 1)));
    ArrayNode numbers = n.putArray("versions");
    versions.forEach(v -> numbers.add(v.getVersion()));
    ctx.json(n);
  }

  private void version(Context ctx) {
    found(ctx).ifPresent(d -> ctx.json(datasetJson(d)));
  }

  private void versionGrants(Context ctx) {
    Optional<DatasetRecord> d = found(ctx);
    if (d.isPresent()) {
      int limit = limit(ctx);
      String cursor = cursor(ctx);
      StateView credits = ledger.state(Credits.NAME);
      ctx.json(page(DatasetsState.grants(state(), d.get().getDatasetId(), d.get().getVersion(), limit, cursor), "grants",
          g -> grantJson(g, credits)));
    }
  }

  private void versionAccesses(Context ctx) {
    Optional<DatasetRecord> d = found(ctx);
    if (d.isPresent()) {
      int limit = limit(ctx);
      String cursor = cursor(ctx);
      ctx.json(page(DatasetsState.accesses(state(), d.get().getDatasetId(), d.get().getVersion(), limit, cursor), "accesses",
          DatasetsApi::accessJson));
    }
  }

  private void grant(Context ctx) {
    String id = grantId(ctx.pathParam("id"));
    Optional<GrantRecord> g = DatasetsState.grant(state(), id);
    if (g.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_GRANT", "no grant " + id);
      return;
    }
    ctx.json(grantJson(g.get(), ledger.state(Credits.NAME)));
  }

  private void identityGrants(Context ctx) {
    String id = HttpApi.idParam(ctx.pathParam("id")).value();
    int limit = limit(ctx);
    String cursor = cursor(ctx);
    StateView credits = ledger.state(Credits.NAME);
    ctx.json(page(DatasetsState.grantsOf(state(), id, limit, cursor), "grants", g -> grantJson(g, credits)));
  }

  private void identityAccesses(Context ctx) {
    String id = HttpApi.idParam(ctx.pathParam("id")).value();
    int limit = limit(ctx);
    String cursor = cursor(ctx);
    ctx.json(page(DatasetsState.accessesBy(state(), id, limit, cursor), "accesses", DatasetsApi::accessJson));
  }

  // ------------------------------------------------------------ parameters

  /** The version named by the path, or empty after answering 404. */
  private Optional<DatasetRecord> found(Context ctx) {
    String id = datasetId(ctx);
    long version = HttpApi.longParam(ctx.pathParam("version"), "version");
    if (version < 1) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "versions are numbered from 1");
    }
    Optional<DatasetRecord> d = DatasetsState.dataset(state(), id, version);
    if (d.isEmpty()) {
      HttpApi.problem(ctx, 404, "UNKNOWN_DATASET", "no dataset " + id + " version " + version);
    }
    return d;
  }

  private static String datasetId(Context ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches(DATASET_ID)) {
      throw new HttpApi.BadRequest("INVALID_ID", "'" + id + "' is not a dataset id (1-63 lower-case letters, digits or '-')");
    }
    return id;
  }

  /** A grant id (the request transaction's id): 64 lower-case hex characters. */
  static String grantId(String s) {
    if (!s.matches("[0-9a-f]{64}")) {
      throw new HttpApi.BadRequest("INVALID_ID", "a grant id is 64 lower-case hex characters (the request transaction's id)");
    }
    return s;
  }

  private static int limit(Context ctx) {
    String s = ctx.queryParam("limit");
    return s == null ? DEFAULT_PAGE : (int) Math.min(MAX_PAGE, Math.max(1, HttpApi.longParam(s, "limit")));
  }

  private static String cursor(Context ctx) {
    String cursor = ctx.queryParam("cursor");
    if (cursor != null && !cursor.matches(CURSOR)) {
      throw new HttpApi.BadRequest("INVALID_PARAMETER", "'cursor' must be the 'next' value of a previous page");
    }
    return cursor;
  }

  // ------------------------------------------------------------ JSON

  private static <T> ObjectNode page(DatasetsState.Page<T> page, String name, Function<T, ObjectNode> json) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    ArrayNode items = n.putArray(name);
    page.items().forEach(i -> items.add(json.apply(i)));
    page.next().ifPresent(c -> n.put("next", c));
    return n;
  }

  private static String hex(ByteString b) {
    return Hex.encode(b.toByteArray());
  }

  /** Every field of the record; the wrapped custody key only as {@code custodyKey}: whether it is still there. */
  static ObjectNode datasetJson(DatasetRecord d) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("datasetId", d.getDatasetId()).put("version", d.getVersion()).put("owner", d.getOwner()).put("status", d.getStatus().name())
        .put("title", d.getTitle()).put("description", d.getDescription());
    ArrayNode tags = n.putArray("tags");
    d.getTagsList().forEach(tags::add);
    ArrayNode schema = n.putArray("schema");
    for (ColumnSpec c : d.getSchemaList()) {
      schema.addObject().put("name", c.getName()).put("type", c.getType());
    }
    n.put("licence", d.getLicence());
    n.set("policy", policyJson(d.getPolicy()));
    n.put("plaintextSha256", hex(d.getPlaintextSha256())).put("ciphertextSha256", hex(d.getCiphertextSha256()))
        .put("plaintextBytes", d.getPlaintextBytes()).put("ciphertextBytes", d.getCiphertextBytes())
        .put("snapshotId", d.getSnapshotId()).put("readingsRoot", hex(d.getReadingsRoot()))
        .put("custodian", d.getCustodian()).put("custodyKey", !d.getCustodyKey().isEmpty());
    n.set("quality", qualityJson(d.getQuality()));
    n.put("qualityReportSha256", hex(d.getQualityReportSha256())).put("previousVersion", d.getPreviousVersion())
        .put("nextVersion", d.getNextVersion()).put("publishedHeight", d.getPublishedHeight()).put("publishedMillis", d.getPublishedMillis());
    ArrayNode history = n.putArray("history");
    for (DatasetChange c : d.getHistoryList()) {
      history.addObject().put("from", c.getFrom().name()).put("to", c.getTo().name()).put("by", c.getBy()).put("height", c.getHeight())
          .put("reason", c.getReason()).put("txId", hex(c.getTxId()));
    }
    return n;
  }

  private static ObjectNode policyJson(Policy p) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    ArrayNode identities = n.putArray("identities");
    p.getIdentitiesList().forEach(identities::add);
    ArrayNode organisations = n.putArray("organisations");
    p.getOrganisationsList().forEach(organisations::add);
    ArrayNode roles = n.putArray("roles");
    p.getRolesList().forEach(roles::add);
    ArrayNode purposes = n.putArray("purposes");
    p.getPurposesList().forEach(purposes::add);
    n.put("expiryHeight", p.getExpiryHeight()).put("expiryMillis", p.getExpiryMillis()).put("price", p.getPrice())
        .put("maxReads", p.getMaxReads()).put("autoGrant", p.getAutoGrant());
    return n;
  }

  private static ObjectNode qualityJson(QualitySummary q) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("rows", q.getRows()).put("columns", q.getColumns());
    ArrayNode missing = n.putArray("missing");
    q.getMissingList().forEach(missing::add);
    n.put("duplicates", q.getDuplicates()).put("outliers", q.getOutliers());
    ArrayNode labels = n.putArray("labelBalance");
    for (LabelCount l : q.getLabelBalanceList()) {
      labels.addObject().put("label", l.getLabel()).put("count", l.getCount());
    }
    n.put("illegalReadingRate", q.getIllegalReadingRate());
    return n;
  }

  /** The grant's record and its unpaid escrow ({@code escrowed}). */
  static ObjectNode grantJson(GrantRecord g, StateView credits) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("grantId", g.getGrantId()).put("datasetId", g.getDatasetId()).put("version", g.getVersion()).put("grantee", g.getGrantee())
        .put("purpose", g.getPurpose()).put("status", g.getStatus().name()).put("sequence", g.getSequence())
        .put("requestedHeight", g.getRequestedHeight()).put("requestedMillis", g.getRequestedMillis())
        .put("price", g.getPrice()).put("maxReads", g.getMaxReads()).put("expiryHeight", g.getExpiryHeight())
        .put("expiryMillis", g.getExpiryMillis()).put("reads", g.getReads()).put("paid", g.getPaid())
        .put("escrowed", Credits.escrowed(credits, Datasets.escrowId(g.getGrantId())));
    ArrayNode history = n.putArray("history");
    for (GrantChange c : g.getHistoryList()) {
      history.addObject().put("from", c.getFrom().name()).put("to", c.getTo().name()).put("by", c.getBy()).put("height", c.getHeight())
          .put("reason", c.getReason()).put("txId", hex(c.getTxId()));
    }
    return n;
  }

  static ObjectNode accessJson(AccessRecord a) {
    return Json.MAPPER.createObjectNode().put("grantId", a.getGrantId()).put("grantee", a.getGrantee()).put("datasetId", a.getDatasetId())
        .put("version", a.getVersion()).put("kind", a.getKind().name()).put("purpose", a.getPurpose()).put("height", a.getHeight())
        .put("timestampMillis", a.getTimestampMillis()).put("txId", hex(a.getTxId())).put("custodian", a.getCustodian())
        .put("sequence", a.getSequence()).put("granteeEncryptionKey", hex(a.getGranteeEncryptionKey()))
        .put("wrappedKeySha256", hex(a.getWrappedKeySha256())).put("paid", a.getPaid());
  }
}
