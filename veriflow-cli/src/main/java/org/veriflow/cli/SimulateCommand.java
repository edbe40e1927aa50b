package org.veriflow.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.demo.sensors.Attacker;
import org.veriflow.demo.sensors.RoomModel;
import org.veriflow.demo.sensors.SensorFields;
import org.veriflow.demo.sensors.SensorFiles;
import org.veriflow.demo.sensors.SensorSimulator;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.Verdict;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "simulate", description = "Simulated sensors, and attacks on their readings.",
    subcommands = {SimulateCommand.Sensors.class, SimulateCommand.Attack.class})
final class SimulateCommand {
  /** The stream id the readings are signed for when no --stream is given (files only). */
  static final String OFFLINE_STREAM = "room-night";

  @Command(name = "sensors", description = {
      "Simulate devices in a closed room cooling from about 31 to 24 °C between 00:00 and 07:00, relative humidity rising "
          + "as it cools (Magnus formula), each device with its own key, bias, drift and noise; the devices sign their readings.",
      "Time is accelerated: the night is generated at once and stamped so that it ends now, so the stream's time window "
          + "must cover --hours plus the submission (default 8 h for 7 h).",
      "Writes --out DIR: keys/device-N.key, devices.csv, stream.pb, truth.csv, signed-readings.pb.",
      "With --stream, also creates the stream with --key (an organisation), registers the devices and submits the "
          + "readings in batches with the same key as gateway. Without it, only writes the files (readings signed for "
          + "stream '" + OFFLINE_STREAM + "')."})
  static final class Sensors implements Callable<Integer> {
    /**
     * The JSON result.
     *
     * @param streamId the stream the readings are signed for
     * @param out the directory written
     * @param devices the simulated devices
     * @param readings readings signed
     * @param submitted whether they were submitted (with --stream)
     * @param streamTransaction the stream's creation, or null
     * @param transactions batch transactions sent
     */
    record Simulated(String streamId, String out, List<Device> devices, long readings, boolean submitted, String streamTransaction, int transactions) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--devices", defaultValue = "2", paramLabel = "N", description = "Number of devices (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--interval-s", defaultValue = "30", paramLabel = "S", description = "Seconds between two readings of a device (default: ${DEFAULT-VALUE}).")
    long intervalSeconds;

    @Option(names = "--hours", defaultValue = "7", paramLabel = "H", description = "Simulated hours from 00:00 (default: ${DEFAULT-VALUE}).")
    double hours;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the room and the devices' errors (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--key-type", defaultValue = "ed25519", paramLabel = "TYPE", description = "Device keys: ed25519 or p256 (default: ${DEFAULT-VALUE}).")
    String keyType;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory; must be new or empty.")
    Path out;

    @Option(names = "--stream", paramLabel = "ID", description = "Create this stream and submit the readings to it.")
    String stream;

    @Option(names = "--batch", defaultValue = "100", paramLabel = "N", description = "Readings per transaction (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--window-ms", defaultValue = "28800000", paramLabel = "MS",
        description = "The stream's time window; 0 disables the time check (default: ${DEFAULT-VALUE}, 8 h).")
    long windowMillis;

    @Override
    public Integer call() {
      // With --output json the narrative is diagnostics, on standard error; the result is one object.
      PrintWriter o = output.json() ? spec.commandLine().getErr() : spec.commandLine().getOut();
      SignatureAlgorithm algorithm = Veriflow.keyType(spec, keyType);
      if (devices < 1 || intervalSeconds < 1 || !(hours > 0) || hours > 24 * 365 || batch < 1 || windowMillis < 0) {
        throw usage("--devices, --interval-s and --batch must be at least 1, --hours positive (at most a year) and --window-ms not negative");
      }
      String streamId = stream == null ? OFFLINE_STREAM : stream;
      RoomModel model;
      CreateStream create;
      try {
        SensorFields.requireStreamId(streamId);
        model = new RoomModel(devices, Duration.ofSeconds(intervalSeconds), Duration.ofMillis(Math.round(hours * 3_600_000)), seed);
        create = SensorSimulator.stream(streamId, model, Duration.ofMillis(windowMillis));
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
      SigningKey organisation = stream == null ? null : options.signingKey();

      List<SensorDevice> keys = SensorDevice.generate("device-", devices, algorithm, new SecureRandom());
      Instant end = Clock.systemUTC().instant();
      List<SensorSimulator.SimulatedReading> readings = SensorSimulator.simulate(model, keys, streamId, end);
      SensorSimulator.write(out, model, keys, create, readings);

      o.printf(Locale.ROOT, "simulated %d %s devices, %d readings each, every %d s from %s to %s (seed %d)%n", devices, algorithm.label(),
          model.steps(), intervalSeconds, SensorFiles.time(readings.get(0).reading().getTimestampMillis()),
          SensorFiles.time(end.toEpochMilli()), seed);
      for (RoomModel.Device d : model.devices()) {
        o.printf(Locale.ROOT, "  %-10s %s  bias %+.2f °C %+.2f %%RH, drift %+.3f °C/h %+.3f %%RH/h%n", keys.get(d.index()).name(),
            keys.get(d.index()).id(), d.temperatureBias(), d.humidityBias(), d.temperatureDriftPerHour(), d.humidityDriftPerHour());
      }
      o.printf(Locale.ROOT, "wrote %s: %d signed readings in %s, truth in %s, device keys in %s/%n", out, readings.size(),
          SensorFiles.SIGNED_READINGS, SensorFiles.TRUTH_CSV, SensorFiles.KEYS_DIR);
      List<Device> written = keys.stream().map(k -> new Device(k.name(), k.id())).toList();
      if (stream == null) {
        o.println("no --stream given: nothing submitted");
        output.printJson(spec.commandLine().getOut(), new Simulated(streamId, out.toString(), written, readings.size(), false, null, 0));
        return Veriflow.OK;
      }

      VeriflowClient client = options.client();
      StreamAdmin admin = new StreamAdmin(client, organisation);
      Responses.TxInfo created = admin.create(create);
      o.printf(Locale.ROOT, "created stream %s (window %d ms) at height %d, tx %s%n", streamId, windowMillis, created.height().orElse(-1L), created.id());
      for (int i = 0; i < keys.size(); i++) {
        Responses.TxInfo r = admin.registerDevice(streamId, keys.get(i));
        o.printf(Locale.ROOT, "registered %s %s at height %d%n", keys.get(i).name(), keys.get(i).id(), r.height().orElse(-1L));
      }
      List<Gateway.Batch> sent = new Gateway(client, organisation, batch)
          .submit(streamId, SensorSimulator.signed(readings), ProgressBar.on(spec.commandLine().getErr()));
      o.printf(Locale.ROOT, "submitted %d readings in %s%n", readings.size(), transactions(sent.size()));
      output.printJson(spec.commandLine().getOut(), new Simulated(streamId, out.toString(), written, readings.size(), true, created.id(), sent.size()));
      return Veriflow.OK;
    }

    private CommandLine.ParameterException usage(String message) {
      return new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }

  @Command(name = "attack", description = {
      "Attack a seeded share of the readings in --from DIR (written by 'simulate sensors' or 'import readings'): alter "
          + "values after signing and forge readings with another key (the ledger must say BAD_SIGNATURE), replay submitted "
          + "readings byte for byte (DUPLICATE), and send readings from an unregistered device (UNKNOWN_DEVICE).",
      "Writes attack.csv, attack-readings.pb and without-ledger.csv (what a pipeline trusting every reading would store) "
          + "into --out DIR (default: --from DIR).",
      "With --stream, submits the attack with --key as gateway. Run it while the original readings are still within the "
          + "stream's time window."})
  static final class Attack implements Callable<Integer> {
    /**
     * The JSON result.
     *
     * @param streamId the attacked readings' stream
     * @param attacked readings the attack sends
     * @param of readings it drew from
     * @param kinds readings per kind of attack ({@code altered}, {@code forged}, {@code replayed}, {@code unknown-device})
     * @param expectedVerdicts the verdicts the ledger must give them, with their counts
     * @param withoutLedgerRows the rows a pipeline trusting every reading would store
     * @param out the directory written
     * @param submitted whether the attack was submitted (with --stream)
     * @param transactions batch transactions sent
     */
    record Attacked(String streamId, int attacked, int of, Map<String, Integer> kinds, Map<String, Integer> expectedVerdicts,
        int withoutLedgerRows, String out, boolean submitted, int transactions) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "The directory of the signed readings.")
    Path from;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the attack (default: --from DIR).")
    Path out;

    @Option(names = "--share", defaultValue = "0.1", paramLabel = "X", description = "Share of the readings attacked, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double share;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the choice of readings, kinds and false values (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stream", paramLabel = "ID", description = "Submit the attack to this stream (the readings' own).")
    String stream;

    @Option(names = "--batch", defaultValue = "100", paramLabel = "N", description = "Readings per transaction (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() {
      PrintWriter o = output.json() ? spec.commandLine().getErr() : spec.commandLine().getOut();
      if (!(share > 0 && share <= 1) || batch < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--share must be in (0, 1] and --batch at least 1");
      }
      CreateStream description = SensorFiles.readStream(from.resolve(SensorFiles.STREAM_FILE));
      List<SignedReading> originals = SensorFiles.readSignedReadings(from.resolve(SensorFiles.SIGNED_READINGS));
      if (originals.isEmpty()) {
        throw new IllegalArgumentException(from.resolve(SensorFiles.SIGNED_READINGS) + " holds no readings to attack");
      }
      String streamId = Readings.decode(originals.get(0)).getStreamId();
      if (stream != null && !stream.equals(streamId)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "the readings in " + from + " were signed for stream '" + streamId
            + "', not '" + stream + "'; give --stream " + streamId);
      }
      SigningKey gateway = stream == null ? null : options.signingKey();

      SecureRandom random = new SecureRandom();
      SensorDevice forger = new SensorDevice("forger", SigningKey.generate(SignatureAlgorithm.ED25519, random));
      SensorDevice unknown = new SensorDevice("unknown-device", SigningKey.generate(SignatureAlgorithm.ED25519, random));
      Attacker.Plan plan = Attacker.plan(originals, description.getFieldsList(), share, seed, forger, unknown);
      Path dir = out == null ? from : out;
      SensorFiles.requireDirectory(dir);
      Attacker.write(dir, description.getFieldsList(), originals, plan);

      o.printf(Locale.ROOT, "attack on %d of %d readings of stream %s (share %s, seed %d)%n", plan.attacks().size(), originals.size(), streamId,
          Double.toString(share), seed);
      Map<Attacker.Kind, Integer> counts = plan.counts();
      o.printf(Locale.ROOT, "  %-15s %8s  %-17s %s%n", "kind", "readings", "expected verdict", "what");
      for (Attacker.Kind k : Attacker.Kind.values()) {
        String who = switch (k) {
          case FORGED -> " (forger key " + forger.id() + ")";
          case UNKNOWN_DEVICE -> " (" + unknown.id() + ")";
          default -> "";
        };
        o.printf(Locale.ROOT, "  %-15s %8d  %-17s %s%s%n", k.label(), counts.get(k), k.expectedVerdict().name(), k.description(), who);
      }
      StringBuilder verdicts = new StringBuilder();
      for (Map.Entry<Verdict, Integer> e : plan.expectedVerdicts().entrySet()) {
        verdicts.append(verdicts.length() == 0 ? "" : ", ").append(e.getKey().name()).append(' ').append(e.getValue());
      }
      o.printf(Locale.ROOT, "the ledger must reject %d readings: %s%n", plan.attacks().size(), verdicts);
      int stored = Attacker.withoutLedger(originals, plan).size();
      o.printf(Locale.ROOT, "wrote %s and %s; %s holds the %d rows a pipeline without a ledger would store (%d readings, %d of them altered, "
          + "+ %d forged, %d replayed, %d from the unknown device)%n",
          dir.resolve(SensorFiles.ATTACK_CSV), dir.resolve(SensorFiles.ATTACK_READINGS), dir.resolve(SensorFiles.WITHOUT_LEDGER_CSV), stored,
          originals.size(), counts.get(Attacker.Kind.ALTERED), counts.get(Attacker.Kind.FORGED), counts.get(Attacker.Kind.REPLAYED),
          counts.get(Attacker.Kind.UNKNOWN_DEVICE));
      Map<String, Integer> kinds = new java.util.LinkedHashMap<>();
      counts.forEach((k, n) -> kinds.put(k.label(), n));
      Map<String, Integer> expected = new java.util.LinkedHashMap<>();
      plan.expectedVerdicts().forEach((v, n) -> expected.put(v.name(), n));
      if (stream == null) {
        o.println("no --stream given: nothing submitted");
        output.printJson(spec.commandLine().getOut(), new Attacked(streamId, plan.attacks().size(), originals.size(), kinds, expected, stored,
            dir.toString(), false, 0));
        return Veriflow.OK;
      }
      List<Gateway.Batch> sent = new Gateway(options.client(), gateway, batch).submit(streamId, plan.readings(), ProgressBar.on(spec.commandLine().getErr()));
      o.printf(Locale.ROOT, "submitted %d attack readings in %s%n", plan.attacks().size(), transactions(sent.size()));
      output.printJson(spec.commandLine().getOut(), new Attacked(streamId, plan.attacks().size(), originals.size(), kinds, expected, stored,
          dir.toString(), true, sent.size()));
      return Veriflow.OK;
    }
  }

  /**
   * A device of the JSON results.
   *
   * @param name its name ({@code device-1}, a mote's name)
   * @param id its identity id, derived from its key
   */
  record Device(String name, String id) {}

  static String transactions(int n) {
    return n + (n == 1 ? " transaction" : " transactions");
  }

}
