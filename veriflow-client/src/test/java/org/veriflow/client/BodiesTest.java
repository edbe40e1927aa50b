package org.veriflow.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.veriflow.protocol.http.Cluster;
import org.veriflow.protocol.http.ComputeRequest;
import org.veriflow.protocol.http.ComputeResult;
import org.veriflow.protocol.http.PredictAnswer;
import org.veriflow.protocol.http.PredictRequest;

/** The client's side of the bodies pinned in the node's {@code HttpBodiesTest}: what it writes, and how it reads partial answers. */
class BodiesTest {
  @Test
  void integersBeyondTwoToThe53_sentAsDecimalStrings_readExactly() throws Exception {
    org.veriflow.protocol.http.Snapshot s = Bodies.MAPPER.readValue("{\"snapshotId\":\"sn\",\"streamId\":\"room\",\"from\":\"-9007199254740993\","
        + "\"title\":\"t\",\"rowCount\":1,\"csvSha256\":\"cs\",\"readingsRoot\":\"rr\",\"creator\":\"vf1o\",\"height\":9}",
        org.veriflow.protocol.http.Snapshot.class);
    assertThat(s.from()).isEqualTo(-9_007_199_254_740_993L);
    assertThat(s.to()).isNull();
    org.veriflow.protocol.http.Reading r = Bodies.MAPPER.readValue("{\"digest\":\"dg\",\"deviceId\":\"vf1d\",\"sequence\":1,"
        + "\"timestamp\":\"-9223372036854775808\",\"values\":[21.5],\"txId\":\"tx\",\"index\":0,\"height\":7}", org.veriflow.protocol.http.Reading.class);
    assertThat(r.timestamp()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void predictRequest_inputsAsJsonValues_pinned() throws Exception {
    String body = Bodies.write(new PredictRequest(false, null, null, List.of(Bodies.compact("{ \"t\" : 21.5 }"), Bodies.compact("{\"t\":1}"))));
    assertThat(body).isEqualTo("{\"keepInput\":false,\"inputs\":[{\"t\":21.5},{\"t\":1}]}");
    String requester = "vf1" + "ab".repeat(20);
    assertThat(Bodies.write(new PredictRequest(true, requester, null, List.of("{\"t\":1}"))))
        .isEqualTo("{\"keepInput\":true,\"requester\":\"" + requester + "\",\"inputs\":[{\"t\":1}]}");
  }

  @Test
  void computeRequest_recipeAsJsonObject_pinned() throws Exception {
    assertThat(Bodies.write(new ComputeRequest("m1", Bodies.compact("{\"version\": 1, \"data\": {\"reference\": \"dataset:room/1\"}}"))))
        .isEqualTo("{\"modelId\":\"m1\",\"recipe\":{\"version\":1,\"data\":{\"reference\":\"dataset:room/1\"}}}");
  }

  @Test
  void predictAnswer_outputReadAsItsText() throws Exception {
    PredictAnswer a = Bodies.read(Bodies.MAPPER.readTree("{\"modelId\":\"m1\",\"txId\":\"tx\",\"height\":4,\"batchRoot\":\"br\",\"decisions\":"
        + "[{\"decisionId\":\"di\",\"output\":{\"label\":\"yes\",\"p\":0.5},\"inputSha256\":\"is\",\"attributions\":"
        + "[{\"feature\":\"x\",\"value\":1.0,\"attribution\":0.25}]}]}"), PredictAnswer.class);
    assertThat(Bodies.predictions(a)).isEqualTo(new Responses.Predictions("m1", "tx", 4, "br", List.of(new Responses.Prediction("di",
        "{\"label\":\"yes\",\"p\":0.5}", "is", List.of(new Responses.FeatureAttribution("x", 1.0, 0.25))))));
  }

  @Test
  void modelDetail_federatedTask_presentOnlyWhenTheNodeNamesOne() throws Exception {
    String common = "{\"modelId\":\"m1\",\"stage\":\"VERIFIED\",\"trainer\":\"vf1t\",\"registeredHeight\":4,\"engineVersion\":\"1\","
        + "\"recipeSha256\":\"rs\",\"recipe\":\"{}\",\"artifactSha256\":\"as\",\"lossCurveSha256\":\"ls\",\"datasets\":[],"
        + "\"metrics\":{},\"history\":[],\"attestations\":[]";
    assertThat(Bodies.parseModelDetail(Bodies.MAPPER.readTree(common + ",\"federatedTask\":\"t1\"}")).federatedTask()).contains("t1");
    assertThat(Bodies.parseModelDetail(Bodies.MAPPER.readTree(common + "}")).federatedTask()).isEmpty();
    assertThat(Bodies.parseModelDetail(Bodies.MAPPER.readTree(common + ",\"federatedTask\":\"\"}")).federatedTask()).isEmpty();
  }

  @Test
  void computeResult_absentGrantId_isTheAskedOne() throws Exception {
    ComputeResult c = Bodies.read(Bodies.MAPPER.readTree("{\"modelId\":\"m1\",\"metrics\":{\"loss\":0.5,\"accuracy\":0.75}}"), ComputeResult.class);
    Responses.ComputeResult r = Bodies.computeResult(c, "g1");
    assertThat(r.grantId()).isEqualTo("g1");
    assertThat(r.accessTx()).isEmpty();
    assertThat(r.metrics().keySet()).containsExactly("accuracy", "loss");
  }

  @Test
  void cluster_partialAnswer_readsAsDefaults() throws Exception {
    Responses.ClusterInfo c = Bodies.cluster(Bodies.read(Bodies.MAPPER.readTree("{\"clustered\":true,\"self\":\"\",\"leader\":null,"
        + "\"members\":[{\"id\":\"n1\"}]}"), Cluster.class));
    assertThat(c.self()).isEmpty();
    assertThat(c.leader()).isEmpty();
    assertThat(c.role()).isEmpty();
    assertThat(c.followers()).isEmpty();
    assertThat(c.members()).containsExactly(new Responses.ClusterMember("n1", "", ""));
  }

  @Test
  void problem_codeAndDetail_orTheStatus() {
    ClientException e = Http.problem(409, "{\"type\":\"urn:veriflow:problem:MODEL_EXISTS\",\"title\":\"t\",\"status\":409,\"detail\":\"d\","
        + "\"code\":\"MODEL_EXISTS\"}");
    assertThat(e.code()).isEqualTo("MODEL_EXISTS");
    assertThat(e.getMessage()).contains("d");
    assertThat(Http.problem(502, "bad gateway").code()).isEqualTo("HTTP_502");
    assertThat(Http.problem(500, "[1]").code()).isEqualTo("HTTP_500");
    assertThat(Bodies.problem(null)).isEqualTo(Optional.empty());
  }
}
