package org.veriflow.demo.sensors;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;

/**
 * Turns a {@link RoomModel} into readings signed by each device's own key, as real sensors would
 * send them to a gateway, and writes them out. Stateless; every method is thread-safe.
 *
 * <h2>Accelerated time</h2>
 *
 * A night takes seconds to simulate, not seven hours: the whole series is generated at once and
 * anchored so that its last reading is stamped {@code end} (the current time, when run from the
 * command line) and its first {@code duration} earlier; with the defaults, device time runs over
 * [now - 7 h, now]. The ledger accepts a reading only if its device time is within the stream's
 * time window of its block's time, so that window must cover the whole series plus the time the
 * submission takes: {@link #DEFAULT_WINDOW} (8 h) for the 7 h night, and never less than the
 * duration plus {@link #MIN_WINDOW_MARGIN}. A window of zero disables the check.
 */
public final class SensorSimulator {
  /** The stream's time window for the default 7 h night: an hour to spare for submission and attack. */
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(8);
  /** The least a non-zero window must exceed the simulated duration by. */
  public static final Duration MIN_WINDOW_MARGIN = Duration.ofMinutes(5);

  /**
   * One reading as simulated, signed and sent.
   *
   * @param sample the model's truth and measurement
   * @param device the device that measured and signed it
   * @param reading what the device signed
   * @param signed the bytes of {@code reading} as signed, with the device's signature
   */
  public record SimulatedReading(RoomModel.Sample sample, SensorDevice device, Reading reading, SignedReading signed) {}

  private SensorSimulator() {}

  /**
   * Builds and signs the model's readings: device {@code i} of the model is {@code devices.get(i)},
   * its step {@code s} has sequence {@code s + 1} and is stamped {@code end - duration + offset},
   * values in the order of {@link SensorFields#room()}. In time order, devices in model order
   * within a step, which is also a valid submission order (sequences increase per device).
   *
   * @throws IllegalArgumentException if the number of devices differs from the model's, or the
   *     stream id is malformed
   */
  public static List<SimulatedReading> simulate(RoomModel model, List<SensorDevice> devices, String streamId, Instant end) {
    SensorFields.requireStreamId(streamId);
    if (devices.size() != model.deviceCount()) {
      throw new IllegalArgumentException("the model has " + model.deviceCount() + " devices but " + devices.size() + " keys were given");
    }
    long last = (model.steps() - 1L) * model.interval().toMillis();
    long start = end.toEpochMilli() - last;
    List<SimulatedReading> out = new ArrayList<>(model.samples().size());
    for (RoomModel.Sample s : model.samples()) {
      SensorDevice d = devices.get(s.device());
      Reading r = Readings.reading(streamId, d.id(), s.step() + 1L, start + s.offsetMillis(), List.of(s.temperature(), s.humidity()));
      out.add(new SimulatedReading(s, d, r, Readings.sign(r, d.key())));
    }
    return List.copyOf(out);
  }

  /** The signed readings alone, in the same order. */
  public static List<SignedReading> signed(List<SimulatedReading> readings) {
    List<SignedReading> out = new ArrayList<>(readings.size());
    for (SimulatedReading r : readings) {
      out.add(r.signed());
    }
    return List.copyOf(out);
  }

  /**
   * The {@code streams.create} message for the simulated room: temperature and humidity (see
   * {@link SensorFields}), the model's sampling interval and {@code window}.
   *
   * @throws IllegalArgumentException if {@code window} is neither zero nor at least the model's
   *     duration plus {@link #MIN_WINDOW_MARGIN} (the oldest readings would be refused as
   *     TIME_OUT_OF_WINDOW)
   */
  public static CreateStream stream(String streamId, RoomModel model, Duration window) {
    if (!window.isZero() && window.compareTo(model.duration().plus(MIN_WINDOW_MARGIN)) < 0) {
      throw new IllegalArgumentException("the stream's time window (" + window.toMillis() + " ms) must be 0 or cover the simulated "
          + model.duration().toMillis() + " ms plus " + MIN_WINDOW_MARGIN.toMinutes() + " minutes for submission, or the oldest readings fall outside it");
    }
    String description = String.format(Locale.ROOT,
        "Simulated closed room at night: %d devices, a reading every %d s (seed %d)",
        model.deviceCount(), model.interval().toSeconds(), model.seed());
    return SensorFields.createStream(streamId, description, SensorFields.room(), model.interval(), window);
  }

  /**
   * Writes the simulation into {@code dir}, which must be empty or absent: device keys, {@value
   * SensorFiles#DEVICES_CSV} (with each device's bias, drift and noise), {@value
   * SensorFiles#STREAM_FILE}, {@value SensorFiles#SIGNED_READINGS} and {@value SensorFiles#TRUTH_CSV}
   * with columns {@code time,device,sequence,true_temperature,true_humidity,temperature,humidity}.
   *
   * @throws IllegalArgumentException if {@code dir} is not empty
   */
  public static void write(Path dir, RoomModel model, List<SensorDevice> devices, CreateStream stream, List<SimulatedReading> readings) {
    SensorFiles.requireEmptyDirectory(dir);
    SensorFiles.writeKeys(dir, devices);
    List<String> deviceRows = new ArrayList<>();
    for (RoomModel.Device m : model.devices()) {
      SensorDevice d = devices.get(m.index());
      deviceRows.add(String.join(",", d.name(), d.id(), d.key().algorithm().label(),
          SensorFields.format(m.temperatureBias(), 4), SensorFields.format(m.humidityBias(), 4),
          SensorFields.format(m.temperatureDriftPerHour(), 4), SensorFields.format(m.humidityDriftPerHour(), 4),
          SensorFields.format(m.temperatureNoise(), 4), SensorFields.format(m.humidityNoise(), 4)));
    }
    SensorFiles.writeCsv(dir.resolve(SensorFiles.DEVICES_CSV),
        "name,device_id,algorithm,temperature_bias,humidity_bias,temperature_drift_per_hour,humidity_drift_per_hour,temperature_noise,humidity_noise",
        deviceRows);
    SensorFiles.writeStream(dir.resolve(SensorFiles.STREAM_FILE), stream);
    SensorFiles.writeSignedReadings(dir.resolve(SensorFiles.SIGNED_READINGS), signed(readings));
    List<String> truth = new ArrayList<>(readings.size());
    for (SimulatedReading r : readings) {
      RoomModel.Sample s = r.sample();
      truth.add(String.join(",", SensorFiles.time(r.reading().getTimestampMillis()), r.device().id(),
          Long.toString(r.reading().getSequence()),
          SensorFields.format(s.trueTemperature(), 4), SensorFields.format(s.trueHumidity(), 4),
          SensorFields.format(s.temperature(), SensorFields.TEMPERATURE), SensorFields.format(s.humidity(), SensorFields.HUMIDITY)));
    }
    SensorFiles.writeCsv(dir.resolve(SensorFiles.TRUTH_CSV), "time,device,sequence,true_temperature,true_humidity,temperature,humidity", truth);
  }
}
