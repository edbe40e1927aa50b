package org.veriflow.demo;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.veriflow.client.ProgressListener;
import org.veriflow.client.Responses;
import org.veriflow.client.Session;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.demo.sensors.Attacker;
import org.veriflow.demo.sensors.RoomModel;
import org.veriflow.demo.sensors.SensorSimulator;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.SignedReading;

/**
 * The demo's sensor part: an organisation's stream, two P-256 sensors in a closed room, one simulated
 * hour of the night, a seeded attack on a share of the readings, the ledger's verdicts against what
 * the attacker did, and a dataset snapshot whose export reproduces the on-chain hashes.
 */
public final class SensorDemo {
  private static final String STREAM = "room-1";
  private static final long SEED = 20261121L;

  private SensorDemo() {}

  /**
   * Runs the sensor part of the ledger tour on a node.
   *
   * @param client the node
   * @param org an active organisation's key: it creates the stream, registers the devices and forwards the readings
   * @param nodeDir the node's directory; the snapshot's export is written beside it, as {@code room-1.csv}
   * @param out where the tour's lines go
   * @throws IllegalStateException if the ledger's verdicts differ from what the attacker did
   * @throws Exception if the node refuses a step or the export does not match the chain
   */
  public static void run(VeriflowClient client, SigningKey org, Path nodeDir, PrintWriter out) throws Exception {
    RoomModel model = new RoomModel(2, RoomModel.DEFAULT_INTERVAL, Duration.ofHours(1), SEED);
    List<SensorDevice> devices = SensorDevice.generate("sensor", 2, SignatureAlgorithm.P256, new SecureRandom());
    CreateStream stream = SensorSimulator.stream(STREAM, model, SensorSimulator.DEFAULT_WINDOW);
    StreamAdmin admin = new StreamAdmin(client, org);
    admin.create(stream);
    admin.registerDevices(STREAM, devices);
    out.println("   stream " + STREAM + " (temperature, humidity; every 30 s); devices " + devices.get(0).id() + ", " + devices.get(1).id());

    List<SensorSimulator.SimulatedReading> night = SensorSimulator.simulate(model, devices, STREAM, Instant.now());
    List<SignedReading> honest = SensorSimulator.signed(night);
    Gateway gateway = new Gateway(client, org, Gateway.DEFAULT_BATCH);
    gateway.submit(STREAM, honest, ProgressListener.NONE);
    out.println("   " + honest.size() + " readings signed by their devices, forwarded by the organisation's gateway");

    Attacker.Plan plan = Attacker.plan(honest, stream.getFieldsList(), Attacker.DEFAULT_SHARE, SEED,
        SensorDevice.generate("forger", 1, SignatureAlgorithm.ED25519, new SecureRandom()).get(0),
        SensorDevice.generate("intruder", 1, SignatureAlgorithm.ED25519, new SecureRandom()).get(0));
    gateway.submit(STREAM, plan.readings(), ProgressListener.NONE);
    out.println("   the attacker sent " + plan.attacks().size() + " readings: "
        + plan.counts().entrySet().stream().map(e -> e.getKey().label() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", ")));

    Responses.StreamStats stats = client.streams().streamStats(STREAM);
    Map<String, Long> expected = new TreeMap<>();
    plan.expectedVerdicts().forEach((v, n) -> expected.put(v.name(), n.longValue()));
    out.printf(java.util.Locale.ROOT, "   %-16s %8s %8s%n", "verdict", "ledger", "expected");
    out.printf(java.util.Locale.ROOT, "   %-16s %8d %8d%n", "LEGAL", stats.totals().getOrDefault("LEGAL", 0L), (long) honest.size());
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      out.printf(java.util.Locale.ROOT, "   %-16s %8d %8d%n", e.getKey(), stats.totals().getOrDefault(e.getKey(), 0L), e.getValue());
    }
    Map<String, Long> rejected = new TreeMap<>(stats.totals());
    rejected.remove("LEGAL");
    if (!rejected.equals(expected) || stats.totals().getOrDefault("LEGAL", 0L) != honest.size()) {
      throw new IllegalStateException("the ledger's verdicts " + new TreeMap<>(stats.totals()) + " differ from what the attacker did " + expected);
    }

    long from = night.get(0).reading().getTimestampMillis();
    long to = night.get(night.size() - 1).reading().getTimestampMillis() + 1;
    Responses.TxInfo snap = new Session(client, org).submit(b -> b.snapshot(STREAM, from, to, "room-1, first hour"), true);
    Path csv = nodeDir.resolveSibling("room-1.csv");
    Responses.SnapshotExport export = client.streams().exportSnapshot(snap.id(), csv);
    out.println("   snapshot " + snap.id() + ": " + export.rows() + " legal readings; export " + csv);
    out.println("   verified: the export's SHA-256 " + export.csvSha256().substring(0, 16) + "... and readings root "
        + export.readingsRoot().substring(0, 16) + "... match the chain");
  }
}
