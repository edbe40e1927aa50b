package org.veriflow.demo.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfficeModelTest {
  private static final Office TEAM_ROOM = Office.scenario().get(2);
  private static final OfficeModel WEEK = new OfficeModel(TEAM_ROOM, 2, Duration.ofMinutes(10), 7, 42);

  @Test
  void samples_sameSeed_bitIdentical_otherSeed_differ() {
    OfficeModel again = new OfficeModel(TEAM_ROOM, 2, Duration.ofMinutes(10), 7, 42);
    assertThat(again.samples()).isEqualTo(WEEK.samples());
    assertThat(again.devices()).isEqualTo(WEEK.devices());
    assertThat(new OfficeModel(TEAM_ROOM, 2, Duration.ofMinutes(10), 7, 43).samples()).isNotEqualTo(WEEK.samples());
  }

  @Test
  void occupancy_workingHoursOnly_weekendsMostlyEmpty() {
    int perDay = 24 * 6;
    long nightOccupied = 0;
    long weekdayOccupied = 0;
    long weekendOccupied = 0;
    for (int step = 0; step < WEEK.steps(); step++) {
      int day = step / perDay;
      double hour = (step % perDay) / 6.0;
      boolean occupied = WEEK.occupants(step) > 0;
      if (hour < 7 || hour >= 19.5) {
        nightOccupied += occupied ? 1 : 0;
      } else if (day < 5) {
        weekdayOccupied += occupied ? 1 : 0;
      } else {
        weekendOccupied += occupied ? 1 : 0;
      }
    }
    assertThat(nightOccupied).isZero();
    assertThat(weekdayOccupied).as("a team of five in on working days").isGreaterThan(5L * 6 * 6);
    assertThat(weekendOccupied).isLessThan(2L * 6 * 5);
    assertThat(WEEK.occupiedShare()).isBetween(0.1, 0.5);
  }

  @Test
  void co2_risesWhileOccupied_andDecaysToOutdoorWhenEmpty() {
    double maxOccupied = 0;
    for (OfficeModel.Sample s : WEEK.samples()) {
      assertThat(s.trueCo2()).isGreaterThanOrEqualTo(OfficeModel.OUTDOOR_CO2_PPM - 1e-9);
      if (s.occupants() > 0) {
        maxOccupied = Math.max(maxOccupied, s.trueCo2());
      }
      assertThat(s.occupancy()).isEqualTo(s.occupants() > 0 ? 1 : 0);
    }
    // Five people in 108 m³ at 2 air changes an hour: 420 + 10^6 * 5 * 0.0052e-3 / 0.06 = 853 ppm at steady state.
    assertThat(maxOccupied).isBetween(650.0, 1400.0);
    // Sunday 04:00: long empty, back at the outdoor level.
    OfficeModel.Sample sunday = WEEK.samples().get(2 * (6 * 24 * 6 + 4 * 6));
    assertThat(sunday.occupants()).isZero();
    assertThat(sunday.trueCo2()).isCloseTo(OfficeModel.OUTDOOR_CO2_PPM, within(1.0));
    assertThat(sunday.trueLight()).isZero();
    assertThat(sunday.trueTemperature()).isCloseTo(OfficeModel.NIGHT_SET_POINT_C, within(0.1));
  }

  @Test
  void occupiedRoom_isWarmerMoisterAndBrighter() {
    double[] occupied = new double[3];
    double[] empty = new double[3];
    int nOccupied = 0;
    int nEmpty = 0;
    int perDay = 24 * 6;
    for (OfficeModel.Sample s : WEEK.samples()) {
      double hour = (s.step() % perDay) / 6.0;
      if (s.device() != 0 || s.step() / perDay >= 5 || hour < 10 || hour >= 16) {
        continue;
      }
      double[] acc = s.occupants() > 0 ? occupied : empty;
      acc[0] += s.trueTemperature();
      acc[1] += s.trueHumidity();
      acc[2] += s.trueLight();
      if (s.occupants() > 0) {
        nOccupied++;
      } else {
        nEmpty++;
      }
    }
    assertThat(nEmpty).as("lunch and meetings elsewhere empty the room in working hours").isPositive();
    assertThat(occupied[0] / nOccupied).isGreaterThan(empty[0] / nEmpty);
    assertThat(occupied[1] / nOccupied).isGreaterThan(empty[1] / nEmpty);
    assertThat(occupied[2] / nOccupied).isGreaterThan(empty[2] / nEmpty + 200);
  }

  @Test
  void devices_errWithinTheirDatasheets_andReportRoundedValues() {
    for (OfficeModel.Device d : WEEK.devices()) {
      assertThat(d.temperatureBias()).isBetween(-0.2, 0.2);
      assertThat(d.humidityBias()).isBetween(-2.0, 2.0);
      assertThat(d.co2Offset()).isBetween(-30.0, 30.0);
      assertThat(d.co2Gain()).isBetween(-0.03, 0.03);
      assertThat(d.lightGain()).isBetween(0.85, 1.15);
    }
    for (OfficeModel.Sample s : WEEK.samples()) {
      assertThat(s.co2()).isEqualTo(Math.rint(s.co2()));
      assertThat(s.humidity()).isBetween(0.0, 100.0);
      assertThat(Math.abs(s.temperature() - s.trueTemperature())).isLessThan(0.2 + 0.05 * 6);
    }
  }

  @Test
  void csv_snapshotLayout_oneRowPerSample() {
    OfficeModel day = new OfficeModel(TEAM_ROOM, 2, Duration.ofHours(1), 1, 1);
    String csv = new String(OfficeStreams.csv(day, List.of("b-device", "a-device"), 1_000), StandardCharsets.UTF_8);
    String[] lines = csv.split("\n");
    assertThat(lines[0]).isEqualTo("timestamp_millis,device_id,sequence,temperature,humidity,light,co2,occupancy");
    assertThat(lines).hasSize(1 + 2 * 24);
    assertThat(lines[1]).startsWith("1000,a-device,1,");
    assertThat(lines[2]).startsWith("1000,b-device,1,");
    assertThat(lines[1].split(",")[7]).isIn("0", "1");
  }

  @Test
  void constructor_badArguments_rejectedWithASentence() {
    assertThatThrownBy(() -> new OfficeModel(TEAM_ROOM, 0, Duration.ofMinutes(10), 1, 1)).hasMessageContaining("at least one device");
    assertThatThrownBy(() -> new OfficeModel(TEAM_ROOM, 1, Duration.ofMinutes(7), 1, 1)).hasMessageContaining("divide a day");
    assertThatThrownBy(() -> new OfficeModel(TEAM_ROOM, 1, Duration.ofMinutes(10), 0, 1)).hasMessageContaining("at least one day");
    assertThatThrownBy(() -> new OfficeModel(TEAM_ROOM, 64, Duration.ofSeconds(1), 30, 1)).hasMessageContaining("more than");
    assertThatThrownBy(() -> new Office("x", 0, 10, 2.5, 1, 0, 500, 0.5, 1, 0, 1)).hasMessageContaining("staff");
  }
}
