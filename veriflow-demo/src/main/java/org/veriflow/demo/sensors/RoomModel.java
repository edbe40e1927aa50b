package org.veriflow.demo.sensors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A closed room cooling down at night, and the sensors that measure it: the physical model of the
 * seed experiment (DESIGN.md). Pure and deterministic: the same arguments give the same devices and
 * the same samples, bit for bit, on any JVM ({@link StrictMath} throughout, a seeded {@link
 * SplittableRandom} split once per device, Gaussian noise by the Box–Muller transform). Immutable
 * and thread-safe.
 *
 * <h2>The room</h2>
 *
 * Hours {@code h} are counted from midnight. The air cools by Newton's law towards the night
 * outside, {@code T(h) = T_out + (T_0 - T_out) * exp(-h / tau)} with {@code T_0} = {@value
 * #START_TEMPERATURE_C} °C at 00:00, {@code T_out} = {@value #OUTSIDE_TEMPERATURE_C} °C, and {@code
 * tau} chosen so that {@code T(7)} = {@value #END_TEMPERATURE_C} °C at 07:00: a smooth fall, fastest
 * at first. The room is closed, so the water vapour in it stays almost constant: its partial
 * pressure is {@code e(h) = E_0 * (1 - L * h / 7)} hPa with {@code E_0} = {@value
 * #VAPOUR_PRESSURE_HPA} hPa and a loss {@code L} = {@value #VAPOUR_LOSS} over the night (a little
 * adsorbed by walls and furniture). Relative humidity follows from the Magnus formula for the
 * saturation vapour pressure over water (Sonntag 1990 constants, WMO-No. 8, 2018 edition, annex
 * 4.B):
 *
 * <pre>
 *   e_s(T) = 6.112 * exp(17.62 * T / (243.12 + T))   hPa, T in °C
 *   RH     = 100 * e / e_s(T)                          %
 * </pre>
 *
 * so RH rises as the room cools: about 49 % at midnight, about 74 % at 07:00.
 *
 * <h2>The sensors</h2>
 *
 * Each device measures {@code true + bias + drift * h + noise}, rounded to 0.01 like the sensors'
 * reports, humidity clamped to [0, 100]:
 *
 * <ul>
 *   <li>bias within ±{@value #MAX_TEMPERATURE_BIAS_C} °C and ±{@value #MAX_HUMIDITY_BIAS} %RH. The
 *       devices' biases are spread over that range (evenly spaced slots, shuffled, each scaled by a
 *       random factor in [0.6, 1]) so that every pair of devices is told apart by its bias, which
 *       is what the traceability experiment learns;
 *   <li>a slow linear drift within ±{@value #MAX_TEMPERATURE_DRIFT_C_PER_HOUR} °C/h and ±{@value
 *       #MAX_HUMIDITY_DRIFT_PER_HOUR} %RH/h;
 *   <li>Gaussian noise with a per-device standard deviation in [0.04, 0.08] °C and [0.2, 0.4] %RH.
 * </ul>
 */
public final class RoomModel {
  /** True temperature at 00:00. */
  public static final double START_TEMPERATURE_C = 31.3;
  /** True temperature at 07:00. */
  public static final double END_TEMPERATURE_C = 24.0;
  /** The temperature the room tends to (the night outside). */
  public static final double OUTSIDE_TEMPERATURE_C = 22.0;
  /** Partial pressure of water vapour in the room at 00:00. */
  public static final double VAPOUR_PRESSURE_HPA = 22.4;
  /** Fraction of the vapour pressure lost between 00:00 and 07:00. */
  public static final double VAPOUR_LOSS = 0.02;
  /** Length of the night the model describes: 00:00 to 07:00. */
  public static final Duration NIGHT = Duration.ofHours(7);
  /** Default time between two readings of one device. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

  public static final double MAX_TEMPERATURE_BIAS_C = 0.3;
  public static final double MAX_HUMIDITY_BIAS = 1.5;
  public static final double MAX_TEMPERATURE_DRIFT_C_PER_HOUR = 0.02;
  public static final double MAX_HUMIDITY_DRIFT_PER_HOUR = 0.1;

  /** Upper bound on devices × steps, so that a typo cannot exhaust memory. */
  public static final long MAX_SAMPLES = 5_000_000;

  private static final double NIGHT_HOURS = 7.0;
  /** Cooling time constant in hours: T(7 h) = END_TEMPERATURE_C. */
  private static final double TAU_HOURS = NIGHT_HOURS
      / StrictMath.log((START_TEMPERATURE_C - OUTSIDE_TEMPERATURE_C) / (END_TEMPERATURE_C - OUTSIDE_TEMPERATURE_C));
  private static final double MILLIS_PER_HOUR = 3_600_000.0;

  /**
   * How one device errs.
   *
   * @param index 0-based position of the device in the model
   * @param temperatureNoise standard deviation of its temperature noise, °C
   * @param humidityNoise standard deviation of its humidity noise, %RH
   */
  public record Device(int index, double temperatureBias, double humidityBias, double temperatureDriftPerHour,
      double humidityDriftPerHour, double temperatureNoise, double humidityNoise) {}

  /**
   * One reading of one device: the truth and what the device measured.
   *
   * @param device 0-based index of the device
   * @param step 0-based index of the reading in the device's series
   * @param offsetMillis time since the start of the series (00:00)
   * @param trueTemperature the room's temperature, °C, unrounded
   * @param trueHumidity the room's relative humidity, %, unrounded
   * @param temperature what the device reports, °C, two decimals
   * @param humidity what the device reports, %RH, two decimals
   */
  public record Sample(int device, int step, long offsetMillis, double trueTemperature, double trueHumidity,
      double temperature, double humidity) {}

  private final int deviceCount;
  private final Duration interval;
  private final Duration duration;
  private final long seed;
  private final int steps;
  private final List<Device> devices;
  private final List<Sample> samples;

  /**
   * Simulates {@code devices} sensors reading every {@code interval} from 00:00 for {@code
   * duration}, both ends included: {@code duration / interval + 1} readings each. Beyond 07:00 the
   * room keeps cooling by the same law.
   *
   * @throws IllegalArgumentException if {@code devices} is not positive, {@code interval} is not
   *     positive, {@code duration} is negative, or devices × readings exceeds {@link #MAX_SAMPLES}
   */
  public RoomModel(int devices, Duration interval, Duration duration, long seed) {
    if (devices < 1) {
      throw new IllegalArgumentException("the number of devices must be positive, not " + devices);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the sampling interval must be positive, not " + interval);
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("the simulated duration must not be negative, not " + duration);
    }
    long n = duration.toMillis() / interval.toMillis() + 1;
    if (n * devices > MAX_SAMPLES) {
      throw new IllegalArgumentException(devices + " devices × " + n + " readings is more than " + MAX_SAMPLES + " samples; use fewer devices, a longer interval or a shorter duration");
    }
    this.deviceCount = devices;
    this.interval = interval;
    this.duration = duration;
    this.seed = seed;
    this.steps = (int) n;

    SplittableRandom master = new SplittableRandom(seed);
    int[] temperatureSlots = shuffledSlots(devices, master);
    int[] humiditySlots = shuffledSlots(devices, master);
    List<Device> ds = new ArrayList<>(devices);
    List<SplittableRandom> noise = new ArrayList<>(devices);
    for (int i = 0; i < devices; i++) {
      SplittableRandom r = master.split();
      double tb = MAX_TEMPERATURE_BIAS_C * slot(temperatureSlots[i], devices, r) * uniform(r, 0.6, 1.0);
      double hb = MAX_HUMIDITY_BIAS * slot(humiditySlots[i], devices, r) * uniform(r, 0.6, 1.0);
      ds.add(new Device(i, tb, hb,
          uniform(r, -MAX_TEMPERATURE_DRIFT_C_PER_HOUR, MAX_TEMPERATURE_DRIFT_C_PER_HOUR),
          uniform(r, -MAX_HUMIDITY_DRIFT_PER_HOUR, MAX_HUMIDITY_DRIFT_PER_HOUR),
          uniform(r, 0.04, 0.08),
          uniform(r, 0.2, 0.4)));
      noise.add(r);
    }
    this.devices = List.copyOf(ds);

    List<Sample> out = new ArrayList<>(steps * devices);
    for (int step = 0; step < steps; step++) {
      long offset = step * interval.toMillis();
      double h = offset / MILLIS_PER_HOUR;
      double t = trueTemperature(h);
      double rh = trueHumidity(h);
      for (Device d : this.devices) {
        SplittableRandom r = noise.get(d.index());
        double mt = t + d.temperatureBias() + d.temperatureDriftPerHour() * h + d.temperatureNoise() * gaussian(r);
        double mh = rh + d.humidityBias() + d.humidityDriftPerHour() * h + d.humidityNoise() * gaussian(r);
        mh = StrictMath.min(100.0, StrictMath.max(0.0, mh));
        out.add(new Sample(d.index(), step, offset, t, rh, SensorFields.round(mt, 2), SensorFields.round(mh, 2)));
      }
    }
    this.samples = List.copyOf(out);
  }

  /** True temperature in °C, {@code hours} after midnight. */
  public static double trueTemperature(double hours) {
    return OUTSIDE_TEMPERATURE_C + (START_TEMPERATURE_C - OUTSIDE_TEMPERATURE_C) * StrictMath.exp(-hours / TAU_HOURS);
  }

  /** Partial pressure of water vapour in hPa, {@code hours} after midnight. */
  public static double vapourPressure(double hours) {
    return VAPOUR_PRESSURE_HPA * (1 - VAPOUR_LOSS * hours / NIGHT_HOURS);
  }

  /** Saturation vapour pressure over water by the Magnus formula, hPa: {@code 6.112 exp(17.62 T / (243.12 + T))}. */
  public static double saturationVapourPressure(double celsius) {
    return 6.112 * StrictMath.exp(17.62 * celsius / (243.12 + celsius));
  }

  /** Relative humidity in % of vapour at {@code vapourPressureHpa} in air at {@code celsius}. */
  public static double relativeHumidity(double vapourPressureHpa, double celsius) {
    return 100.0 * vapourPressureHpa / saturationVapourPressure(celsius);
  }

  /** True relative humidity in %, {@code hours} after midnight. */
  public static double trueHumidity(double hours) {
    return relativeHumidity(vapourPressure(hours), trueTemperature(hours));
  }

  /**
   * The ground truth of the validity experiment: the room's relative humidity at the moment its
   * temperature is {@code celsius}. Above {@link #START_TEMPERATURE_C} the law is extrapolated to
   * before midnight.
   *
   * @throws IllegalArgumentException if {@code celsius} is not above {@link #OUTSIDE_TEMPERATURE_C},
   *     which the room never reaches
   */
  public static double trueHumidityAtTemperature(double celsius) {
    if (!(celsius > OUTSIDE_TEMPERATURE_C)) {
      throw new IllegalArgumentException("the room never cools to " + celsius + " °C; it tends to " + OUTSIDE_TEMPERATURE_C + " °C");
    }
    double hours = -TAU_HOURS * StrictMath.log((celsius - OUTSIDE_TEMPERATURE_C) / (START_TEMPERATURE_C - OUTSIDE_TEMPERATURE_C));
    return relativeHumidity(vapourPressure(hours), celsius);
  }

  public int deviceCount() {
    return deviceCount;
  }

  public Duration interval() {
    return interval;
  }

  public Duration duration() {
    return duration;
  }

  public long seed() {
    return seed;
  }

  /** Readings per device. */
  public int steps() {
    return steps;
  }

  /** The devices, by index. */
  public List<Device> devices() {
    return devices;
  }

  /** Every sample, in time order, devices in index order within a step. */
  public List<Sample> samples() {
    return samples;
  }

  /** The samples of one device, in time order. */
  public List<Sample> samples(int device) {
    if (device < 0 || device >= deviceCount) {
      throw new IllegalArgumentException("device index must be within 0.." + (deviceCount - 1) + ", not " + device);
    }
    List<Sample> out = new ArrayList<>(steps);
    for (int step = 0; step < steps; step++) {
      out.add(samples.get(step * deviceCount + device));
    }
    return List.copyOf(out);
  }

  /** Slots 0..n-1 in a seeded random order (Fisher–Yates). */
  private static int[] shuffledSlots(int n, SplittableRandom r) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** Slot {@code k} of {@code n} evenly spaced in [-1, 1]; a lone device gets a random place. */
  private static double slot(int k, int n, SplittableRandom r) {
    return n == 1 ? uniform(r, -1, 1) : -1.0 + 2.0 * k / (n - 1);
  }

  private static double uniform(SplittableRandom r, double lo, double hi) {
    return lo + (hi - lo) * r.nextDouble();
  }

  /** A standard normal deviate by Box–Muller; {@code 1 - u} keeps the logarithm's argument in (0, 1]. */
  private static double gaussian(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
  }
}
