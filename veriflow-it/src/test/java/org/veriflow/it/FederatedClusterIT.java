package org.veriflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.cli.Veriflow;
import org.veriflow.client.KeyFiles;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.federated.DatasetSource;
import org.veriflow.client.federated.FederatedClient;
import org.veriflow.client.federated.Round;
import org.veriflow.client.federated.RoundAttestation;
import org.veriflow.client.federated.Task;
import org.veriflow.client.federated.TaskParticipant;
import org.veriflow.client.federated.TaskSpec;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.demo.federated.Office;
import org.veriflow.demo.federated.OfficeFields;
import org.veriflow.demo.federated.OfficeModel;
import org.veriflow.demo.federated.OfficeStreams;
import org.veriflow.demo.federated.OccupancyRecipe;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.fl.AggregationRule;
import org.veriflow.protocol.proto.fl.RoundStatus;
import org.veriflow.protocol.proto.fl.TaskStatus;

/**
 * Federated learning across a three-node Raft cluster, every party in its own JVM: three
 * organisations each run {@code veriflow fl run} as a separate process against a different node;
 * node1's key aggregates every round, and the verifiers of node2 and node3, other identities,
 * recompute and attest it. The task must complete with every round verified by validators other than
 * the aggregator, and pay its pool.
 */
class FederatedClusterIT {
  private static final Duration DEADLINE = Duration.ofMinutes(6);
  private static final int ORGS = 3;
  private static final int ROUNDS = 2;
  private static final String TASK = "occupancy-cluster";

  @TempDir Path tmp;

  @Test
  void threeOrganisationsOnThreeNodes_separateProcesses_everyRoundAttestedByOtherValidators() throws Exception {
    try (LocalCluster cluster = LocalCluster.init(tmp.resolve("cluster"), 3, Map.of())) {
      cluster.startAll();
      SigningKey admin = cluster.admin();
      SigningKey node1 = KeyPem.decodePrivate(Files.readString(tmp.resolve("cluster/node1/keys/node.key")));
      String aggregator = node1.id().value();
      VeriflowClient client = cluster.client(0);

      SigningKey coordinator = SigningKey.generate(SignatureAlgorithm.ED25519);
      expect(new Session(client, admin).submit(b -> b.registerIdentity(coordinator.publicKey(), IdentityKind.ORGANISATION, "Coordinator", List.of()), true));
      expect(new Session(client, admin).submit(b -> b.transfer(coordinator.id().value(), 900, "reward pool"), true));

      // Each organisation's office stream, signed by its devices, snapshotted and exported by the organisation itself.
      List<Office> offices = Office.scenario();
      Instant end = Instant.now();
      List<SigningKey> orgs = new ArrayList<>();
      List<String> snapshots = new ArrayList<>();
      List<Path> csvs = new ArrayList<>();
      for (int i = 0; i <= ORGS; i++) {
        SigningKey org = i < ORGS ? SigningKey.generate(SignatureAlgorithm.ED25519) : coordinator;
        if (i < ORGS) {
          String name = "Organisation " + (i + 1);
          expect(new Session(client, admin).submit(b -> b.registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, name, List.of()), true));
          orgs.add(org);
        }
        // The coordinator's office (the last) is the validation snapshot.
        Office office = i < ORGS ? offices.get(i) : offices.get(5);
        String stream = "office-" + (i + 1);
        OfficeModel model = new OfficeModel(office, 2, Duration.ofMinutes(30), 1, 100 + i);
        List<SensorDevice> devices = SensorDevice.generate(stream, 2, SignatureAlgorithm.P256, new SecureRandom());
        VeriflowClient own = cluster.client(i % ORGS);
        StreamAdmin streams = new StreamAdmin(own, org);
        streams.create(OfficeFields.stream(stream, office, Duration.ofMinutes(30), Duration.ofDays(2)));
        streams.registerDevices(stream, devices);
        new Gateway(own, org, Gateway.DEFAULT_BATCH).submit(stream, OfficeStreams.sign(model, devices, stream, end), ProgressListener.NONE);
        String snapshot = expect(new Session(own, org).submit(b -> b.snapshot(stream, Long.MIN_VALUE, Long.MAX_VALUE, office.name()), true)).id();
        Path csv = tmp.resolve(stream + ".csv");
        own.streams().exportSnapshot(snapshot, csv);
        snapshots.add(snapshot);
        csvs.add(csv);
      }

      FederatedRecipe recipe = OccupancyRecipe.of(Files.readAllBytes(csvs.get(ORGS)), 1, 7);
      TaskSpec.Builder spec = TaskSpec.builder(TASK).recipe(recipe).rounds(ROUNDS).roundBlocks(500).minParticipants(ORGS).maxParticipants(ORGS)
          .rule(AggregationRule.FEDAVG).validation(DatasetSource.snapshot(snapshots.get(ORGS))).rewardPool(900).aggregator(aggregator)
          .modelId(TASK + "-model");
      orgs.forEach(o -> spec.allowIdentity(o.id().value()));
      FederatedClient fl = new FederatedClient(client);
      expect(fl.createTask(new Session(client, coordinator), spec.build()));
      for (int i = 0; i < ORGS; i++) {
        expect(fl.join(new Session(cluster.client(i), orgs.get(i)), TASK, DatasetSource.snapshot(snapshots.get(i))));
      }
      expect(fl.start(new Session(client, coordinator), TASK));

      // Three participants, three JVMs, three nodes.
      List<Process> participants = new ArrayList<>();
      for (int i = 0; i < ORGS; i++) {
        Path key = tmp.resolve("org" + (i + 1) + ".key");
        KeyFiles.write(key, orgs.get(i));
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp", NodeProcess.classpath(),
            Veriflow.class.getName(), "fl", "run", "--node", cluster.client(i).base().toString(), "--key", key.toString(), "--task", TASK,
            "--data", csvs.get(i).toString(), "--work", tmp.resolve("work" + (i + 1)).toString());
        participants.add(new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("participant" + (i + 1) + ".log").toFile())).start());
      }
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      for (int i = 0; i < ORGS; i++) {
        Process p = participants.get(i);
        boolean exited = p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (!exited) {
          participants.forEach(Process::destroyForcibly);
        }
        assertThat(exited).as("participant %d finished; its log:%n%s%nnode1's log:%n%s", i + 1,
            Files.readString(tmp.resolve("participant" + (i + 1) + ".log")), tail(cluster.log(0))).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("participant" + (i + 1) + ".log"))).isZero();
      }

      cluster.awaitSameHead(Duration.ofSeconds(60));
      for (int n = 0; n < 3; n++) {
        Task task = new FederatedClient(cluster.client(n)).task(TASK);
        assertThat(task.status()).as("node%d's view", n + 1).isEqualTo(TaskStatus.COMPLETED);
        long paid = task.participants().stream().mapToLong(TaskParticipant::reward).sum();
        assertThat(paid + task.refunded()).isEqualTo(900);
      }
      List<Round> rounds = fl.rounds(TASK);
      assertThat(rounds).hasSize(ROUNDS);
      for (Round r : rounds) {
        assertThat(r.status()).isEqualTo(RoundStatus.VERIFIED);
        assertThat(r.result()).isPresent();
        assertThat(r.result().get().accepted()).hasSize(ORGS);
        List<RoundAttestation> matching = r.attestations().stream().filter(RoundAttestation::match).toList();
        assertThat(matching).as("round %d", r.round()).isNotEmpty();
        assertThat(matching).extracting(RoundAttestation::validator).doesNotContain(aggregator);
      }
      assertThat(Files.readString(tmp.resolve("participant1.log"))).contains("round 1").contains("round " + ROUNDS);
    }
  }

  private static Responses.TxInfo expect(Responses.TxInfo info) {
    assertThat(info.committed()).as("%s %s %s", info.status(), info.code().orElse(""), info.message().orElse("")).isTrue();
    return info;
  }

  private static String tail(Path log) throws java.io.IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    String s = Files.readString(log);
    return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
  }
}
