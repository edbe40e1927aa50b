package org.veriflow.demo.sensors;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.FieldSpec;

/**
 * The stream fields the sensor tools know, and the {@code streams.create} message built from them.
 * Ranges are those of common indoor sensors (e.g. Sensirion SHT3x: -40 to 125 °C, 0 to 100 %RH),
 * narrowed for temperature to the -40 to 85 °C industrial range most motes are rated for.
 */
public final class SensorFields {
  /** Air temperature in degrees Celsius, legal in [-40, 85], two decimals. */
  public static final FieldSpec TEMPERATURE = spec("temperature", "°C", -40, 85, 2);
  /** Relative humidity in percent, legal in [0, 100], two decimals. */
  public static final FieldSpec HUMIDITY = spec("humidity", "%RH", 0, 100, 2);
  /** Illuminance in lux, legal in [0, 100000], two decimals (Intel Berkeley Lab recordings). */
  public static final FieldSpec LIGHT = spec("light", "lux", 0, 100_000, 2);
  /** Battery voltage in volts, legal in [0, 5], five decimals (Intel Berkeley Lab recordings). */
  public static final FieldSpec VOLTAGE = spec("voltage", "V", 0, 5, 5);

  /**
   * Bounds given to a field the tools know nothing about (generic CSV import): wide enough to accept
   * any sensible measurement, so that such a stream checks signatures, devices and sequences only.
   */
  public static final double UNKNOWN_FIELD_BOUND = 1e12;

  // The streams contract's own rules (Streams.requireStreamId, Streams.Create.decode).
  private static final Pattern STREAM_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern FIELD_NAME = Pattern.compile("[a-z][a-z0-9_]{0,31}");

  private SensorFields() {}

  /** The fields of the simulated room: temperature, then humidity. */
  public static List<FieldSpec> room() {
    return List.of(TEMPERATURE, HUMIDITY);
  }

  /**
   * The known spec for {@code name}, or a spec with no unit, bounds of ±{@link #UNKNOWN_FIELD_BOUND}
   * and {@code decimals} places.
   *
   * @throws IllegalArgumentException if {@code name} is not lower-case letters, digits and '_'
   *     starting with a letter, or {@code decimals} is outside 0..9
   */
  public static FieldSpec forName(String name, int decimals) {
    for (FieldSpec f : List.of(TEMPERATURE, HUMIDITY, LIGHT, VOLTAGE)) {
      if (f.getName().equals(name)) {
        return f;
      }
    }
    requireFieldName(name);
    if (decimals < 0 || decimals > 9) {
      throw new IllegalArgumentException("decimals must be within 0..9, not " + decimals);
    }
    return spec(name, "", -UNKNOWN_FIELD_BOUND, UNKNOWN_FIELD_BOUND, decimals);
  }

  /**
   * A {@code streams.create} message.
   *
   * @param timeWindow largest accepted distance between a reading's device time and its block's
   *     time; {@link Duration#ZERO} disables the check (historical recordings)
   * @throws IllegalArgumentException if the stream id is malformed, there are no fields, the
   *     sampling interval is not positive or the window is negative
   */
  public static CreateStream createStream(String streamId, String description, List<FieldSpec> fields, Duration sampling,
      Duration timeWindow) {
    requireStreamId(streamId);
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("a stream needs at least one field");
    }
    if (sampling.isNegative() || sampling.isZero()) {
      throw new IllegalArgumentException("the sampling interval must be positive, not " + sampling);
    }
    if (timeWindow.isNegative()) {
      throw new IllegalArgumentException("the time window must not be negative, not " + timeWindow);
    }
    return CreateStream.newBuilder()
        .setStreamId(streamId)
        .setDescription(description)
        .addAllFields(fields)
        .setSamplingIntervalMillis(sampling.toMillis())
        .setTimeWindowMillis(timeWindow.toMillis())
        .build();
  }

  /**
   * Checks a stream id: lower-case letters, digits and '-', starting with a letter or digit, at most
   * 64 characters.
   *
   * @throws IllegalArgumentException naming the id if it is malformed
   */
  public static String requireStreamId(String streamId) {
    if (!STREAM_ID.matcher(streamId).matches()) {
      throw new IllegalArgumentException("stream id '" + streamId + "' must be 1 to 64 lower-case letters, digits and '-', starting with a letter or digit");
    }
    return streamId;
  }

  static String requireFieldName(String name) {
    if (!FIELD_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("field name '" + name + "' must be lower-case letters, digits and '_', starting with a letter");
    }
    return name;
  }

  /** {@code value} with exactly the field's decimal places, rounded half-even, locale-independent. */
  static String format(double value, FieldSpec field) {
    return format(value, field.getDecimals());
  }

  static String format(double value, int decimals) {
    return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
  }

  /** {@code value} rounded half-even to {@code decimals} places, as a sensor with that resolution reports it. */
  static double round(double value, int decimals) {
    return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN).doubleValue();
  }

  private static FieldSpec spec(String name, String unit, double min, double max, int decimals) {
    return FieldSpec.newBuilder().setName(name).setUnit(unit).setMin(min).setMax(max).setDecimals(decimals).build();
  }
}
