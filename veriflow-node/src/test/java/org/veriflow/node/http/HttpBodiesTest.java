package org.veriflow.node.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.veriflow.protocol.http.Account;
import org.veriflow.protocol.http.BatchResults;
import org.veriflow.protocol.http.Block;
import org.veriflow.protocol.http.BlockSignature;
import org.veriflow.protocol.http.Chain;
import org.veriflow.protocol.http.Cluster;
import org.veriflow.protocol.http.ClusterFollower;
import org.veriflow.protocol.http.ClusterPeer;
import org.veriflow.protocol.http.CommittedBlock;
import org.veriflow.protocol.http.CommittedBlocks;
import org.veriflow.protocol.http.ComputeRequest;
import org.veriflow.protocol.http.ComputeResult;
import org.veriflow.protocol.http.FeatureAttribution;
import org.veriflow.protocol.http.PredictAnswer;
import org.veriflow.protocol.http.PredictOneAnswer;
import org.veriflow.protocol.http.PredictRequest;
import org.veriflow.protocol.http.Predicted;
import org.veriflow.protocol.http.ConsistencyProof;
import org.veriflow.protocol.http.Health;
import org.veriflow.protocol.http.Identity;
import org.veriflow.protocol.http.InclusionProof;
import org.veriflow.protocol.http.Orderer;
import org.veriflow.protocol.http.Evidence;
import org.veriflow.protocol.http.EvidencePage;
import org.veriflow.protocol.http.Model;
import org.veriflow.protocol.http.ModelAttestation;
import org.veriflow.protocol.http.ModelDataset;
import org.veriflow.protocol.http.ModelPage;
import org.veriflow.protocol.http.ModelStageChange;
import org.veriflow.protocol.http.Problem;
import org.veriflow.protocol.http.Reading;
import org.veriflow.protocol.http.ReadingPage;
import org.veriflow.protocol.http.Snapshot;
import org.veriflow.protocol.http.Stream;
import org.veriflow.protocol.http.StreamDevice;
import org.veriflow.protocol.http.StreamField;
import org.veriflow.protocol.http.StreamStats;
import org.veriflow.protocol.http.SubmitBatch;
import org.veriflow.protocol.http.SubmitTransaction;
import org.veriflow.protocol.http.Transaction;
import org.veriflow.protocol.http.TxEvent;
import org.veriflow.protocol.http.TxStatusAnswer;

/**
 * Pins the JSON field names, order and presence of the HTTP API's bodies as the node writes them
 * (docs/http-api.md): a renamed record component would change the wire, and fails here.
 */
class HttpBodiesTest {
  private static void pinned(Object body, String json) throws Exception {
    assertThat(Json.write(body)).isEqualTo(json);
    assertThat(Json.BODIES.readValue(json, body.getClass())).isEqualTo(body);
  }

  @Test
  void submitBodies_fieldNames_pinned() throws Exception {
    pinned(new SubmitTransaction("cA==", "cw=="), "{\"payload\":\"cA==\",\"signature\":\"cw==\"}");
    pinned(new SubmitBatch(List.of(new SubmitTransaction("cA==", "cw=="))),
        "{\"transactions\":[{\"payload\":\"cA==\",\"signature\":\"cw==\"}]}");
  }

  @Test
  void txStatusAnswers_optionalFieldsAbsent_pinned() throws Exception {
    pinned(TxStatusAnswer.pending("ab"), "{\"id\":\"ab\",\"status\":\"PENDING\"}");
    pinned(new TxStatusAnswer("ab", "COMMITTED", 7L, null, null), "{\"id\":\"ab\",\"status\":\"COMMITTED\",\"height\":7}");
    pinned(new TxStatusAnswer("ab", "FAILED", 7L, "DENIED", "no"),
        "{\"id\":\"ab\",\"status\":\"FAILED\",\"height\":7,\"code\":\"DENIED\",\"message\":\"no\"}");
    pinned(new BatchResults(List.of(new TxStatusAnswer(null, "REJECTED", null, "MALFORMED", "bad"))),
        "{\"results\":[{\"status\":\"REJECTED\",\"code\":\"MALFORMED\",\"message\":\"bad\"}]}");
  }

  @Test
  void transaction_fieldNames_pinned() throws Exception {
    pinned(Transaction.pending("ab"), "{\"id\":\"ab\",\"status\":\"PENDING\"}");
    pinned(new Transaction("ab", "COMMITTED", 3L, 0, null, null, "vf1s", "streams", "append", 4L, "cA==", "cw==",
        List.of(new TxEvent("streams", "appended", "ZA==")), "bw==", new InclusionProof(5, 6, 3, List.of("h1"))),
        "{\"id\":\"ab\",\"status\":\"COMMITTED\",\"height\":3,\"index\":0,\"sender\":\"vf1s\",\"contract\":\"streams\","
            + "\"method\":\"append\",\"nonce\":4,\"payload\":\"cA==\",\"signature\":\"cw==\","
            + "\"events\":[{\"contract\":\"streams\",\"name\":\"appended\",\"data\":\"ZA==\"}],\"output\":\"bw==\","
            + "\"proof\":{\"leafIndex\":5,\"logSize\":6,\"blockHeight\":3,\"hashes\":[\"h1\"]}}");
  }

  @Test
  void blockAndLog_fieldNames_pinned() throws Exception {
    pinned(new Block(2, "h", "c", "p", 1000, "t", 9, "l", "s", "r", 1, "aGVhZA==", List.of(new BlockSignature("k", "ED25519", "g")),
        List.of("x")),
        "{\"height\":2,\"hash\":\"h\",\"chainId\":\"c\",\"previousHash\":\"p\",\"timestamp\":1000,\"txRoot\":\"t\",\"logSize\":9,"
            + "\"logRoot\":\"l\",\"stateHash\":\"s\",\"resultRoot\":\"r\",\"txCount\":1,\"header\":\"aGVhZA==\","
            + "\"signatures\":[{\"publicKey\":\"k\",\"algorithm\":\"ED25519\",\"signature\":\"g\"}],\"transactions\":[\"x\"]}");
    pinned(new ConsistencyProof(1, 4, "a", "b", List.of("h")),
        "{\"from\":1,\"to\":4,\"fromRoot\":\"a\",\"toRoot\":\"b\",\"hashes\":[\"h\"]}");
  }

  @Test
  void chainAccountIdentityHealth_fieldNames_pinned() throws Exception {
    pinned(new Chain("c", "g", 5, 1024, List.of(new Orderer("vf1o", "P256", "04"))),
        "{\"chainId\":\"c\",\"genesisHash\":\"g\",\"height\":5,\"maxTxBytes\":1024,"
            + "\"orderers\":[{\"id\":\"vf1o\",\"algorithm\":\"P256\",\"publicKey\":\"04\"}]}");
    pinned(new Account("vf1a", 2, 100), "{\"id\":\"vf1a\",\"nonce\":2,\"balance\":100}");
    pinned(new Identity("vf1a", "DEVICE", "n", "vf1o", "ED25519", "aa", List.of("writer"), "ACTIVE", 1, null, null, null),
        "{\"id\":\"vf1a\",\"kind\":\"DEVICE\",\"name\":\"n\",\"owner\":\"vf1o\",\"algorithm\":\"ED25519\",\"publicKey\":\"aa\","
            + "\"roles\":[\"writer\"],\"status\":\"ACTIVE\",\"registeredHeight\":1}");
    pinned(new Identity("vf1a", "DEVICE", "n", "", "ED25519", "aa", List.of(), "REVOKED", 1, "ee", 8L, "lost"),
        "{\"id\":\"vf1a\",\"kind\":\"DEVICE\",\"name\":\"n\",\"owner\":\"\",\"algorithm\":\"ED25519\",\"publicKey\":\"aa\","
            + "\"roles\":[],\"status\":\"REVOKED\",\"registeredHeight\":1,\"encryptionKey\":\"ee\",\"revokedHeight\":8,"
            + "\"revocationReason\":\"lost\"}");
    pinned(new Health("UP", "c", 5), "{\"status\":\"UP\",\"chainId\":\"c\",\"height\":5}");
  }

  @Test
  void problem_fieldNames_pinned() throws Exception {
    pinned(Problem.of(404, "UNKNOWN_BLOCK", "Unknown block", "no block"),
        "{\"type\":\"urn:veriflow:problem:UNKNOWN_BLOCK\",\"title\":\"Unknown block\",\"status\":404,\"detail\":\"no block\","
            + "\"code\":\"UNKNOWN_BLOCK\"}");
    pinned(new Problem("urn:veriflow:problem:UNKNOWN_TRANSACTION", "Unknown transaction", 404, "none", "UNKNOWN_TRANSACTION", "UNKNOWN"),
        "{\"type\":\"urn:veriflow:problem:UNKNOWN_TRANSACTION\",\"title\":\"Unknown transaction\",\"status\":404,\"detail\":\"none\","
            + "\"code\":\"UNKNOWN_TRANSACTION\",\"txStatus\":\"UNKNOWN\"}");
  }

  @Test
  void streamBodies_fieldNames_pinned() throws Exception {
    pinned(new Stream("room", "vf1o", "d", List.of(new StreamField("temp", "C", -40.0, 85.0, 1)), 30000, 60000, 3,
        List.of(new StreamDevice("vf1d", "s1", "ED25519", "aa", "ACTIVE", 4, 5, null, null),
            new StreamDevice("vf1e", "s2", "P256", "bb", "REVOKED", 0, 5, 9L, "lost"))),
        "{\"streamId\":\"room\",\"owner\":\"vf1o\",\"description\":\"d\","
            + "\"fields\":[{\"name\":\"temp\",\"unit\":\"C\",\"min\":-40.0,\"max\":85.0,\"decimals\":1}],"
            + "\"samplingIntervalMillis\":30000,\"timeWindowMillis\":60000,\"createdHeight\":3,"
            + "\"devices\":[{\"deviceId\":\"vf1d\",\"name\":\"s1\",\"algorithm\":\"ED25519\",\"publicKey\":\"aa\",\"status\":\"ACTIVE\","
            + "\"lastSequence\":4,\"registeredHeight\":5},{\"deviceId\":\"vf1e\",\"name\":\"s2\",\"algorithm\":\"P256\",\"publicKey\":\"bb\","
            + "\"status\":\"REVOKED\",\"lastSequence\":0,\"registeredHeight\":5,\"revokedHeight\":9,\"revocationReason\":\"lost\"}]}");
    Reading plain = new Reading("dg", "vf1d", 1, 1000, List.of(21.5, 22.0), "tx", 0, 7, null, null);
    pinned(new ReadingPage(List.of(plain), "0a"),
        "{\"readings\":[{\"digest\":\"dg\",\"deviceId\":\"vf1d\",\"sequence\":1,\"timestamp\":1000,\"values\":[21.5,22.0],"
            + "\"txId\":\"tx\",\"index\":0,\"height\":7}],\"next\":\"0a\"}");
    pinned(new Reading("dg", "vf1d", 1, 1000, List.of(21.5), "tx", 0, 7, "cg==", "cw=="),
        "{\"digest\":\"dg\",\"deviceId\":\"vf1d\",\"sequence\":1,\"timestamp\":1000,\"values\":[21.5],"
            + "\"txId\":\"tx\",\"index\":0,\"height\":7,\"reading\":\"cg==\",\"signature\":\"cw==\"}");
    TreeMap<String, java.util.SortedMap<String, Long>> devices = new TreeMap<>();
    devices.put("vf1d", new TreeMap<>(java.util.Map.of("LEGAL", 3L, "BAD_SIGNATURE", 1L)));
    pinned(new StreamStats("room", devices, new TreeMap<>(java.util.Map.of("LEGAL", 3L, "BAD_SIGNATURE", 1L))),
        "{\"streamId\":\"room\",\"devices\":{\"vf1d\":{\"BAD_SIGNATURE\":1,\"LEGAL\":3}},\"totals\":{\"BAD_SIGNATURE\":1,\"LEGAL\":3}}");
    pinned(new EvidencePage(List.of(new Evidence("dg", "vf1x", "UNKNOWN_DEVICE", "tx", 2, 7)), null),
        "{\"evidence\":[{\"digest\":\"dg\",\"claimedDevice\":\"vf1x\",\"verdict\":\"UNKNOWN_DEVICE\",\"txId\":\"tx\",\"index\":2,"
            + "\"height\":7}]}");
    pinned(new Snapshot("sn", "room", 1000L, 2000L, "night", 40, "cs", "rr", "vf1o", 9),
        "{\"snapshotId\":\"sn\",\"streamId\":\"room\",\"from\":1000,\"to\":2000,\"title\":\"night\",\"rowCount\":40,"
            + "\"csvSha256\":\"cs\",\"readingsRoot\":\"rr\",\"creator\":\"vf1o\",\"height\":9}");

    // A range open at both ends: the bounds are left out, never sent as -2^63 and 2^63-1.
    pinned(new Snapshot("sn", "room", null, null, "all", 40, "cs", "rr", "vf1o", 9),
        "{\"snapshotId\":\"sn\",\"streamId\":\"room\",\"title\":\"all\",\"rowCount\":40,"
            + "\"csvSha256\":\"cs\",\"readingsRoot\":\"rr\",\"creator\":\"vf1o\",\"height\":9}");
  }

  @Test
  void integersBeyondTwoToThe53_writtenAsDecimalStrings_readBackExactly() throws Exception {
    long max = Json.MAX_EXACT;
    pinned(new Snapshot("sn", "room", -max, max, "t", 1, "cs", "rr", "vf1o", 9),
        "{\"snapshotId\":\"sn\",\"streamId\":\"room\",\"from\":-9007199254740991,\"to\":9007199254740991,\"title\":\"t\","
            + "\"rowCount\":1,\"csvSha256\":\"cs\",\"readingsRoot\":\"rr\",\"creator\":\"vf1o\",\"height\":9}");
    pinned(new Snapshot("sn", "room", -max - 1, Long.MAX_VALUE - 1, "t", 1, "cs", "rr", "vf1o", 9),
        "{\"snapshotId\":\"sn\",\"streamId\":\"room\",\"from\":\"-9007199254740992\",\"to\":\"9223372036854775806\",\"title\":\"t\","
            + "\"rowCount\":1,\"csvSha256\":\"cs\",\"readingsRoot\":\"rr\",\"creator\":\"vf1o\",\"height\":9}");
    // A primitive component too (a reading's time).
    pinned(new Reading("dg", "vf1d", 1, Long.MIN_VALUE, List.of(21.5), "tx", 0, 7, null, null),
        "{\"digest\":\"dg\",\"deviceId\":\"vf1d\",\"sequence\":1,\"timestamp\":\"-9223372036854775808\",\"values\":[21.5],"
            + "\"txId\":\"tx\",\"index\":0,\"height\":7}");
  }

  @Test
  void modelBodies_fieldNames_pinned() throws Exception {
    Model m = new Model("m1", "VERIFIED", "vf1t", 4, "1", "rs", "{}", "as", "ls",
        List.of(new ModelDataset("sn", "cs", "rr", null, null), new ModelDataset("", "ps", "rr", "ds", 2L)),
        new TreeMap<>(java.util.Map.of("train.mae", 0.5, "test.mae", 0.75)),
        List.of(new ModelStageChange("REGISTERED", "VERIFIED", "vf1v", 5, "replayed", "tx")),
        List.of(new ModelAttestation("vf1v", "as", true, 5, null), new ModelAttestation("vf1w", "", false, 6, "out of memory")), null);
    Model federated = new Model("m2", "VERIFIED", "fl", 9, "1", "rs", "{}", "as", "ls", List.of(), new TreeMap<>(), List.of(), List.of(), "t1");
    pinned(new ModelPage(List.of(m, federated), "6d"),
        "{\"models\":[{\"modelId\":\"m1\",\"stage\":\"VERIFIED\",\"trainer\":\"vf1t\",\"registeredHeight\":4,\"engineVersion\":\"1\","
            + "\"recipeSha256\":\"rs\",\"recipe\":\"{}\",\"artifactSha256\":\"as\",\"lossCurveSha256\":\"ls\","
            + "\"datasets\":[{\"snapshotId\":\"sn\",\"csvSha256\":\"cs\",\"readingsRoot\":\"rr\"},"
            + "{\"snapshotId\":\"\",\"csvSha256\":\"ps\",\"readingsRoot\":\"rr\",\"datasetId\":\"ds\",\"datasetVersion\":2}],"
            + "\"metrics\":{\"test.mae\":0.75,\"train.mae\":0.5},"
            + "\"history\":[{\"from\":\"REGISTERED\",\"to\":\"VERIFIED\",\"by\":\"vf1v\",\"height\":5,\"reason\":\"replayed\",\"txId\":\"tx\"}],"
            + "\"attestations\":[{\"validator\":\"vf1v\",\"artifactSha256\":\"as\",\"match\":true,\"height\":5},"
            + "{\"validator\":\"vf1w\",\"artifactSha256\":\"\",\"match\":false,\"height\":6,\"failure\":\"out of memory\"}]},"
            + "{\"modelId\":\"m2\",\"stage\":\"VERIFIED\",\"trainer\":\"fl\",\"registeredHeight\":9,\"engineVersion\":\"1\","
            + "\"recipeSha256\":\"rs\",\"recipe\":\"{}\",\"artifactSha256\":\"as\",\"lossCurveSha256\":\"ls\",\"datasets\":[],"
            + "\"metrics\":{},\"history\":[],\"attestations\":[],\"federatedTask\":\"t1\"}],"
            + "\"next\":\"6d\"}");
  }

  @Test
  void decision_fieldNames_pinned() throws Exception {
    pinned(new org.veriflow.protocol.http.Decision("di", "m1", "ms", "is", null, "{\"y\":1.5}",
        List.of(new org.veriflow.protocol.http.FeatureAttribution("x", 2.0, 0.5)), "", "rq", "vf1n", "tx", 9, 1, 2, "br", "ZA==",
        List.of("p0")),
        "{\"decisionId\":\"di\",\"modelId\":\"m1\",\"modelSha256\":\"ms\",\"inputSha256\":\"is\",\"output\":\"{\\\"y\\\":1.5}\","
            + "\"attributions\":[{\"feature\":\"x\",\"value\":2.0,\"attribution\":0.5}],\"requester\":\"\",\"requestId\":\"rq\","
            + "\"agent\":\"vf1n\",\"txId\":\"tx\",\"height\":9,\"index\":1,\"batchSize\":2,\"batchRoot\":\"br\",\"decision\":\"ZA==\","
            + "\"proof\":[\"p0\"]}");
  }

  @Test
  void signedCheckpoint_fieldNames_pinned() throws Exception {
    pinned(new org.veriflow.protocol.http.SignedCheckpoint("c", 4, "bh", "sh", new org.veriflow.protocol.http.CheckpointSigner("vf1n", "ED25519", "aa"),
        "Y3A=", "c2c="),
        "{\"chainId\":\"c\",\"height\":4,\"blockHash\":\"bh\",\"stateHash\":\"sh\","
            + "\"signer\":{\"id\":\"vf1n\",\"algorithm\":\"ED25519\",\"publicKey\":\"aa\"},\"checkpoint\":\"Y3A=\",\"signature\":\"c2c=\"}");
  }

  @Test
  void datasetBodies_fieldNames_pinned() throws Exception {
    org.veriflow.protocol.http.DatasetVersion v = new org.veriflow.protocol.http.DatasetVersion("room", 1, "vf1o", "ACTIVE", "Room", "two",
        List.of("climate"), List.of(new org.veriflow.protocol.http.DatasetColumn("t", "int64")), "CC-BY-4.0",
        new org.veriflow.protocol.http.DatasetPolicy(List.of(), List.of(), List.of(), List.of("research"), 0, 0, 0, 2, true),
        "ps", "cs", 58, 131, "", "", "vf1n", true,
        new org.veriflow.protocol.http.DatasetQuality(2, 3, List.of(0L), 0, 0, List.of(new org.veriflow.protocol.http.LabelCount("a", 2)), 0.0),
        "qs", 0, 0, 6, 1000, List.of(new org.veriflow.protocol.http.StatusChange("DATASET_STATUS_UNSPECIFIED", "ACTIVE", "vf1o", 6, "", "tx")));
    String version = "{\"datasetId\":\"room\",\"version\":1,\"owner\":\"vf1o\",\"status\":\"ACTIVE\",\"title\":\"Room\",\"description\":\"two\","
        + "\"tags\":[\"climate\"],\"schema\":[{\"name\":\"t\",\"type\":\"int64\"}],\"licence\":\"CC-BY-4.0\","
        + "\"policy\":{\"identities\":[],\"organisations\":[],\"roles\":[],\"purposes\":[\"research\"],\"expiryHeight\":0,"
        + "\"expiryMillis\":0,\"price\":0,\"maxReads\":2,\"autoGrant\":true},\"plaintextSha256\":\"ps\",\"ciphertextSha256\":\"cs\","
        + "\"plaintextBytes\":58,\"ciphertextBytes\":131,\"snapshotId\":\"\",\"readingsRoot\":\"\",\"custodian\":\"vf1n\",\"custodyKey\":true,"
        + "\"quality\":{\"rows\":2,\"columns\":3,\"missing\":[0],\"duplicates\":0,\"outliers\":0,\"labelBalance\":[{\"label\":\"a\",\"count\":2}],"
        + "\"illegalReadingRate\":0.0},\"qualityReportSha256\":\"qs\",\"previousVersion\":0,\"nextVersion\":0,\"publishedHeight\":6,"
        + "\"publishedMillis\":1000,\"history\":[{\"from\":\"DATASET_STATUS_UNSPECIFIED\",\"to\":\"ACTIVE\",\"by\":\"vf1o\",\"height\":6,"
        + "\"reason\":\"\",\"txId\":\"tx\"}]}";
    pinned(new org.veriflow.protocol.http.Dataset(v, List.of(1L)), "{\"latest\":" + version + ",\"versions\":[1]}");
    pinned(new org.veriflow.protocol.http.DatasetPage(List.of(v), null), "{\"datasets\":[" + version + "]}");
    pinned(new org.veriflow.protocol.http.GrantPage(List.of(new org.veriflow.protocol.http.Grant("g1", "room", 1, "vf1g", "research", "GRANTED",
        0, 7, 2000, 5, 2, 0, 0, 1, 3, 2, List.of())), "ff"),
        "{\"grants\":[{\"grantId\":\"g1\",\"datasetId\":\"room\",\"version\":1,\"grantee\":\"vf1g\",\"purpose\":\"research\","
            + "\"status\":\"GRANTED\",\"sequence\":0,\"requestedHeight\":7,\"requestedMillis\":2000,\"price\":5,\"maxReads\":2,"
            + "\"expiryHeight\":0,\"expiryMillis\":0,\"reads\":1,\"paid\":3,\"escrowed\":2,\"history\":[]}],\"next\":\"ff\"}");
    pinned(new org.veriflow.protocol.http.AccessPage(List.of(new org.veriflow.protocol.http.Access("g1", "vf1g", "room", 1, "KEY_RELEASE",
        "research", 8, 3000, "tx", "vf1n", 0, "ek", "wk", 3)), null),
        "{\"accesses\":[{\"grantId\":\"g1\",\"grantee\":\"vf1g\",\"datasetId\":\"room\",\"version\":1,\"kind\":\"KEY_RELEASE\","
            + "\"purpose\":\"research\",\"height\":8,\"timestampMillis\":3000,\"txId\":\"tx\",\"custodian\":\"vf1n\",\"sequence\":0,"
            + "\"granteeEncryptionKey\":\"ek\",\"wrappedKeySha256\":\"wk\",\"paid\":3}]}");
    pinned(new org.veriflow.protocol.http.KeyRelease("g1", "d2s=", "tx", 8),
        "{\"grantId\":\"g1\",\"wrappedKey\":\"d2s=\",\"accessTx\":\"tx\",\"height\":8}");
  }

  @Test
  void storedBlob_fieldNames_pinned() throws Exception {
    pinned(new org.veriflow.protocol.http.StoredBlob("bh", 12), "{\"hash\":\"bh\",\"size\":12}");
  }

  @Test
  void clusterBodies_explicitNulls_pinned() throws Exception {
    pinned(new Cluster(false, null, "SOLO", null, 0, 0, 0, 0, List.of(), List.of(), "vf-test", 3, "bh", "sh"),
        "{\"clustered\":false,\"self\":null,\"role\":\"SOLO\",\"leader\":null,\"term\":0,\"commitIndex\":0,\"appliedIndex\":0,"
            + "\"logStartIndex\":0,\"members\":[],\"followers\":[],\"chainId\":\"vf-test\",\"height\":3,\"blockHash\":\"bh\",\"stateHash\":\"sh\"}");
    pinned(new Cluster(true, "n1", "LEADER", "n1", 2, 9, 8, 1, List.of(new ClusterPeer("n1", "127.0.0.1:9001", "http://127.0.0.1:8081")),
        List.of(new ClusterFollower("n2", 7, 40)), "vf-test", 3, "bh", "sh"),
        "{\"clustered\":true,\"self\":\"n1\",\"role\":\"LEADER\",\"leader\":\"n1\",\"term\":2,\"commitIndex\":9,\"appliedIndex\":8,"
            + "\"logStartIndex\":1,\"members\":[{\"id\":\"n1\",\"raftAddress\":\"127.0.0.1:9001\",\"apiUrl\":\"http://127.0.0.1:8081\"}],"
            + "\"followers\":[{\"id\":\"n2\",\"matchIndex\":7,\"lastContactMillis\":40}],\"chainId\":\"vf-test\",\"height\":3,"
            + "\"blockHash\":\"bh\",\"stateHash\":\"sh\"}");
    pinned(new CommittedBlocks(5, List.of(new CommittedBlock(1, "AA==", null), new CommittedBlock(2, "AQ==", "Ag=="))),
        "{\"head\":5,\"blocks\":[{\"height\":1,\"block\":\"AA==\",\"position\":null},{\"height\":2,\"block\":\"AQ==\",\"position\":\"Ag==\"}]}");
  }

  @Test
  void predictBodies_outputAsJsonValue_pinned() throws Exception {
    Predicted d = new Predicted("di", "{\"label\":\"yes\",\"p\":0.5}", "is", List.of(new FeatureAttribution("x", 1.0, 0.25)));
    String decision = "\"decisionId\":\"di\",\"output\":{\"label\":\"yes\",\"p\":0.5},\"inputSha256\":\"is\","
        + "\"attributions\":[{\"feature\":\"x\",\"value\":1.0,\"attribution\":0.25}]";
    pinned(PredictOneAnswer.of("m1", "tx", 4, "br", d), "{\"modelId\":\"m1\",\"txId\":\"tx\",\"height\":4,\"batchRoot\":\"br\"," + decision + "}");
    pinned(new PredictAnswer("m1", "tx", 4, "br", List.of(d)),
        "{\"modelId\":\"m1\",\"txId\":\"tx\",\"height\":4,\"batchRoot\":\"br\",\"decisions\":[{" + decision + "}]}");
    pinned(new PredictRequest(true, "vf1" + "ab".repeat(20), null, List.of("{\"t\":21.5}", "{\"t\":1}")),
        "{\"keepInput\":true,\"requester\":\"vf1" + "ab".repeat(20) + "\",\"inputs\":[{\"t\":21.5},{\"t\":1}]}");
    pinned(new PredictRequest(null, null, "{\"t\":21.5}", null), "{\"input\":{\"t\":21.5}}");
  }

  @Test
  void predictOutput_asTreeBefore_sameBytes() throws Exception {
    String canonical = "{\"z\":1E-7,\"a\":[12345678901234567890,-0.0,\"\\u00e9\\n\"],\"m\":null}";
    com.fasterxml.jackson.databind.node.ObjectNode tree = Json.MAPPER.createObjectNode().put("decisionId", "di");
    tree.set("output", Json.MAPPER.readTree(canonical));
    Predicted d = new Predicted("di", Json.MAPPER.writeValueAsString(Json.MAPPER.readTree(canonical)), "is", List.of());
    assertThat(Json.write(d)).startsWith(Json.MAPPER.writeValueAsString(tree).replace("}}", "}"));
  }

  @Test
  void computeBodies_fieldNames_pinned() throws Exception {
    pinned(new ComputeRequest("m1", "{\"version\":1,\"data\":{\"reference\":\"dataset:room/1\"}}"),
        "{\"modelId\":\"m1\",\"recipe\":{\"version\":1,\"data\":{\"reference\":\"dataset:room/1\"}}}");
    pinned(new ComputeResult("g1", "m1", "at", 3, "mt", 4, "as", "ls", "room", 2, "ps", new TreeMap<>(java.util.Map.of("loss", 0.5, "accuracy", 0.75))),
        "{\"grantId\":\"g1\",\"modelId\":\"m1\",\"accessTx\":\"at\",\"accessHeight\":3,\"modelTx\":\"mt\",\"modelHeight\":4,"
            + "\"artifactSha256\":\"as\",\"lossCurveSha256\":\"ls\",\"datasetId\":\"room\",\"version\":2,\"plaintextSha256\":\"ps\","
            + "\"metrics\":{\"accuracy\":0.75,\"loss\":0.5}}");
  }

  @Test
  void submitRequests_nonTextFields_readAsAbsent() throws Exception {
    assertThat(Json.request(tree("{\"payload\":5,\"signature\":\"cw==\",\"extra\":1}"), SubmitTransaction.class))
        .isEqualTo(new SubmitTransaction(null, "cw=="));
    assertThat(Json.request(tree("{\"transactions\":[null,[1],{\"payload\":\"cA==\",\"signature\":\"cw==\"}]}"), SubmitBatch.class))
        .isEqualTo(new SubmitBatch(List.of(new SubmitTransaction(null, null), new SubmitTransaction(null, null),
            new SubmitTransaction("cA==", "cw=="))));
    for (String bad : List.of("{\"transactions\":null}", "{\"transactions\":{}}", "[]")) {
      assertThatThrownBy(() -> Json.request(tree(bad), SubmitBatch.class)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void predictRequests_wrongTypesOrNulls_refused() throws Exception {
    assertThat(Json.request(tree("{\"input\":{\"a\" : 1},\"other\":null}"), PredictRequest.class))
        .isEqualTo(new PredictRequest(null, null, "{\"a\":1}", null));
    assertThat(Json.request(tree("{\"inputs\":[{\"a\" : 1},null,3]}"), PredictRequest.class))
        .isEqualTo(new PredictRequest(null, null, null, List.of("{\"a\":1}", "null", "3")));
    for (String bad : List.of("{\"keepInput\":\"true\"}", "{\"keepInput\":1}", "{\"keepInput\":null}", "{\"requester\":5}",
        "{\"requester\":null}", "{\"inputs\":{}}", "{\"inputs\":null}", "{\"input\":null}")) {
      assertThatThrownBy(() -> Json.request(tree(bad), PredictRequest.class)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    for (String bad : List.of("{\"modelId\":5,\"recipe\":{}}", "{\"modelId\":\"m\",\"recipe\":null}")) {
      assertThatThrownBy(() -> Json.request(tree(bad), ComputeRequest.class)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode tree(String json) throws Exception {
    return Json.MAPPER.readTree(json);
  }
}
