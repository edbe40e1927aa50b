package org.veriflow.it;

import org.veriflow.cli.NodeSetup;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.models.Models;
import org.veriflow.contracts.SystemContracts;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.demo.sensors.RoomModel;
import org.veriflow.demo.sensors.SensorSimulator;
import org.veriflow.ledger.BlockRecord;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.store.rocksdb.RocksDbStore;
import org.veriflow.ml.recipe.Recipe;
import org.veriflow.ml.recipe.RecipeRunner;
import org.veriflow.ml.tensor.Parallelism;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.NodeConfig;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.models.Attest;
import org.veriflow.protocol.proto.models.DatasetRef;
import org.veriflow.protocol.proto.models.RegisterModel;

/**
 * The verifier attests every model exactly once, whatever happens to its node: a node in its own
 * JVM is given four models whose replays take seconds each (three honest, one with a forged
 * artifact) and is killed with SIGKILL three times, at different moments: in the middle of a replay,
 * right after an attestation became durable, and in the middle of a later replay. After the last
 * restart every model has exactly one attestation by the node, and the chain holds exactly one
 * {@code models.attest} transaction per model.
 */
class VerifierRestartIT {
  private static final String CHAIN = "veriflow-verifier-restart";
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  /** About three seconds of training on one engine thread of a small machine. */
  private static final int EPOCHS = 1200;
  private static final Pattern REPLAYING = Pattern.compile("replaying model ([a-z0-9-]+) \\((\\d+) rows\\)");
  private static final Pattern PROGRESS = Pattern.compile("model ([a-z0-9-]+): epoch (\\d+)/(\\d+)");
  private static final Pattern ATTESTED = Pattern.compile("model ([a-z0-9-]+): attestation committed at height (\\d+)");

  @TempDir Path tmp;

  @Test
  void kill9_duringAndBetweenReplays_everyModelAttestedExactlyOnce() throws Exception {
    long started = System.nanoTime();
    Path dir = tmp.resolve("node");
    NodeSetup.Result setup = NodeSetup.init(dir, CHAIN, 0, SignatureAlgorithm.ED25519, Instant.parse("2026-01-01T00:00:00Z"), NodeSetup.Transport.INSECURE);
    // One engine thread: the replays are slow enough to be caught in the middle, and the test keeps a core.
    Files.writeString(dir.resolve(NodeConfig.FILE_NAME), NodeConfig.VERIFIER_THREADS.name() + "=1\n", StandardOpenOption.APPEND);
    String validator = setup.node().id().value();
    int port = LoopbackPorts.free();
    Path log = tmp.resolve("node.log");
    VeriflowClient client = new VeriflowClient(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(10));

    Map<String, String> artifacts = new TreeMap<>();
    int kills = 0;
    NodeProcess node = NodeProcess.start(dir, port, log, DEADLINE);
    try {
      long offset = 0;
      SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
      assertThat(client.submit(new TransactionBuilder(CHAIN, setup.admin(), 0, 1_000_000)
          .registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()), true).committed()).isTrue();
      RoomModel room = new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(4), 7L);
      List<SensorDevice> devices = SensorDevice.generate("sensor", 2, SignatureAlgorithm.ED25519, new SecureRandom());
      List<SensorSimulator.SimulatedReading> night = SensorSimulator.simulate(room, devices, "room", Instant.now());
      StreamAdmin admin = new StreamAdmin(client, org);
      admin.create(SensorSimulator.stream("room", room, SensorSimulator.DEFAULT_WINDOW));
      admin.registerDevices("room", devices);
      new Gateway(client, org, 100).submit("room", SensorSimulator.signed(night), ProgressListener.NONE);
      TransactionBuilder orgTx = new TransactionBuilder(CHAIN, org, client.account(org.id().value()).nonce(), 1_000_000);
      Responses.Snapshot snap = client.streams().snapshot(client.submit(orgTx.snapshot("room", Long.MIN_VALUE, Long.MAX_VALUE, "four hours"), true).id());
      Path csvFile = tmp.resolve("snapshot.csv");
      client.streams().exportSnapshot(snap.snapshotId(), csvFile);
      byte[] csv = Files.readAllBytes(csvFile);

      // Two recipes, trained here to know the honest artifacts; three honest models and a forged one.
      Recipe seed1 = recipe(snap, 1);
      Recipe seed2 = recipe(snap, 2);
      Hash artifact1 = train(seed1, csv);
      Hash artifact2 = train(seed2, csv);
      Hash forged = Hash.sha256("a model that was never trained".getBytes(StandardCharsets.UTF_8));
      register(client, orgTx, "alpha", seed1, snap, artifact1, artifacts);
      register(client, orgTx, "beta", seed2, snap, artifact2, artifacts);
      register(client, orgTx, "gamma", seed1, snap, artifact1, artifacts);
      register(client, orgTx, "forged", seed2, snap, forged, artifacts);

      // Kill 1: in the middle of the first replay, once it has reported progress.
      awaitLog(log, offset, PROGRESS, 1, "a replay in progress");
      node.kill();
      kills++;

      // Kill 2: as soon as an attestation is durable (the next replay has at most just begun).
      offset = Files.size(log);
      node = NodeProcess.start(dir, port, log, DEADLINE);
      awaitLog(log, offset, ATTESTED, 1, "an attestation after the first restart");
      node.kill();
      kills++;

      // Kill 3: in the middle of a later replay, at about a third of its epochs.
      offset = Files.size(log);
      node = NodeProcess.start(dir, port, log, DEADLINE);
      awaitLog(log, offset, PROGRESS, 3, "a replay a third of the way after the second restart");
      node.kill();
      kills++;

      offset = Files.size(log);
      node = NodeProcess.start(dir, port, log, DEADLINE);
      long end = System.nanoTime() + DEADLINE.toNanos();
      // The height first, then the models: an attestation committed after it wakes the long-poll.
      for (long next = client.latestBlock().height() + 1;
          artifacts.keySet().stream().anyMatch(id -> client.models().model(id).attestations().isEmpty());
          next = client.latestBlock().height() + 1) {
        if (System.nanoTime() > end) {
          throw new AssertionError("not every model attested within " + DEADLINE + "; log:\n" + Files.readString(log));
        }
        client.awaitBlock(next, Duration.ofSeconds(5));
      }
      for (String id : artifacts.keySet()) {
        Responses.Model m = client.models().model(id);
        assertThat(m.attestations()).as("attestations of %s", id).singleElement().satisfies(a -> {
          assertThat(a.validator()).isEqualTo(validator);
          assertThat(a.match()).isEqualTo(!id.equals("forged"));
        });
        assertThat(m.stage()).as("stage of %s", id).isEqualTo(id.equals("forged") ? "REJECTED" : "VERIFIED");
      }
    } finally {
      node.close();
    }

    // The chain itself: exactly one models.attest per model, committed, signed by the node.
    Map<String, List<String>> attestTxs = new TreeMap<>();
    GenesisSpec genesis = GenesisFile.read(dir.resolve("genesis.json"));
    SystemContracts contracts = new SystemContracts();
    try (Ledger ledger = Ledger.open(RocksDbStore.open(dir.resolve("data")), contracts.registry(), contracts.identities(), genesis.toState())) {
      for (long h = 1; h <= ledger.head().height(); h++) {
        BlockRecord block = ledger.block(h).orElseThrow();
        List<TxResult> results = ledger.results(h);
        for (int i = 0; i < block.transactions().size(); i++) {
          SignedTx tx = block.transactions().get(i);
          TxPayload payload = TxPayload.parseFrom(tx.getPayload());
          if (payload.getContract().equals(Models.NAME) && payload.getMethod().equals("attest")) {
            Attest attest = Attest.parseFrom(payload.getArguments());
            assertThat(results.get(i).getStatus()).as("attestation of %s at height %d: %s", attest.getModelId(), h, results.get(i).getMessage())
                .isEqualTo(TxStatus.COMMITTED);
            assertThat(payload.getSenderKey().toByteArray()).isEqualTo(setup.node().publicKey().encoded());
            attestTxs.computeIfAbsent(attest.getModelId(), k -> new ArrayList<>()).add("height " + h);
          }
        }
      }
    }
    assertThat(attestTxs.keySet()).containsExactlyElementsOf(artifacts.keySet());
    assertThat(attestTxs).allSatisfy((id, txs) -> assertThat(txs).as("models.attest transactions of %s", id).hasSize(1));

    // The kills did interrupt replays: more replays started than there are models.
    String all = Files.readString(log);
    int replaysStarted = count(REPLAYING, all);
    assertThat(replaysStarted).as("replays started across %d kills", kills).isGreaterThan(artifacts.size());
    assertThat(kills).isGreaterThanOrEqualTo(3);
    System.out.printf("verifier restart test: %d kills with SIGKILL, %d replays started for %d models, one attestation each, %.1f s%n",
        kills, replaysStarted, artifacts.size(), (System.nanoTime() - started) / 1e9);
  }

  private static Recipe recipe(Responses.Snapshot snap, long seed) {
    return Recipe.parse("{\"format\":\"veriflow-recipe/1\",\"engineVersion\":\"veriflow-ml/0.1.0\","
        + "\"data\":{\"reference\":\"" + snap.snapshotId() + "\",\"sha256\":\"" + snap.csvSha256() + "\"},"
        + "\"features\":[\"temperature\"],\"label\":\"humidity\",\"split\":{\"kind\":\"random\",\"validation\":0.2,\"test\":0},"
        + "\"algorithm\":\"mlp-regressor\",\"hyperParameters\":{\"epochs\":" + EPOCHS + ",\"hiddenLayers\":[32,32]},\"seed\":" + seed + "}");
  }

  private static Hash train(Recipe recipe, byte[] csv) {
    try (Parallelism threads = Parallelism.allProcessors()) {
      return Hash.of(RecipeRunner.run(recipe, csv, threads, (e, max) -> { }).modelHash().bytes());
    }
  }

  private static void register(VeriflowClient client, TransactionBuilder orgTx, String id, Recipe recipe, Responses.Snapshot snap, Hash artifact,
      Map<String, String> registered) {
    byte[] bytes = recipe.canonicalBytes();
    Responses.TxInfo info = client.submit(orgTx.registerModel(RegisterModel.newBuilder().setModelId(id)
        .setRecipe(ByteString.copyFrom(bytes)).setRecipeSha256(ByteString.copyFrom(Hash.sha256(bytes).bytes()))
        .addDatasets(DatasetRef.newBuilder().setSnapshotId(snap.snapshotId()).setCsvSha256(ByteString.copyFrom(Hex.decode(snap.csvSha256())))
            .setReadingsRoot(ByteString.copyFrom(Hex.decode(snap.readingsRoot()))))
        .setArtifactSha256(ByteString.copyFrom(artifact.bytes()))
        .setLossCurveSha256(ByteString.copyFrom(Hash.sha256(new byte[0]).bytes())).setEngineVersion(recipe.engineVersion()).build()), true);
    assertThat(info.committed()).as("%s: %s", info.code(), info.message()).isTrue();
    registered.put(id, artifact.hex());
  }

  /** Waits until the log, from {@code offset}, holds {@code n} lines matching {@code pattern}. */
  private static void awaitLog(Path log, long offset, Pattern pattern, int n, String what) throws IOException, InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (count(pattern, readFrom(log, offset)) < n) {
      if (System.nanoTime() > end) {
        throw new AssertionError("no " + what + " within " + DEADLINE + "; log:\n" + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  private static String readFrom(Path log, long offset) throws IOException {
    try (InputStream in = Files.newInputStream(log)) {
      in.skipNBytes(offset);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static int count(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
