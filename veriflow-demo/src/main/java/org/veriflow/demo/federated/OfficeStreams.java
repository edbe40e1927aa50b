package org.veriflow.demo.federated;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;

/**
 * Turns an {@link OfficeModel} into readings signed by each device's own key, in accelerated time
 * (the last reading is stamped {@code end}), and into the CSV a snapshot of them exports. Stateless.
 */
public final class OfficeStreams {
  private OfficeStreams() {}

  /**
   * The model's readings, signed: device {@code i} of the model is {@code devices.get(i)}, its step
   * {@code s} has sequence {@code s + 1}, values in {@link OfficeFields#all()} order. In time order,
   * devices in model order within a step.
   *
   * @throws IllegalArgumentException if the number of devices differs from the model's
   */
  public static List<SignedReading> sign(OfficeModel model, List<SensorDevice> devices, String streamId, Instant end) {
    if (devices.size() != model.devices().size()) {
      throw new IllegalArgumentException("the office has " + model.devices().size() + " devices but " + devices.size() + " keys were given");
    }
    long start = end.toEpochMilli() - (model.steps() - 1L) * model.interval().toMillis();
    List<SignedReading> out = new ArrayList<>(model.samples().size());
    for (OfficeModel.Sample s : model.samples()) {
      SensorDevice d = devices.get(s.device());
      Reading r = Readings.reading(streamId, d.id(), s.step() + 1L, start + s.offsetMillis(), values(s));
      out.add(Readings.sign(r, d.key()));
    }
    return List.copyOf(out);
  }

  /** The values a device reports, in {@link OfficeFields#all()} order. */
  static List<Double> values(OfficeModel.Sample s) {
    return List.of(s.temperature(), s.humidity(), s.light(), s.co2(), (double) s.occupancy());
  }

  /**
   * The samples in a snapshot export's layout ({@code timestamp_millis,device_id,sequence,} then the
   * fields, each with its decimals), device {@code i} named {@code deviceIds.get(i)} and stamped from
   * {@code startMillis}; rows in time, device id, sequence order as the chain orders them. For working
   * on a simulation without a node.
   *
   * @throws IllegalArgumentException if the number of device ids differs from the model's
   */
  public static byte[] csv(OfficeModel model, List<String> deviceIds, long startMillis) {
    if (deviceIds.size() != model.devices().size()) {
      throw new IllegalArgumentException("the office has " + model.devices().size() + " devices but " + deviceIds.size() + " ids were given");
    }
    List<FieldSpec> fields = OfficeFields.all();
    StringBuilder b = new StringBuilder("timestamp_millis,device_id,sequence");
    fields.forEach(f -> b.append(',').append(f.getName()));
    b.append('\n');
    List<OfficeModel.Sample> samples = new ArrayList<>(model.samples());
    samples.sort(java.util.Comparator.comparingLong(OfficeModel.Sample::offsetMillis)
        .thenComparing(s -> deviceIds.get(s.device())));
    for (OfficeModel.Sample s : samples) {
      b.append(startMillis + s.offsetMillis()).append(',').append(deviceIds.get(s.device())).append(',').append(s.step() + 1L);
      List<Double> values = values(s);
      for (int i = 0; i < fields.size(); i++) {
        b.append(',').append(new BigDecimal(values.get(i)).setScale(fields.get(i).getDecimals(), RoundingMode.HALF_EVEN).toPlainString());
      }
      b.append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
