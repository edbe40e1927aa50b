package org.veriflow.demo.federated;

import java.time.Duration;
import java.util.List;
import org.veriflow.demo.sensors.SensorFields;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.FieldSpec;

/**
 * The fields of an office's stream, in the order the devices report them: temperature, humidity,
 * light, CO2 and the PIR occupancy flag. Ranges are the sensors' (Sensirion SCD30: 0 to 10,000 ppm).
 */
public final class OfficeFields {
  public static final FieldSpec TEMPERATURE = SensorFields.TEMPERATURE;
  public static final FieldSpec HUMIDITY = SensorFields.HUMIDITY;
  public static final FieldSpec LIGHT = SensorFields.LIGHT;
  /** CO2 concentration in ppm, legal in [0, 10000], whole ppm. */
  public static final FieldSpec CO2 = FieldSpec.newBuilder().setName("co2").setUnit("ppm").setMin(0).setMax(10_000).setDecimals(0).build();
  /** The PIR flag: 1 if the device saw someone, else 0. */
  public static final FieldSpec OCCUPANCY = FieldSpec.newBuilder().setName("occupancy").setUnit("").setMin(0).setMax(1).setDecimals(0).build();

  /** The model's inputs, in the recipe's order. */
  public static final List<String> FEATURES = List.of("temperature", "humidity", "light", "co2");
  /** The model's label. */
  public static final String LABEL = "occupancy";

  private OfficeFields() {}

  /** Every field, in reading order. */
  public static List<FieldSpec> all() {
    return List.of(TEMPERATURE, HUMIDITY, LIGHT, CO2, OCCUPANCY);
  }

  /**
   * The {@code streams.create} message of an office's stream.
   *
   * @param window the stream's time window: it must cover the simulated days plus the submission
   * @throws IllegalArgumentException if the stream id is malformed or the interval or window is not positive
   */
  public static CreateStream stream(String streamId, Office office, Duration interval, Duration window) {
    return SensorFields.createStream(streamId, office.name() + ": " + office.staff() + " staff, " + office.floorAreaSquareMetres()
        + " m², temperature, humidity, light, CO2 and PIR occupancy", all(), interval, window);
  }
}
