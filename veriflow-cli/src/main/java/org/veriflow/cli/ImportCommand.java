package org.veriflow.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.client.streams.Gateway;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.client.streams.StreamAdmin;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.demo.sensors.ReadingImporter;
import org.veriflow.demo.sensors.SensorFields;
import org.veriflow.protocol.proto.streams.CreateStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", description = "Bring real recordings onto the chain.", subcommands = ImportCommand.ImportReadings.class)
final class ImportCommand {
  @Command(name = "readings", description = {
      "Replay a recording as signed readings: one generated key per mote (written to --out DIR/keys/), a new stream with "
          + "no time check (historical times) created by --key (an organisation), the motes registered, and the readings "
          + "submitted in time order, in batches, with the same key as gateway.",
      "Formats: lwsndr (FILE optional: the bundled LWSNDR single-hop data set, whose readings have no times, so each "
          + "mote's are stamped --interval-s apart ending now); intel-lab ('date time epoch moteid temperature humidity "
          + "light voltage', space-separated; incomplete lines are skipped and counted); csv (a header with time, device, "
          + "then one column per field; times ISO-8601 or epoch milliseconds)."})
  static final class ImportReadings implements Callable<Integer> {
    /**
     * The JSON result.
     *
     * @param streamId the stream created
     * @param source the recording read
     * @param readings readings signed and submitted
     * @param skipped incomplete or malformed lines skipped
     * @param devices the motes, each with its new key's identity id
     * @param out the directory written (keys and signed readings)
     * @param streamTransaction the stream's creation
     * @param transactions batch transactions sent
     */
    record Imported(String streamId, String source, int readings, int skipped, List<SimulateCommand.Device> devices, String out,
        String streamTransaction, int transactions) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "lwsndr, intel-lab or csv.")
    String format;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The recording (optional for lwsndr).")
    Path file;

    @Option(names = "--stream", paramLabel = "ID", description = "The stream to create (default: FORMAT-yyyymmdd-hhmmss).")
    String stream;

    @Option(names = "--limit", paramLabel = "N", description = "Import only the first N usable readings of the file.")
    Integer limit;

    @Option(names = "--interval-s", paramLabel = "S", description = "The stream's sampling interval (default: 31 for intel-lab, else 30).")
    Long intervalSeconds;

    @Option(names = "--key-type", defaultValue = "ed25519", paramLabel = "TYPE", description = "Mote keys: ed25519 or p256 (default: ${DEFAULT-VALUE}).")
    String keyType;

    @Option(names = "--batch", defaultValue = "100", paramLabel = "N", description = "Readings per transaction (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the mote keys and signed readings; new or empty (default: ./STREAM).")
    Path out;

    @Override
    public Integer call() throws Exception {
      // With --output json the narrative is diagnostics, on standard error; the result is one object.
      PrintWriter o = output.json() ? spec.commandLine().getErr() : spec.commandLine().getOut();
      ReadingImporter.Format f;
      try {
        f = ReadingImporter.Format.parse(format);
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
      SignatureAlgorithm algorithm = Veriflow.keyType(spec, keyType);
      if ((limit != null && limit < 1) || (intervalSeconds != null && intervalSeconds < 1) || batch < 1) {
        throw usage("--limit, --interval-s and --batch must be at least 1");
      }
      if (file == null && f != ReadingImporter.Format.LWSNDR) {
        throw usage("the " + f.label() + " format needs a FILE to import");
      }
      Instant now = Instant.ofEpochMilli(Clock.systemUTC().millis());
      String streamId = stream != null ? stream
          : f.label() + "-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC).format(now);
      try {
        SensorFields.requireStreamId(streamId);
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
      Duration interval = Duration.ofSeconds(intervalSeconds != null ? intervalSeconds
          : f == ReadingImporter.Format.INTEL_LAB ? ReadingImporter.INTEL_LAB_INTERVAL.toSeconds() : 30);
      SigningKey organisation = options.signingKey();
      Path dir = out != null ? out : Path.of(streamId);

      ReadingImporter.Recording recording = ReadingImporter.read(f, file, now, interval, limit == null ? Integer.MAX_VALUE : limit);
      o.printf(Locale.ROOT, "read %d readings of %d devices from %s%n", recording.rows().size(), recording.devices().size(), recording.source());
      if (f == ReadingImporter.Format.LWSNDR) {
        o.println(ReadingImporter.LWSNDR_ATTRIBUTION);
        o.printf(Locale.ROOT, "the recording has no times: each mote's readings are stamped %d s apart, ending at %s%n", interval.toSeconds(), now);
      }
      if (recording.skipped() > 0) {
        o.printf(Locale.ROOT, "skipped %d incomplete or malformed lines%s%n", recording.skipped(),
            recording.skipped() > recording.problems().size() ? "; the first " + recording.problems().size() + ":" : ":");
        for (String p : recording.problems()) {
          o.println("  " + p);
        }
      }
      ReadingImporter.Imported imported = ReadingImporter.sign(recording, streamId, algorithm, new SecureRandom());
      CreateStream create = ReadingImporter.stream(recording, streamId, interval);
      ReadingImporter.write(dir, imported, create);
      o.printf(Locale.ROOT, "signed %d readings with %d new %s keys; wrote %s%n", imported.readings().size(), imported.devices().size(),
          algorithm.label(), dir);

      VeriflowClient client = options.client();
      StreamAdmin admin = new StreamAdmin(client, organisation);
      Responses.TxInfo created = admin.create(create);
      o.printf(Locale.ROOT, "created stream %s (no time check) at height %d, tx %s%n", streamId, created.height().orElse(-1L), created.id());
      for (SensorDevice d : imported.devices()) {
        Responses.TxInfo r = admin.registerDevice(streamId, d);
        o.printf(Locale.ROOT, "registered %s %s at height %d%n", d.name(), d.id(), r.height().orElse(-1L));
      }
      List<Gateway.Batch> sent = new Gateway(client, organisation, batch)
          .submit(streamId, imported.readings(), ProgressBar.on(spec.commandLine().getErr()));
      o.printf(Locale.ROOT, "submitted %d readings in %s to stream %s%n", imported.readings().size(), SimulateCommand.transactions(sent.size()), streamId);
      output.printJson(spec.commandLine().getOut(), new Imported(streamId, recording.source(), imported.readings().size(), recording.skipped(),
          imported.devices().stream().map(d -> new SimulateCommand.Device(d.name(), d.id())).toList(), dir.toString(), created.id(), sent.size()));
      return Veriflow.OK;
    }

    private CommandLine.ParameterException usage(String message) {
      return new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }
}
