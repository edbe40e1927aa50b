package org.veriflow.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.protocol.proto.fl.AcceptedUpdate;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.Contribution;
import org.veriflow.protocol.proto.fl.CreateTask;
import org.veriflow.protocol.proto.fl.JoinPolicy;
import org.veriflow.protocol.proto.fl.LocalMetric;
import org.veriflow.protocol.proto.fl.Participant;
import org.veriflow.protocol.proto.fl.RejectedUpdate;
import org.veriflow.protocol.proto.fl.RoundAttestation;
import org.veriflow.protocol.proto.fl.RoundRecord;
import org.veriflow.protocol.proto.fl.RoundResult;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.TaskRecord;
import org.veriflow.protocol.proto.fl.TaskStatus;
import org.veriflow.protocol.proto.fl.UpdateRecord;
import org.veriflow.protocol.proto.models.DatasetRef;

/**
 * The federated learning reads: the JSON of a task and a round as the fl contract stores them (field
 * names pinned: the SDK reads them), and the refusals of a real node in this JVM.
 */
class FlApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ByteString H1 = ByteString.copyFrom(new byte[32]);
  private static final String H1_HEX = "00".repeat(32);
  private static final ByteString H2 = ByteString.copyFrom(new byte[] {
      0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
      0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11});
  private static final String H2_HEX = "11".repeat(32);

  @TempDir Path dir;
  private Node node;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void task_fieldNames_pinned() throws Exception {
    DatasetRef validation = DatasetRef.newBuilder().setSnapshotId("sn").setCsvSha256(H1).setReadingsRoot(H1).build();
    DatasetRef version = DatasetRef.newBuilder().setCsvSha256(H1).setReadingsRoot(H1).setDatasetId("ds").setDatasetVersion(2).build();
    TaskRecord t = TaskRecord.newBuilder().setTaskId("t1").setOwner("vf1o")
        .setSpec(CreateTask.newBuilder().setTaskId("t1").setRecipe(ByteString.copyFromUtf8("{}")).setRecipeSha256(H1).setRounds(3)
            .setRoundBlocks(20).setRoundMillis(10_000).setMinParticipants(2).setMaxParticipants(4).setRule(AggregationRule.TRIMMED_MEAN).setTrimFractionMicros(100_000)
            .setValidation(validation).setRewardPool(Long.MAX_VALUE).setPolicy(JoinPolicy.newBuilder().addRoles("TRAINER"))
            .setAggregator("vf1a").setModelId("m1"))
        .setParameterCount(49).setInitialModelSha256(H1).setStatus(TaskStatus.RUNNING)
        .addParticipants(Participant.newBuilder().setId("vf1p").setDataset(version).setDatasetRows(500).setJoinedHeight(3)
            .setContributionMicros(-12).setRoundsAccepted(1).setRoundsRejected(2).setRoundsMissed(3).setReward(7).setJoinTxId(H2))
        .addParticipants(Participant.newBuilder().setId("vf1q").setDataset(version).setDatasetRows(9).setJoinedHeight(4))
        .setCurrentRound(2).setCreatedHeight(2).setStartedHeight(4).build();
    String hash = "\"" + H1_HEX + "\"";
    assertThat(Json.write(FlApi.json(t))).isEqualTo("{\"taskId\":\"t1\",\"owner\":\"vf1o\",\"status\":\"RUNNING\",\"recipeSha256\":" + hash
        + ",\"recipe\":\"{}\",\"rounds\":3,\"roundBlocks\":20,\"roundMillis\":10000,\"minParticipants\":2,\"maxParticipants\":4,\"rule\":\"TRIMMED_MEAN\","
        + "\"trimFractionMicros\":100000,\"krumF\":0,\"multiKrumM\":0,"
        + "\"validation\":{\"snapshotId\":\"sn\",\"csvSha256\":" + hash + ",\"readingsRoot\":" + hash + "},"
        + "\"rewardPool\":\"9223372036854775807\",\"joinIdentities\":[],\"joinOrganisations\":[],\"joinRoles\":[\"TRAINER\"],"
        + "\"aggregator\":\"vf1a\",\"modelId\":\"m1\",\"parameterCount\":49,\"initialModelSha256\":" + hash + ","
        + "\"participants\":[{\"id\":\"vf1p\",\"dataset\":{\"snapshotId\":\"\",\"csvSha256\":" + hash + ",\"readingsRoot\":" + hash
        + ",\"datasetId\":\"ds\",\"datasetVersion\":2},\"datasetRows\":500,\"joinedHeight\":3,\"contributionMicros\":-12,"
        + "\"roundsAccepted\":1,\"roundsRejected\":2,\"roundsMissed\":3,\"reward\":7,\"joinTxId\":\"" + H2_HEX + "\"},"
        + "{\"id\":\"vf1q\",\"dataset\":{\"snapshotId\":\"\",\"csvSha256\":" + hash + ",\"readingsRoot\":" + hash
        + ",\"datasetId\":\"ds\",\"datasetVersion\":2},\"datasetRows\":9,\"joinedHeight\":4,\"contributionMicros\":0,"
        + "\"roundsAccepted\":0,\"roundsRejected\":0,\"roundsMissed\":0,\"reward\":0}],"
        + "\"currentRound\":2,\"createdHeight\":2,\"startedHeight\":4,\"finishedHeight\":0,\"refunded\":0}");
    // Read back by the records alone, as a client does.
    assertThat(Json.BODIES.readValue(Json.write(FlApi.json(t)), org.veriflow.protocol.http.FlTask.class)).isEqualTo(FlApi.json(t));
  }

  @Test
  void round_withDecodedResult_fieldNamesPinned() throws Exception {
    RoundResult result = RoundResult.newBuilder().setRound(1).setGlobalModelSha256(H1)
        .addAccepted(AcceptedUpdate.newBuilder().setParticipant("vf1a").setUpdateSha256(H1).setWeight(1.0))
        .addRejected(RejectedUpdate.newBuilder().setParticipant("vf1b").setUpdateSha256(H1).setReason("NO_CHANGE"))
        .addContributions(Contribution.newBuilder().setParticipant("vf1a").setMicros(-5)).setValidationLoss(0.5).setValidationAccuracy(0.75)
        .build();
    RoundRecord r = RoundRecord.newBuilder().setTaskId("t1").setRound(1).setStatus(RoundStatus.AGGREGATE_REJECTED).setOpenedHeight(4)
        .setDeadlineHeight(24).setDeadlineMillis(1_700_000_010_000L).setBaseModelSha256(H1)
        .addUpdates(UpdateRecord.newBuilder().setParticipant("vf1a").setUpdateSha256(H1).setExamples(10).setParameterCount(49)
            .addMetrics(LocalMetric.newBuilder().setName("train.loss").setValue(0.25)).setHeight(5).setTxId(H1))
        .setAttempt(1).setResult(result.toByteString()).setResultSha256(H1).setAggregatedHeight(25)
        .addAttestations(RoundAttestation.newBuilder().setValidator("vf1v").setAttempt(1).setFailure("no blob").setHeight(26))
        .addAttestations(RoundAttestation.newBuilder().setValidator("vf1w").setAttempt(1).setResultSha256(H1).setMatch(true).setHeight(27)
            .setTxId(H2))
        .setRejection("FAILED: no blob").build();
    String hash = "\"" + H1_HEX + "\"";
    assertThat(Json.write(FlApi.json(r))).isEqualTo("{\"taskId\":\"t1\",\"round\":1,\"status\":\"AGGREGATE_REJECTED\",\"openedHeight\":4,"
        + "\"deadlineHeight\":24,\"deadlineMillis\":1700000010000,\"baseModelSha256\":" + hash + ",\"updates\":[{\"participant\":\"vf1a\",\"updateSha256\":" + hash
        + ",\"examples\":10,\"parameterCount\":49,\"metrics\":{\"train.loss\":0.25},\"height\":5,\"txId\":" + hash + "}],"
        + "\"attempt\":1,\"resultSha256\":" + hash + ",\"result\":{\"globalModelSha256\":" + hash + ","
        + "\"accepted\":[{\"participant\":\"vf1a\",\"updateSha256\":" + hash + ",\"weight\":1.0}],"
        + "\"rejected\":[{\"participant\":\"vf1b\",\"updateSha256\":" + hash + ",\"reason\":\"NO_CHANGE\",\"score\":0.0}],"
        + "\"contributions\":[{\"participant\":\"vf1a\",\"micros\":-5}],\"validationLoss\":0.5,\"validationAccuracy\":0.75},"
        + "\"aggregatedHeight\":25,\"attestations\":[{\"validator\":\"vf1v\",\"attempt\":1,\"match\":false,\"failure\":\"no blob\",\"height\":26},"
        + "{\"validator\":\"vf1w\",\"attempt\":1,\"resultSha256\":" + hash + ",\"match\":true,\"height\":27,\"txId\":\"" + H2_HEX + "\"}],"
        + "\"verifiedHeight\":0,\"rejection\":\"FAILED: no blob\"}");
    assertThat(Json.BODIES.readValue(Json.write(FlApi.json(r)), org.veriflow.protocol.http.FlRound.class)).isEqualTo(FlApi.json(r));
  }

  @Test
  void round_noTimeLimit_deadlineMillisZero() throws Exception {
    RoundRecord r = RoundRecord.newBuilder().setTaskId("t1").setRound(1).setStatus(RoundStatus.OPEN).setOpenedHeight(4).setDeadlineHeight(24)
        .setBaseModelSha256(H1).build();
    JsonNode j = JSON.readTree(Json.write(FlApi.json(r)));
    assertThat(j.get("deadlineMillis").isNumber()).isTrue();
    assertThat(j.get("deadlineMillis").asLong()).isZero();
  }

  @Test
  void nonFiniteLossAndScore_writtenAsStrings_readBack() throws Exception {
    org.veriflow.protocol.http.FlRoundResult r = new org.veriflow.protocol.http.FlRoundResult(H1_HEX, List.of(),
        List.of(new org.veriflow.protocol.http.FlRejected("vf1a", H1_HEX, "NON_FINITE", Double.NaN)), List.of(), Double.POSITIVE_INFINITY,
        Double.NaN);
    String json = Json.write(r);
    assertThat(json).contains("\"score\":\"NaN\"").contains("\"validationLoss\":\"Infinity\"");
    assertThat(Json.BODIES.readValue(json, org.veriflow.protocol.http.FlRoundResult.class)).isEqualTo(r);
  }

  @Test
  void openRound_noResult_resultAbsent() throws Exception {
    RoundRecord r = RoundRecord.newBuilder().setTaskId("t1").setRound(2).setStatus(RoundStatus.OPEN).setBaseModelSha256(H1).build();
    JsonNode j = JSON.readTree(Json.write(FlApi.json(r)));
    assertThat(j.has("result")).isFalse();
    assertThat(j.has("resultSha256")).isFalse();
    assertThat(j.has("rejection")).isFalse();
    assertThat(j.get("updates")).isEmpty();
  }

  @BeforeEach
  void startNode() throws Exception {
    SigningKey admin = SigningKey.generate(SignatureAlgorithm.ED25519);
    SigningKey nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/node.key"), KeyPem.encodePrivate(nodeKey));
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), 1_000_000L);
    GenesisFile.write(dir.resolve("genesis.json"), new GenesisSpec("veriflow-fl-api", 1_700_000_000_000L, 1024 * 1024,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())), List.of(new GenesisSpec.Member("node1", nodeKey.publicKey())), balances));
    Map<String, String> settings = new TreeMap<>();
    settings.put(NodeConfig.HTTP_PORT.name(), "0");
    settings.put(NodeConfig.HTTP_INSECURE.name(), "true");
    settings.put(NodeConfig.OPS_PORT.name(), "0");
    settings.put(NodeConfig.VERIFIER_ENABLED.name(), "false");
    NodeConfig.write(dir, settings);
    node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
  }

  @AfterEach
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void tasks_noneYet_emptyPage() throws Exception {
    HttpResponse<String> r = get("/v1/fl/tasks?limit=5");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"tasks\":[]}");
  }

  @Test
  void unknownTask_404UnknownTask_onEveryTaskRoute() throws Exception {
    for (String path : List.of("/v1/fl/tasks/nosuch", "/v1/fl/tasks/nosuch/rounds", "/v1/fl/tasks/nosuch/rounds/1")) {
      assertProblem(get(path), 404, "UNKNOWN_TASK", "nosuch");
    }
  }

  @Test
  void malformedIds_400() throws Exception {
    assertProblem(get("/v1/fl/tasks/Bad_Id"), 400, "INVALID_ID", "Bad_Id");
    assertProblem(get("/v1/fl/tasks/bad_id/rounds"), 400, "INVALID_ID", "bad_id");
    assertProblem(get("/v1/fl/tasks/t1/rounds/0"), 400, "INVALID_ID", "'0'");
    assertProblem(get("/v1/fl/tasks/t1/rounds/x1"), 400, "INVALID_ID", "'x1'");
    assertProblem(get("/v1/fl/tasks/t1/rounds/12345678901"), 400, "INVALID_ID", "round number");
  }

  @Test
  void badPaging_400() throws Exception {
    assertProblem(get("/v1/fl/tasks?limit=0"), 400, "INVALID_PARAMETER", "limit");
    assertProblem(get("/v1/fl/tasks?limit=99999"), 400, "INVALID_PARAMETER", "limit");
    assertProblem(get("/v1/fl/tasks?cursor=zz"), 400, "INVALID_PARAMETER", "cursor");
  }

  private void assertProblem(HttpResponse<String> r, int status, String code, String detail) throws Exception {
    assertThat(r.statusCode()).as(r.uri().toString()).isEqualTo(status);
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.get("code").asText()).as(r.uri().toString()).isEqualTo(code);
    assertThat(p.get("detail").asText()).as(r.uri().toString()).contains(detail);
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + pathAndQuery)).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
