package org.veriflow.node.service;

import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.node.GenesisFile;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.Responses;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.models.Models;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.datasets.ColumnSpec;
import org.veriflow.protocol.proto.datasets.Policy;
import org.veriflow.protocol.proto.datasets.PublishDataset;
import org.veriflow.protocol.proto.datasets.QualitySummary;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.ModelRecord;
import org.veriflow.protocol.proto.models.ModelStage;
import org.veriflow.protocol.proto.models.RegisterModel;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.ml.EngineVersion;
import org.veriflow.ml.recipe.Recipe;

/**
 * The verifier and models trained on a datasets-contract version: a node that is not the version's
 * custodian cannot decrypt the data, so it skips such a model and attests nothing (no failure).
 */
class VerifierCustodyTest {
  private static final String CHAIN = "veriflow-custody";
  private static final long T0 = 1_700_000_000_000L;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final SigningKey admin = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final SigningKey nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);
  /** Another validator, the custodian of the dataset; its node is not running here. */
  private final SigningKey custodian = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);

  private Node start() throws Exception {
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/node.key"), KeyPem.encodePrivate(nodeKey));
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), 1_000_000L);
    GenesisFile.write(dir.resolve("genesis.json"), new GenesisSpec(CHAIN, T0, 1024 * 1024,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())),
        List.of(new GenesisSpec.Member("node1", nodeKey.publicKey()), new GenesisSpec.Member("node2", custodian.publicKey())), balances));
    NodeConfig.write(dir, Map.of(NodeConfig.HTTP_PORT.name(), "0", NodeConfig.HTTP_INSECURE.name(), "true", NodeConfig.OPS_PORT.name(), "0", NodeConfig.VERIFIER_THREADS.name(), "2"));
    return Node.start(NodeConfig.load(dir, Map.of(), Map.of(NodeConfig.VERIFIER_ENABLED.name(), "true")), Clock.systemUTC(), e -> { });
  }

  private static TransactionBuilder tx(VeriflowClient client, SigningKey key) {
    return new TransactionBuilder(CHAIN, key, client.account(key.id().value()).nonce(), 10_000);
  }

  private static void committed(VeriflowClient client, org.veriflow.client.SignedTransaction tx) {
    Responses.TxInfo info = client.submit(tx, true);
    assertThat(info.committed()).as("%s: %s %s", info.status(), info.code(), info.message()).isTrue();
  }

  private static RegisterModel model(String id, byte[] recipe, Hash plaintext) {
    return RegisterModel.newBuilder().setModelId(id).setRecipe(ByteString.copyFrom(recipe))
        .setRecipeSha256(ByteString.copyFrom(Hash.sha256(recipe).bytes()))
        .addDatasets(DatasetRef.newBuilder().setDatasetId("room").setDatasetVersion(1).setCsvSha256(ByteString.copyFrom(plaintext.bytes())))
        .setArtifactSha256(ByteString.copyFrom(Hash.sha256(new byte[] {1}).bytes()))
        .setLossCurveSha256(ByteString.copyFrom(Hash.sha256(new byte[0]).bytes()))
        .setEngineVersion(EngineVersion.CURRENT).build();
  }

  /** Returns once {@code model} has an attestation on chain: checked now and at every commit after. */
  private static void awaitAttested(Node node, String model) throws Exception {
    CompletableFuture<Void> attested = new CompletableFuture<>();
    Runnable check = () -> {
      if (Models.find(node.ledger().state(Models.NAME), model).orElseThrow().getAttestationsCount() > 0) {
        attested.complete(null);
      }
    };
    node.ledger().onCommit(b -> check.run());
    check.run();
    attested.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }


  private static String metrics(Node node) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void verifier_modelOnAnotherCustodiansDataset_skippedWithoutAttestation() throws Exception {
    try (Node node = start()) {
      VeriflowClient client = new VeriflowClient(URI.create("http://127.0.0.1:" + node.httpPort()));
      EncryptionKeyPair custodianEnc = EncryptionKeyPair.generate();
      committed(client, tx(client, custodian).setEncryptionKey(custodianEnc.publicKey()));
      custodianEnc.destroy();
      committed(client, tx(client, admin).registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()));
      Hash plaintext = Hash.sha256("temperature,humidity\n21.5,40\n".getBytes(StandardCharsets.UTF_8));
      committed(client, tx(client, org).publishDataset(PublishDataset.newBuilder().setDatasetId("room").setVersion(1).setTitle("Room")
          .addSchema(ColumnSpec.newBuilder().setName("temperature").setType("float64"))
          .addSchema(ColumnSpec.newBuilder().setName("humidity").setType("float64"))
          .setLicence("CC-BY-4.0").setPolicy(Policy.newBuilder().addPurposes("compute-only").setAutoGrant(true))
          .setPlaintextSha256(ByteString.copyFrom(plaintext.bytes()))
          .setCiphertextSha256(ByteString.copyFrom(Hash.sha256(new byte[] {7}).bytes())).setPlaintextBytes(29).setCiphertextBytes(80)
          .setCustodian(custodian.id().value()).setCustodyKey(ByteString.copyFrom(new byte[] {1, 2, 3}))
          .setQuality(QualitySummary.newBuilder().setRows(1).setColumns(2))
          .setQualityReportSha256(ByteString.copyFrom(Hash.sha256(new byte[] {8}).bytes())).build()));
      byte[] recipe = Recipe.parse("{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"" + EngineVersion.CURRENT + "\","
          + "\"data\":{\"reference\":\"dataset:room/1\",\"sha256\":\"" + plaintext.hex() + "\"},"
          + "\"features\":[\"temperature\"],\"label\":\"humidity\",\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},"
          + "\"algorithm\":\"mlp-regressor\",\"hyperParameters\":{\"epochs\":2,\"hiddenLayers\":[4]},\"seed\":5}")
          .canonicalBytes();
      committed(client, tx(client, org).registerModel(model("custodian-only", recipe, plaintext)));
      // A later model the node can judge without the data (its recipe does not parse): once it is
      // attested and the verifier holds nothing, the first one was looked at too.
      committed(client, tx(client, org).registerModel(model("no-recipe", "{}".getBytes(StandardCharsets.UTF_8), plaintext)));

      awaitAttested(node, "no-recipe");
      assertThat(node.verifierIdle(DEADLINE)).as("the verifier holds no model within %s", DEADLINE).isTrue();
      assertThat(metrics(node)).contains("veriflow_verifier_pending 0.0");

      ModelRecord skipped = Models.find(node.ledger().state(Models.NAME), "custodian-only").orElseThrow();
      assertThat(skipped.getAttestationsList()).isEmpty();
      assertThat(skipped.getStage()).isEqualTo(ModelStage.REGISTERED);
      assertThat(metrics(node)).contains("veriflow_verifier_replays_total{outcome=\"failed\"} 1.0");
    }
  }
}
