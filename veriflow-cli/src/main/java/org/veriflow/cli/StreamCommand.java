package org.veriflow.cli;

import org.veriflow.protocol.Limits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.FieldSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "stream", description = "Sensor streams: create, devices, readings, verdict statistics.",
    subcommands = {StreamCommand.Create.class, StreamCommand.Device.class, StreamCommand.Get.class, StreamCommand.ReadingsCmd.class, StreamCommand.Stats.class})
final class StreamCommand {

  @Command(name = "create", description = "Create a stream (the --key identity must be an organisation); prints the transaction id.")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--id", required = true, description = "Stream id: lower-case letters, digits and '-'.")
    String id;

    @Option(names = "--field", required = true, paramLabel = "NAME:UNIT:MIN:MAX[:DECIMALS]",
        description = "A field (repeatable, in order), e.g. temperature:C:-40:85:2.")
    List<String> fields = new ArrayList<>();

    @Option(names = "--interval-ms", defaultValue = "30000", description = "Nominal sampling interval (default: ${DEFAULT-VALUE}).")
    long intervalMillis;

    @Option(names = "--window-ms", defaultValue = "300000", description = "Largest accepted distance between device time and block time; 0 accepts any time (default: ${DEFAULT-VALUE}).")
    long windowMillis;

    @Option(names = "--description", defaultValue = "", description = "What the stream measures.")
    String description;

    @Override
    public Integer call() {
      CreateStream.Builder b = CreateStream.newBuilder().setStreamId(id).setDescription(description)
          .setSamplingIntervalMillis(intervalMillis).setTimeWindowMillis(windowMillis);
      for (String f : fields) {
        b.addFields(field(spec, f));
      }
      VeriflowClient client = options.client();
      Submit.andWait(options.session(client), tx -> tx.createStream(b.build()), spec.commandLine().getOut(), output);
      return Veriflow.OK;
    }
  }

  static FieldSpec field(CommandSpec spec, String text) {
    String[] p = text.split(":", -1);
    if (p.length < 4 || p.length > 5) {
      throw new ParameterException(spec.commandLine(), "--field must be NAME:UNIT:MIN:MAX[:DECIMALS], not '" + text + "'");
    }
    try {
      return FieldSpec.newBuilder().setName(p[0]).setUnit(p[1]).setMin(Double.parseDouble(p[2])).setMax(Double.parseDouble(p[3]))
          .setDecimals(p.length == 5 ? Integer.parseInt(p[4]) : 6).build();
    } catch (NumberFormatException e) {
      throw new ParameterException(spec.commandLine(), "--field '" + text + "': MIN, MAX and DECIMALS must be numbers");
    }
  }

  @Command(name = "device", description = "Register or revoke a stream's devices.", subcommands = {Device.Add.class, Device.Revoke.class})
  static final class Device {
    @Command(name = "add", description = "Register a device's own public key in a stream; prints the transaction id.")
    static final class Add implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin NodeOptions options;
      @Mixin OutputOptions output;

      @Option(names = "--stream", required = true, description = "The stream id.")
      String stream;

      @Option(names = "--pubkey", required = true, paramLabel = "FILE", description = "The device's public-key PEM, or its key file.")
      Path pubkey;

      @Option(names = "--name", defaultValue = "", description = "A name for the device.")
      String name;

      @Override
      public Integer call() throws Exception {
        PublicKey key;
        try {
          key = KeyPem.decodePublic(Files.readString(pubkey));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("key file " + pubkey + ": " + e.getMessage(), e);
        }
        VeriflowClient client = options.client();
        Submit.andWait(options.session(client), b -> b.registerDevice(stream, key, name), spec.commandLine().getOut(), output);
        spec.commandLine().getErr().println("device " + key.id() + " registered in " + stream);
        return Veriflow.OK;
      }
    }

    @Command(name = "revoke", description = "Revoke a device; its later readings are REVOKED_DEVICE.")
    static final class Revoke implements Callable<Integer> {
      @Spec CommandSpec spec;
      @Mixin NodeOptions options;
      @Mixin OutputOptions output;

      @Option(names = "--stream", required = true, description = "The stream id.")
      String stream;

      @Parameters(paramLabel = "DEVICE", description = "The device id (vf1...).")
      String device;

      @Option(names = "--reason", defaultValue = "", description = "Why, kept on chain.")
      String reason;

      @Override
      public Integer call() {
        VeriflowClient client = options.client();
        Submit.andWait(options.session(client), b -> b.revokeDevice(stream, device, reason), spec.commandLine().getOut(), output);
        return Veriflow.OK;
      }
    }
  }

  @Command(name = "get", description = "Show a stream: schema, window and devices.")
  static final class Get implements Callable<Integer> {
    /** The JSON result: the stream, its fields in order and its devices. */
    record Shown(String streamId, String description, String owner, long samplingIntervalMillis, long timeWindowMillis, List<Field> fields,
        List<Device> devices) {}

    record Field(String name, String unit, double min, double max, int decimals) {}

    record Device(String deviceId, String algorithm, String status, long lastSequence, String name) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "STREAM")
    String stream;

    @Override
    public Integer call() {
      Responses.Stream s = options.client().streams().stream(stream);
      var out = spec.commandLine().getOut();
      if (output.printJson(out, new Shown(s.streamId(), s.description(), s.owner(), s.samplingIntervalMillis(), s.timeWindowMillis(),
          s.fields().stream().map(f -> new Field(f.name(), f.unit(), f.min(), f.max(), f.decimals())).toList(),
          s.devices().stream().map(d -> new Device(d.deviceId(), d.algorithm().toLowerCase(java.util.Locale.ROOT),
              d.status().toLowerCase(java.util.Locale.ROOT), d.lastSequence(), d.name())).toList()))) {
        return Veriflow.OK;
      }
      out.println("stream:   " + s.streamId() + (s.description().isEmpty() ? "" : " (" + s.description() + ")"));
      out.println("owner:    " + s.owner());
      out.println("sampling: every " + s.samplingIntervalMillis() + " ms; time window " + (s.timeWindowMillis() == 0 ? "none" : s.timeWindowMillis() + " ms"));
      for (Responses.Field f : s.fields()) {
        out.println("field:    " + f.name() + " [" + f.unit() + "] " + f.min() + " .. " + f.max() + ", " + f.decimals() + " decimals");
      }
      for (Responses.Device d : s.devices()) {
        out.println("device:   " + d.deviceId() + " " + d.algorithm().toLowerCase(java.util.Locale.ROOT) + " " + d.status().toLowerCase(java.util.Locale.ROOT)
            + ", last sequence " + d.lastSequence() + (d.name().isEmpty() ? "" : " (" + d.name() + ")"));
      }
      return Veriflow.OK;
    }
  }

  @Command(name = "readings", description = "List legal readings by time, optionally of one device, as CSV.")
  static final class ReadingsCmd implements Callable<Integer> {
    /** The JSON result: the readings in time order. */
    record Listed(String stream, List<Reading> readings) {}

    record Reading(String time, long timestampMillis, String deviceId, long sequence, List<Double> values, String digest) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "STREAM")
    String stream;

    @Option(names = "--device", description = "Only this device.")
    String device;

    @Option(names = "--from", description = "From this time, inclusive (ISO-8601 or epoch ms).")
    String from;

    @Option(names = "--to", description = "Up to this time, exclusive (ISO-8601 or epoch ms).")
    String to;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many readings (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new ParameterException(spec.commandLine(), "--limit must be at least 1, not " + limit);
      }
      long f = from == null ? Long.MIN_VALUE : TimeArg.parse(spec, "--from", from);
      long t = to == null ? Long.MAX_VALUE : TimeArg.parse(spec, "--to", to);
      VeriflowClient client = options.client();
      var out = spec.commandLine().getOut();
      List<Reading> json = new ArrayList<>();
      if (!output.json()) {
        out.println("time,device,sequence,values,digest");
      }
      String cursor = null;
      int shown = 0;
      do {
        Responses.ReadingPage page = client.streams().readings(stream, device, f, t, Math.min(Limits.MAX_PAGE, limit - shown), cursor);
        for (Responses.StoredReading r : page.readings()) {
          if (output.json()) {
            json.add(new Reading(Instant.ofEpochMilli(r.timestamp()).toString(), r.timestamp(), r.deviceId(), r.sequence(), r.values(), r.digest()));
          } else {
            out.println(Instant.ofEpochMilli(r.timestamp()) + "," + r.deviceId() + "," + r.sequence() + ","
                + String.join(" ", r.values().stream().map(String::valueOf).toList()) + "," + r.digest());
          }
          shown++;
        }
        cursor = page.next().orElse(null);
      } while (cursor != null && shown < limit);
      output.printJson(out, new Listed(stream, json));
      return Veriflow.OK;
    }
  }

  @Command(name = "stats", description = "Readings received per device, legal and rejected by reason.")
  static final class Stats implements Callable<Integer> {
    /** The JSON result: per device, and in total, the number of readings by verdict (LEGAL or the rejection code). */
    record Shown(String stream, Map<String, Map<String, Long>> devices, Map<String, Long> totals) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "STREAM")
    String stream;

    @Override
    public Integer call() {
      Responses.StreamStats s = options.client().streams().streamStats(stream);
      var out = spec.commandLine().getOut();
      if (output.printJson(out, new Shown(stream, s.devices(), s.totals()))) {
        return Veriflow.OK;
      }
      for (Map.Entry<String, Map<String, Long>> d : s.devices().entrySet()) {
        out.println(d.getKey() + "  " + OutputOptions.keyValues(d.getValue()));
      }
      out.println("total  " + OutputOptions.keyValues(s.totals()));
      return Veriflow.OK;
    }
  }
}
