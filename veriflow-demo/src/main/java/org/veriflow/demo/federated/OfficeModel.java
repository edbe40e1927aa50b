package org.veriflow.demo.federated;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An office over working weeks, and the multi-sensor devices that watch it: temperature, relative
 * humidity, illuminance, CO2 and a PIR occupancy flag, the setting of the UCI "Occupancy Detection"
 * data set (L. M. Candanedo and V. Feldheim, "Accurate occupancy detection of an office room from
 * light, temperature, humidity and CO2 measurements using statistical learning models", Energy and
 * Buildings 112, 2016, pp. 28–39), simulated here rather than bundled. Pure and deterministic: the same
 * arguments give the same schedule, devices and samples, bit for bit ({@link StrictMath}, a seeded
 * {@link SplittableRandom} split once for the schedule and once per device, Box–Muller noise).
 * Immutable and thread-safe.
 *
 * <h2>People</h2>
 *
 * Day 0 is a Monday. On a working day each member of staff comes in with the office's attendance
 * probability, arrives between 07:30 and 09:30 and stays 7.5 to 9 hours; lunch starts between 11:45 and
 * 12:45 and lasts 30 to 60 minutes, and each person goes out for it with probability 0.7. Meetings
 * (Poisson, the office's mean a day) start between 09:00 and 16:30 and last 30 to 90 minutes: half are
 * held in the office with 2 to 4 visitors, half elsewhere, and then the office is empty. At weekends
 * someone comes in for 2 to 5 hours with probability 0.15. The PIR flag (the label) is 1 whenever
 * someone is in.
 *
 * <h2>Air, light and heat</h2>
 *
 * With {@code n} people in, CO2 tends to {@code 420 + 10^6 n G / Q} ppm and the vapour pressure to
 * {@code e_out + n m p / (0.622 rho Q)} hPa, both with the room's ventilation time constant {@code V / Q}
 * (exact exponential steps): {@code G} = 0.0052 L/s of CO2 per person at office work (Persily and de
 * Jonge, Indoor Air 27, 2017), {@code m} = 60 g/h of water vapour per seated person, {@code Q} the
 * outdoor air supply, {@code rho} = 1.2 kg/m³, {@code p} = 1013.25 hPa; {@code e_out} is drawn per day in
 * 7 to 11 hPa (winter). Relative humidity follows by the Magnus formula (Sonntag 1990). Lamps are on
 * while anyone is in; when the last one leaves for the day (or for a meeting elsewhere) they stay on
 * with the office's "lights left on" probability (until 19:00 to 22:00 in the evening). Daylight is
 * {@code daylight × cloud × sin(pi (h - 07:30) / 9.5 h)} between 07:30 and 17:00, {@code cloud} drawn
 * per day in [0.25, 1]. Temperature tends, with a 1.5 h time constant, to the heating set point (21 °C
 * on working days 07:00–19:00, 17.5 °C otherwise) plus the occupants' heat (+0.5 °C with anyone in,
 * up to +1.5 °C at one person per 8 m²) plus solar gain (+1 °C per 1,000 lux of daylight).
 *
 * <h2>Devices</h2>
 *
 * Each device errs within its datasheet's accuracy: temperature bias within ±0.2 °C and humidity within
 * ±2 %RH (Sensirion SHT3x), CO2 {@code ±(30 ppm + 3 %)} as an offset and a gain error (Sensirion SCD30),
 * an illuminance gain error within ±15 % (an uncalibrated ambient-light sensor) on top of the office's
 * mounting ratio ({@link Office#sensorLightRatio()}: the true light of a sample is what reaches the
 * sensor); Gaussian noise of
 * 0.05 °C, 0.2 %RH, 8 ppm and 1 % + 2 lux. Reports are rounded to the stream's decimals ({@link
 * OfficeFields}).
 */
public final class OfficeModel {
  /** Outdoor CO2, ppm. */
  public static final double OUTDOOR_CO2_PPM = 420;
  /** CO2 exhaled per person at office work, m³/s (0.0052 L/s). */
  public static final double CO2_PER_PERSON = 0.0052e-3;
  /** Water vapour given off per seated person, kg/s (60 g/h). */
  public static final double MOISTURE_PER_PERSON = 0.060 / 3600;
  public static final double AIR_DENSITY = 1.2;
  public static final double PRESSURE_HPA = 1013.25;
  public static final double SUNRISE_HOUR = 7.5;
  public static final double SUNSET_HOUR = 17.0;
  public static final double DAY_SET_POINT_C = 21.0;
  public static final double NIGHT_SET_POINT_C = 17.5;
  public static final double THERMAL_TIME_CONSTANT_HOURS = 1.5;
  /** Upper bound on devices × steps, so that a typo cannot exhaust memory. */
  public static final long MAX_SAMPLES = 2_000_000;

  private static final long DAY_MILLIS = 86_400_000L;

  /**
   * How one device errs.
   *
   * @param index 0-based position of the device in the office
   * @param co2Gain relative gain error of the CO2 sensor (0.01: reads 1 % high)
   * @param lightGain gain of the light sensor (1.1: reads 10 % high)
   */
  public record Device(int index, double temperatureBias, double humidityBias, double co2Offset, double co2Gain,
      double lightGain) {}

  /**
   * One reading of one device: the room's truth and what the device reports.
   *
   * @param device 0-based index of the device
   * @param step 0-based index of the reading in the device's series
   * @param offsetMillis time since Monday 00:00 of the first day
   * @param occupants people in the room
   * @param occupancy the PIR flag the device reports: 1 if anyone is in, else 0 (the label)
   */
  public record Sample(int device, int step, long offsetMillis, int occupants, double trueTemperature,
      double trueHumidity, double trueLight, double trueCo2, double temperature, double humidity, double light,
      double co2, int occupancy) {}

  private final Office office;
  private final Duration interval;
  private final int days;
  private final long seed;
  private final int steps;
  private final List<Device> devices;
  private final List<Sample> samples;
  private final int[] occupants;

  /**
   * Simulates {@code deviceCount} devices in {@code office} reading every {@code interval} over {@code
   * days} days from Monday 00:00 (the last reading just before midnight of the last day).
   *
   * @throws IllegalArgumentException if {@code deviceCount} or {@code days} is not positive, {@code
   *     interval} is not positive or does not divide a day, or devices × readings exceeds {@link
   *     #MAX_SAMPLES}
   */
  public OfficeModel(Office office, int deviceCount, Duration interval, int days, long seed) {
    if (deviceCount < 1) {
      throw new IllegalArgumentException("an office needs at least one device, not " + deviceCount);
    }
    if (days < 1) {
      throw new IllegalArgumentException("the simulation needs at least one day, not " + days);
    }
    if (interval.isNegative() || interval.isZero() || DAY_MILLIS % interval.toMillis() != 0) {
      throw new IllegalArgumentException("the sampling interval must be positive and divide a day, not " + interval);
    }
    long n = days * (DAY_MILLIS / interval.toMillis());
    if (n * deviceCount > MAX_SAMPLES) {
      throw new IllegalArgumentException(deviceCount + " devices × " + n + " readings is more than " + MAX_SAMPLES
          + " samples; use fewer devices or days, or a longer interval");
    }
    this.office = office;
    this.interval = interval;
    this.days = days;
    this.seed = seed;
    this.steps = (int) n;

    SplittableRandom master = new SplittableRandom(seed);
    SplittableRandom schedule = master.split();
    List<Device> ds = new ArrayList<>(deviceCount);
    List<SplittableRandom> noise = new ArrayList<>(deviceCount);
    for (int i = 0; i < deviceCount; i++) {
      SplittableRandom r = master.split();
      ds.add(new Device(i, uniform(r, -0.2, 0.2), uniform(r, -2, 2), uniform(r, -30, 30), uniform(r, -0.03, 0.03),
          uniform(r, 0.85, 1.15)));
      noise.add(r);
    }
    this.devices = List.copyOf(ds);

    int perDay = (int) (DAY_MILLIS / interval.toMillis());
    double dtHours = interval.toMillis() / 3_600_000.0;
    double ventilation = office.ventilationCubicMetresPerSecond();
    double airDecay = StrictMath.exp(-dtHours * office.airChangesPerHour());
    double heatDecay = StrictMath.exp(-dtHours / THERMAL_TIME_CONSTANT_HOURS);
    this.occupants = new int[steps];
    boolean[] lamps = new boolean[steps];
    double[] cloud = new double[days];
    double[] outdoorVapour = new double[days];
    for (int d = 0; d < days; d++) {
      Day day = day(office, d, schedule);
      cloud[d] = day.cloud;
      outdoorVapour[d] = day.outdoorVapour;
      for (int k = 0; k < perDay; k++) {
        double h = k * dtHours;
        occupants[d * perDay + k] = day.occupants(h);
        lamps[d * perDay + k] = day.lamps(h);
      }
    }

    List<Sample> out = new ArrayList<>(steps * deviceCount);
    double co2 = OUTDOOR_CO2_PPM;
    double vapourExcess = 0;
    double temperature = NIGHT_SET_POINT_C;
    for (int step = 0; step < steps; step++) {
      int d = step / perDay;
      double h = (step % perDay) * dtHours;
      int people = occupants[step];
      double daylight = office.daylightLux() * cloud[d] * sunElevation(h);
      double light = (daylight + (lamps[step] ? office.lampLux() : 0)) * office.sensorLightRatio();
      double co2Target = OUTDOOR_CO2_PPM + 1e6 * people * CO2_PER_PERSON / ventilation;
      double vapourTarget = people * MOISTURE_PER_PERSON * PRESSURE_HPA / (0.622 * AIR_DENSITY * ventilation);
      double heatTarget = setPoint(d, h) + occupantHeat(office, people) + daylight / 1000.0;
      if (step > 0) {
        co2 = co2Target + (co2 - co2Target) * airDecay;
        vapourExcess = vapourTarget + (vapourExcess - vapourTarget) * airDecay;
        temperature = heatTarget + (temperature - heatTarget) * heatDecay;
      }
      double rh = StrictMath.min(100.0, relativeHumidity(outdoorVapour[d] + vapourExcess, temperature));
      long offset = step * interval.toMillis();
      for (Device dev : devices) {
        SplittableRandom r = noise.get(dev.index());
        double mt = temperature + dev.temperatureBias() + 0.05 * gaussian(r);
        double mh = rh + dev.humidityBias() + 0.2 * gaussian(r);
        double mc = co2 * (1 + dev.co2Gain()) + dev.co2Offset() + 8 * gaussian(r);
        double ml = light * dev.lightGain() + (0.01 * light + 2) * gaussian(r);
        out.add(new Sample(dev.index(), step, offset, people, temperature, rh, light, co2,
            round(mt, OfficeFields.TEMPERATURE.getDecimals()),
            round(clamp(mh, 0, 100), OfficeFields.HUMIDITY.getDecimals()),
            round(clamp(ml, 0, OfficeFields.LIGHT.getMax()), OfficeFields.LIGHT.getDecimals()),
            round(clamp(mc, 0, OfficeFields.CO2.getMax()), OfficeFields.CO2.getDecimals()),
            people > 0 ? 1 : 0));
      }
    }
    this.samples = List.copyOf(out);
  }

  /** One day's plan: who is in when, the lamps, the weather. */
  private static final class Day {
    final List<double[]> stays = new ArrayList<>(); // {from, to} per person
    final List<double[]> away = new ArrayList<>(); // {from, to}: everyone out (lunch per person is in outs)
    final List<double[]> outs = new ArrayList<>(); // {person index, from, to}
    final List<double[]> visits = new ArrayList<>(); // {from, to, visitors}
    double lampsOffAt = -1; // after the last departure; -1: off with the people
    boolean lampsStayOnWhenAway;
    double cloud;
    double outdoorVapour;

    int occupants(double h) {
      int n = 0;
      boolean everyoneAway = false;
      for (double[] a : away) {
        everyoneAway |= h >= a[0] && h < a[1];
      }
      for (int i = 0; i < stays.size(); i++) {
        double[] s = stays.get(i);
        if (h < s[0] || h >= s[1] || everyoneAway) {
          continue;
        }
        boolean out = false;
        for (double[] o : outs) {
          out |= o[0] == i && h >= o[1] && h < o[2];
        }
        n += out ? 0 : 1;
      }
      for (double[] v : visits) {
        if (h >= v[0] && h < v[1]) {
          n += (int) v[2];
        }
      }
      return n;
    }

    boolean lamps(double h) {
      if (occupants(h) > 0) {
        return true;
      }
      double lastLeave = 0;
      for (double[] s : stays) {
        lastLeave = StrictMath.max(lastLeave, s[1]);
      }
      if (lampsOffAt > 0 && h >= lastLeave && h < lampsOffAt) {
        return true;
      }
      if (lampsStayOnWhenAway) {
        for (double[] a : away) {
          if (h >= a[0] && h < a[1]) {
            return true;
          }
        }
      }
      return false;
    }
  }

  private static Day day(Office office, int index, SplittableRandom r) {
    Day day = new Day();
    day.cloud = uniform(r, 0.25, 1.0);
    day.outdoorVapour = uniform(r, 7, 11);
    boolean workingDay = index % 7 < 5;
    if (workingDay) {
      for (int p = 0; p < office.staff(); p++) {
        if (r.nextDouble() < office.attendance()) {
          double arrive = uniform(r, 7.5, 9.5);
          day.stays.add(new double[] {arrive, StrictMath.min(23.5, arrive + uniform(r, 7.5, 9.0))});
        }
      }
      double lunch = uniform(r, 11.75, 12.75);
      double lunchEnd = lunch + uniform(r, 0.5, 1.0);
      for (int p = 0; p < day.stays.size(); p++) {
        if (r.nextDouble() < 0.7) {
          day.outs.add(new double[] {p, lunch, lunchEnd});
        }
      }
      int meetings = poisson(office.meetingsPerDay(), r);
      for (int m = 0; m < meetings; m++) {
        double start = uniform(r, 9.0, 16.5);
        double end = start + uniform(r, 0.5, 1.5);
        if (r.nextDouble() < 0.5) {
          day.visits.add(new double[] {start, end, 2 + r.nextInt(3)});
        } else {
          day.away.add(new double[] {start, end});
        }
      }
      day.lampsStayOnWhenAway = r.nextDouble() < office.lightsLeftOn();
      if (!day.stays.isEmpty() && r.nextDouble() < office.lightsLeftOn()) {
        day.lampsOffAt = uniform(r, 19.0, 22.0);
      }
    } else if (r.nextDouble() < 0.15) {
      double start = uniform(r, 10.0, 14.0);
      day.stays.add(new double[] {start, start + uniform(r, 2.0, 5.0)});
    }
    return day;
  }

  /** Knuth's Poisson sampler, for the small means of meetings a day. */
  private static int poisson(double mean, SplittableRandom r) {
    double limit = StrictMath.exp(-mean);
    double p = r.nextDouble();
    int k = 0;
    while (p > limit) {
      p *= r.nextDouble();
      k++;
    }
    return k;
  }

  /** The heating's set point, °C, on day {@code day} (0 a Monday) at {@code hour}. */
  static double setPoint(int day, double hour) {
    return day % 7 < 5 && hour >= 7 && hour < 19 ? DAY_SET_POINT_C : NIGHT_SET_POINT_C;
  }

  /** The occupants' warming of the room, °C: 0 when empty, +0.5 with anyone in, up to +1.5 at one person per 8 m². */
  static double occupantHeat(Office office, int people) {
    return people == 0 ? 0 : 0.5 + StrictMath.min(1.0, people * 8.0 / office.floorAreaSquareMetres());
  }

  /** Relative daylight, 0 to 1: a half sine between sunrise and sunset. */
  static double sunElevation(double hour) {
    if (hour <= SUNRISE_HOUR || hour >= SUNSET_HOUR) {
      return 0;
    }
    return StrictMath.sin(StrictMath.PI * (hour - SUNRISE_HOUR) / (SUNSET_HOUR - SUNRISE_HOUR));
  }

  /** Relative humidity, %, of vapour at {@code vapourHpa} in air at {@code celsius} (Magnus, Sonntag 1990). */
  static double relativeHumidity(double vapourHpa, double celsius) {
    return 100.0 * vapourHpa / (6.112 * StrictMath.exp(17.62 * celsius / (243.12 + celsius)));
  }

  public Office office() {
    return office;
  }

  public Duration interval() {
    return interval;
  }

  public int days() {
    return days;
  }

  public long seed() {
    return seed;
  }

  /** Readings per device. */
  public int steps() {
    return steps;
  }

  public List<Device> devices() {
    return devices;
  }

  /** Every sample, in time order, devices in index order within a step. */
  public List<Sample> samples() {
    return samples;
  }

  /** People in the room at {@code step}. */
  public int occupants(int step) {
    return occupants[step];
  }

  /** Share of the readings with the occupancy flag set. */
  public double occupiedShare() {
    long occupied = 0;
    for (int n : occupants) {
      occupied += n > 0 ? 1 : 0;
    }
    return (double) occupied / steps;
  }

  private static double clamp(double v, double lo, double hi) {
    return StrictMath.min(hi, StrictMath.max(lo, v));
  }

  private static double round(double value, int decimals) {
    return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN).doubleValue();
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
