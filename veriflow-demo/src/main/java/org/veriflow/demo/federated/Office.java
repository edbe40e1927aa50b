package org.veriflow.demo.federated;

import java.util.List;

/**
 * One office of the federated scenario: its room, its ventilation, its windows and its people. What
 * makes the offices' data non-IID is here: room size and staff (so CO2 and humidity rise by different
 * amounts), ventilation (how fast they rise and fall), daylight (how much light there is when nobody
 * is in), how often people come in, hold meetings or leave the lights on, and the devices' own
 * errors ({@link OfficeModel}).
 *
 * @param name a short display name
 * @param staff people who work in the office, 1 to 20
 * @param floorAreaSquareMetres floor area, m², 6 to 400
 * @param ceilingHeightMetres 2.2 to 5 m
 * @param airChangesPerHour mechanical ventilation, room volumes of outdoor air per hour, 0.3 to 10: the
 *     time constant of CO2 and moisture is its inverse
 * @param daylightLux illuminance from the windows at noon under a clear sky, 0 (no window) to 2,000 lux
 * @param lampLux illuminance of the office lighting when on, 200 to 1,000 lux (EN 12464-1 asks 500 lux
 *     at desks)
 * @param attendance probability that one member of staff comes in on a working day, 0 to 1
 * @param meetingsPerDay mean number of meetings a day (Poisson), 0 to 6: half held in the office with
 *     visitors, half elsewhere with the office empty
 * @param lightsLeftOn probability that the last one out leaves the lights on until the evening's
 *     cleaning round, 0 to 1
 * @param sensorLightRatio illuminance at the devices' light sensors over the illuminance at the desks,
 *     0.3 to 2: where the organisation mounted its devices (on a desk under a lamp, on a shelf, on the
 *     ceiling facing down) changes what they read more than any datasheet error does
 */
public record Office(String name, int staff, double floorAreaSquareMetres, double ceilingHeightMetres,
    double airChangesPerHour, double daylightLux, double lampLux, double attendance, double meetingsPerDay,
    double lightsLeftOn, double sensorLightRatio) {

  /**
   * @throws IllegalArgumentException naming the first parameter out of its range
   */
  public Office {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an office needs a name");
    }
    require("staff", staff, 1, 20);
    require("floor area (m²)", floorAreaSquareMetres, 6, 400);
    require("ceiling height (m)", ceilingHeightMetres, 2.2, 5);
    require("air changes per hour", airChangesPerHour, 0.3, 10);
    require("daylight (lux)", daylightLux, 0, 2000);
    require("lamp illuminance (lux)", lampLux, 200, 1000);
    require("attendance", attendance, 0, 1);
    require("meetings per day", meetingsPerDay, 0, 6);
    require("lights left on", lightsLeftOn, 0, 1);
    require("sensor light ratio", sensorLightRatio, 0.3, 2);
  }

  /** Room volume, m³. */
  public double volumeCubicMetres() {
    return floorAreaSquareMetres * ceilingHeightMetres;
  }

  /** Outdoor air supplied, m³/s. */
  public double ventilationCubicMetresPerSecond() {
    return airChangesPerHour * volumeCubicMetres() / 3600.0;
  }

  /**
   * The scenario's offices: the five participants', the held-out office whose stream is the
   * validation snapshot, and the coordinator's office whose clean snapshot is FLTrust's root, in that
   * order. They differ as real offices do: a dark basement open-plan office, a bright corner office,
   * a meeting-heavy team room, a half-empty hot-desking floor, an over-ventilated lab office.
   */
  public static List<Office> scenario() {
    return List.of(
        new Office("open-plan basement", 9, 90, 2.6, 2.5, 40, 450, 0.85, 1.0, 0.05, 1.1),
        new Office("corner office", 2, 24, 2.8, 1.2, 1100, 400, 0.9, 0.5, 0.2, 0.9),
        new Office("team room", 5, 40, 2.7, 2.0, 500, 500, 0.8, 3.0, 0.1, 1.0),
        new Office("hot-desking floor", 12, 160, 3.0, 1.5, 650, 500, 0.35, 1.0, 0.35, 0.9),
        new Office("lab office", 4, 45, 3.2, 6.0, 300, 600, 0.75, 1.5, 0.0, 1.1),
        new Office("held-out office", 5, 50, 2.7, 1.8, 700, 480, 0.75, 1.5, 0.2, 1.0),
        new Office("coordinator's office", 4, 35, 2.7, 2.0, 450, 500, 0.8, 1.5, 0.1, 1.0));
  }

  private static void require(String what, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      throw new IllegalArgumentException(what + " must be within " + lo + ".." + hi + ", not " + value);
    }
  }
}
