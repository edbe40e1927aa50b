package org.veriflow.client.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.veriflow.client.federated.AcceptedUpdate;
import org.veriflow.client.federated.DatasetSource;
import org.veriflow.client.federated.RejectedUpdate;
import org.veriflow.client.federated.Round;
import org.veriflow.client.federated.RoundResult;
import org.veriflow.client.federated.Task;
import org.veriflow.client.federated.TaskDataset;
import org.veriflow.client.federated.TaskParticipant;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.Contribution;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.TaskStatus;

class FederatedWalkTest {
  private static final String A = "aa".repeat(32);
  private static final String B = "bb".repeat(32);
  private static final String C = "cc".repeat(32);
  private static final String D = "dd".repeat(32);

  @Test
  void taskOf_namesTheTask_onlyForAFederatedProvenance() {
    assertThat(FederatedWalk.taskOf("{\"format\":\"veriflow-fl-model/1\",\"task\":\"t-1\"}".getBytes(StandardCharsets.UTF_8))).contains("t-1");
    assertThat(FederatedWalk.taskOf("{\"format\":\"veriflow-recipe/1\",\"task\":\"t-1\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(FederatedWalk.taskOf("{\"format\":\"veriflow-fl-model/1\",\"task\":7}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(FederatedWalk.taskOf("not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(FederatedWalk.taskOf(new byte[0])).isEmpty();
  }

  @Test
  void provenance_isTheContractsCanonicalJson() {
    String expected = "{\"format\":\"veriflow-fl-model/1\",\"task\":\"t-\\\"1\",\"recipeSha256\":\"" + A + "\",\"rule\":\"MULTI_KRUM\","
        + "\"trimFractionMicros\":0,\"krumF\":1,\"multiKrumM\":2,"
        + "\"rounds\":[{\"round\":1,\"globalModelSha256\":\"" + B + "\",\"resultSha256\":\"" + C + "\"},"
        + "{\"round\":2,\"globalModelSha256\":\"" + D + "\",\"resultSha256\":\"" + A + "\"}],"
        + "\"participants\":[{\"id\":\"vf1\",\"snapshotId\":\"s1\",\"datasetId\":\"\",\"datasetVersion\":0,\"csvSha256\":\"" + B
        + "\",\"readingsRoot\":\"" + C + "\"},"
        + "{\"id\":\"vf2\",\"snapshotId\":\"\",\"datasetId\":\"ds\",\"datasetVersion\":3,\"csvSha256\":\"" + D + "\",\"readingsRoot\":\"\"}]}";
    Task task = task("t-\"1");
    List<Round> rounds = List.of(round(1, A, B, C, 0.5), round(2, B, D, A, 0.25));
    assertThat(new String(FederatedWalk.provenance(task, rounds), StandardCharsets.UTF_8)).isEqualTo(expected);
    // A round's global model changed on the node: the provenance rebuilt from it no longer matches.
    List<Round> tampered = List.of(round(1, A, C, C, 0.5), round(2, B, D, A, 0.25));
    assertThat(new String(FederatedWalk.provenance(task, tampered), StandardCharsets.UTF_8)).isNotEqualTo(expected);
  }

  @Test
  void lossCurve_isTheContractsText() {
    List<Round> rounds = List.of(round(1, A, B, C, 0.5), round(2, B, D, A, 1.0E-7));
    assertThat(new String(FederatedWalk.lossCurve(rounds), StandardCharsets.UTF_8)).isEqualTo("round,validation_loss\n1,0.5\n2,1.0E-7\n");
  }

  @Test
  void encode_sortsByParticipant_andCarriesEveryField() {
    RoundResult r = new RoundResult(B, List.of(new AcceptedUpdate("vf2", C, 0.75), new AcceptedUpdate("vf1", D, 0.25)),
        List.of(new RejectedUpdate("vf3", A, "KRUM_NOT_SELECTED", 12.5)), new TreeMap<>(Map.of("vf2", -3L, "vf1", 5L)), 0.125, 0.9);
    org.veriflow.protocol.proto.fl.RoundResult p = FederatedWalk.encode(2, r);
    assertThat(p.getRound()).isEqualTo(2);
    assertThat(HexFormat.of().formatHex(p.getGlobalModelSha256().toByteArray())).isEqualTo(B);
    assertThat(p.getAcceptedList()).extracting(a -> a.getParticipant() + ":" + HexFormat.of().formatHex(a.getUpdateSha256().toByteArray()) + ":"
        + a.getWeight()).containsExactly("vf1:" + D + ":0.25", "vf2:" + C + ":0.75");
    assertThat(p.getRejectedList()).extracting(x -> x.getParticipant() + ":" + x.getReason() + ":" + x.getScore())
        .containsExactly("vf3:KRUM_NOT_SELECTED:12.5");
    assertThat(p.getContributionsList()).extracting(Contribution::getParticipant, Contribution::getMicros)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("vf1", 5L), org.assertj.core.groups.Tuple.tuple("vf2", -3L));
    assertThat(p.getValidationLoss()).isEqualTo(0.125);
    assertThat(p.getValidationAccuracy()).isEqualTo(0.9);
    // The node's encoding of the same result, built directly: the same bytes.
    org.veriflow.protocol.proto.fl.RoundResult direct = org.veriflow.protocol.proto.fl.RoundResult.newBuilder().setRound(2)
        .setGlobalModelSha256(bytes(B))
        .addAccepted(org.veriflow.protocol.proto.fl.AcceptedUpdate.newBuilder().setParticipant("vf1").setUpdateSha256(bytes(D)).setWeight(0.25))
        .addAccepted(org.veriflow.protocol.proto.fl.AcceptedUpdate.newBuilder().setParticipant("vf2").setUpdateSha256(bytes(C)).setWeight(0.75))
        .addRejected(org.veriflow.protocol.proto.fl.RejectedUpdate.newBuilder().setParticipant("vf3").setUpdateSha256(bytes(A))
            .setReason("KRUM_NOT_SELECTED").setScore(12.5))
        .addContributions(Contribution.newBuilder().setParticipant("vf1").setMicros(5))
        .addContributions(Contribution.newBuilder().setParticipant("vf2").setMicros(-3))
        .setValidationLoss(0.125).setValidationAccuracy(0.9).build();
    assertThat(p.toByteArray()).isEqualTo(direct.toByteArray());
  }

  @Test
  void encode_refusesAHashThatIsNotHex() {
    RoundResult r = new RoundResult("zz", List.of(), List.of(), new TreeMap<>(), 0, 0);
    assertThatThrownBy(() -> FederatedWalk.encode(1, r)).isInstanceOf(IllegalArgumentException.class);
  }

  private static ByteString bytes(String hex) {
    return ByteString.copyFrom(HexFormat.of().parseHex(hex));
  }

  private static Round round(int n, String base, String global, String resultSha, double loss) {
    RoundResult result = new RoundResult(global, List.of(), List.of(), new TreeMap<>(), loss, 0);
    return new Round("t", n, RoundStatus.VERIFIED, 1, 2, 0, base, List.of(), 1, Optional.of(resultSha), Optional.of(result), 3, List.of(), 4,
        Optional.empty());
  }

  private static Task task(String id) {
    List<TaskParticipant> participants = List.of(
        new TaskParticipant("vf1", new TaskDataset(DatasetSource.snapshot("s1"), B, C), 10, 5, 0, 2, 0, 0, 0, Optional.empty()),
        new TaskParticipant("vf2", new TaskDataset(DatasetSource.version("ds", 3), D, ""), 10, 5, 0, 2, 0, 0, 0, Optional.empty()));
    return new Task(id, "owner", TaskStatus.COMPLETED, A, "{}", 2, 10, 0, 2, 2, AggregationRule.MULTI_KRUM, 0, 1, 2,
        new TaskDataset(DatasetSource.snapshot("v"), A, B), Optional.empty(), 0, List.of(), List.of(), List.of(), "agg", "m", 5, A,
        participants, 3, 1, 2, 3, Optional.empty(), 0);
  }
}
