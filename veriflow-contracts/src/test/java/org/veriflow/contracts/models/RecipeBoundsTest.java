package org.veriflow.contracts.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.TestChain;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.ledger.GenesisState;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.RegisterModel;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.SnapshotRecord;

/**
 * Recipes are bounded when a model is registered, tried as it was found: a recipe of a million
 * epochs and one of two hidden layers of 2^20 units are refused at admission; a recipe within those
 * bounds whose cost on its snapshot's rows passes the chain's genesis limit fails with {@code
 * RECIPE_TOO_COSTLY}; nothing is registered either way.
 */
class RecipeBoundsTest {
  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey TRAINER = TestChain.key(12);
  private static final SigningKey DEVICE = TestChain.key(40);
  private static final String ROOM = "room-1";

  private TestChain chain;
  private SnapshotRecord snapshot;

  private void open(GenesisSpec genesis) throws InvalidProtocolBufferException {
    chain = TestChain.openWithModels(genesis);
    chain.commit(TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"));
    chain.commit(
        TestChain.register(ORG, 0, TRAINER.publicKey(), IdentityKind.MEMBER, "trainer"),
        TestChain.createStream(ORG, 1, TestChain.roomStream(ROOM, 0)));
    chain.commit(TestChain.registerDevice(ORG, 2, ROOM, DEVICE.publicKey(), "sensor"));
    List<SignedReading> readings = List.of(
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 1, 0, 21.5, 40.0)),
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 2, 30_000, 21.75, 40.5)),
        TestChain.signed(DEVICE, TestChain.reading(ROOM, DEVICE, 3, 60_000, 22.0, 41.0)));
    chain.commit(TestChain.submit(TRAINER, 0, ROOM, readings));
    TxResult s = chain.commitResults(TestChain.snapshot(TRAINER, 1, ROOM, 0, 100_000, "week 1")).get(0);
    snapshot = SnapshotRecord.parseFrom(s.getOutput());
    assertThat(snapshot.getRowCount()).isEqualTo(3);
  }

  @AfterEach
  void close() {
    if (chain != null) {
      chain.close();
    }
  }

  private byte[] recipe(String hyperParameters) {
    return ("{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"veriflow-ml/0.1.0\",\"data\":{\"reference\":\"" + snapshot.getSnapshotId()
        + "\",\"sha256\":\"" + Hex.encode(snapshot.getCsvSha256().toByteArray()) + "\"},\"features\":[\"temperature\"],\"label\":\"humidity\","
        + "\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},\"algorithm\":\"mlp-regressor\",\"hyperParameters\":" + hyperParameters
        + ",\"seed\":5}").getBytes(StandardCharsets.UTF_8);
  }

  private byte[] register(String modelId, byte[] recipe) {
    RegisterModel m = RegisterModel.newBuilder().setModelId(modelId).setRecipe(ByteString.copyFrom(recipe))
        .setRecipeSha256(ByteString.copyFrom(Hash.sha256(recipe).bytes()))
        .addDatasets(DatasetRef.newBuilder().setSnapshotId(snapshot.getSnapshotId()).setCsvSha256(snapshot.getCsvSha256())
            .setReadingsRoot(snapshot.getReadingsRoot()))
        .setArtifactSha256(ByteString.copyFrom(Hash.sha256(new byte[] {1}).bytes()))
        .setLossCurveSha256(ByteString.copyFrom(Hash.sha256(new byte[] {2}).bytes()))
        .setEngineVersion("veriflow-ml/0.1.0").build();
    return TestChain.models(TRAINER, chain.nextNonce(TRAINER), "register", m);
  }

  private boolean registered(String modelId) {
    return Models.find(chain.ledger.state(Models.NAME), modelId).isPresent();
  }

  @Test
  void register_millionEpochs_refusedAtAdmissionAndNothingRegistered() throws Exception {
    open(TestChain.spec(TestChain.STREAMS_MAX_TX_BYTES));
    Rejection r = chain.rejected(register("slow", recipe("{\"epochs\":1000000,\"hiddenLayers\":[64,64]}")), RejectionCode.BAD_ARGUMENTS);
    assertThat(r.message()).contains("1000000 epochs");
    assertThat(registered("slow")).isFalse();
  }

  @Test
  void register_twoLayersOfTwoToTheTwentyUnits_refusedAtAdmissionAndNothingRegistered() throws Exception {
    open(TestChain.spec(TestChain.STREAMS_MAX_TX_BYTES));
    Rejection r = chain.rejected(register("huge", recipe("{\"epochs\":1,\"hiddenLayers\":[1048576,1048576]}")), RejectionCode.BAD_ARGUMENTS);
    assertThat(r.message()).contains("1048576 units");
    assertThat(registered("huge")).isFalse();
  }

  @Test
  void register_tooManyHiddenLayers_refusedAtAdmission() throws Exception {
    open(TestChain.spec(TestChain.STREAMS_MAX_TX_BYTES));
    String layers = "[" + "2,".repeat(org.veriflow.protocol.Limits.RECIPE_MAX_HIDDEN_LAYERS) + "2]";
    chain.rejected(register("deep", recipe("{\"epochs\":1,\"hiddenLayers\":" + layers + "}")), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void register_costAboveGenesisLimit_recipeTooCostlyAndNothingRegisteredButCheaperOneRegisters() throws Exception {
    // One feature, one hidden layer of 8 units, one output: (1+1)*8 + (8+1)*1 = 25 parameters; 3 rows.
    GenesisSpec base = TestChain.spec(TestChain.STREAMS_MAX_TX_BYTES);
    open(new GenesisSpec(base.chainId(), base.timestampMillis(), base.maxTxBytes(), base.requiredAttestations(),
        base.administrators(), base.validators(), base.balances(), 25 * 3 * 10));
    assertThat(Models.maxRecipeCost(chain.ledger.state(Models.NAME))).isEqualTo(750);

    byte[] costly = register("costly", recipe("{\"epochs\":11,\"hiddenLayers\":[8]}"));
    TxResult failed = chain.commitResults(costly).get(0);
    TestChain.assertFailed(failed, "RECIPE_TOO_COSTLY");
    assertThat(failed.getMessage()).contains("825").contains("750");
    assertThat(registered("costly")).isFalse();

    TxResult ok = chain.commitResults(register("cheap", recipe("{\"epochs\":10,\"hiddenLayers\":[8]}"))).get(0);
    assertThat(ok.getStatus()).as("result %s", ok).isEqualTo(TxStatus.COMMITTED);
    assertThat(registered("cheap")).isTrue();
  }

  @Test
  void genesis_defaultRecipeCost_notWrittenSoBlockZeroUnchanged() {
    GenesisSpec base = TestChain.spec();
    GenesisState defaults = base.toState();
    GenesisState explicitDefault = new GenesisSpec(base.chainId(), base.timestampMillis(), base.maxTxBytes(), 1,
        base.administrators(), base.validators(), base.balances(), Models.DEFAULT_MAX_RECIPE_COST).toState();
    GenesisState other = new GenesisSpec(base.chainId(), base.timestampMillis(), base.maxTxBytes(), 1,
        base.administrators(), base.validators(), base.balances(), 1_000).toState();
    assertThat(explicitDefault.writes()).hasSameSizeAs(defaults.writes());
    assertThat(other.writes()).hasSize(defaults.writes().size() + 1);
  }
}
