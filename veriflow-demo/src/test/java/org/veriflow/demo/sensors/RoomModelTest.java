package org.veriflow.demo.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomModelTest {
  private static final RoomModel NIGHT = new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(7), 7);

  @Test
  void trueTemperature_night_fallsSmoothlyFromAbout31To24() {
    assertThat(RoomModel.trueTemperature(0)).isCloseTo(31.3, within(1e-9));
    assertThat(RoomModel.trueTemperature(7)).isCloseTo(24.0, within(1e-9));
    double previous = Double.POSITIVE_INFINITY;
    double previousDrop = Double.POSITIVE_INFINITY;
    for (int minute = 0; minute <= 420; minute += 10) {
      double t = RoomModel.trueTemperature(minute / 60.0);
      assertThat(t).isLessThan(previous);
      if (previous != Double.POSITIVE_INFINITY) {
        double drop = previous - t;
        assertThat(drop).as("Newton cooling slows down").isLessThan(previousDrop);
        previousDrop = drop;
      }
      previous = t;
    }
  }

  @Test
  void saturationVapourPressure_magnus_matchesTabulatedValuesOverWater() {
    // Tabulated saturation vapour pressure over water (Goff-Gratch), hPa.
    assertThat(RoomModel.saturationVapourPressure(0)).isCloseTo(6.112, within(0.001));
    assertThat(RoomModel.saturationVapourPressure(20)).isCloseTo(23.39, within(23.39 * 0.005));
    assertThat(RoomModel.saturationVapourPressure(30)).isCloseTo(42.46, within(42.46 * 0.005));
    assertThat(RoomModel.relativeHumidity(RoomModel.saturationVapourPressure(25), 25)).isCloseTo(100.0, within(1e-9));
  }

  @Test
  void trueHumidity_roomCools_risesWithinPlausibleRange() {
    double previous = 0;
    for (RoomModel.Sample s : NIGHT.samples(0)) {
      assertThat(s.trueHumidity()).isGreaterThan(previous).isBetween(45.0, 80.0);
      previous = s.trueHumidity();
    }
    assertThat(NIGHT.samples(0).get(0).trueHumidity()).isCloseTo(49.1, within(0.5));
    assertThat(previous).isCloseTo(73.7, within(0.5));
  }

  @Test
  void trueHumidityAtTemperature_paperTemperatures_matchTheNight() {
    for (double celsius : new double[] {31.2, 28.3, 27.7, 26.5, 24.8}) {
      double rh = RoomModel.trueHumidityAtTemperature(celsius);
      assertThat(rh).isBetween(49.0, 72.0);
      assertThat(RoomModel.relativeHumidity(RoomModel.vapourPressure(0), celsius))
          .as("vapour pressure near constant: within 2 %% of the midnight value")
          .isCloseTo(rh, within(rh * 0.021));
    }
    RoomModel.Sample some = NIGHT.samples(0).get(300);
    assertThat(RoomModel.trueHumidityAtTemperature(some.trueTemperature())).isCloseTo(some.trueHumidity(), within(1e-9));
    assertThatThrownBy(() -> RoomModel.trueHumidityAtTemperature(21.0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void samples_defaultNight_oneEvery30sBothEndsIncluded() {
    assertThat(NIGHT.steps()).isEqualTo(841);
    assertThat(NIGHT.samples()).hasSize(1682);
    List<RoomModel.Sample> d1 = NIGHT.samples(1);
    assertThat(d1.get(0).offsetMillis()).isZero();
    assertThat(d1.get(840).offsetMillis()).isEqualTo(Duration.ofHours(7).toMillis());
    assertThat(d1.get(1).offsetMillis()).isEqualTo(30_000);
    for (RoomModel.Sample s : NIGHT.samples()) {
      assertThat(s.temperature()).isBetween(23.0, 32.5);
      assertThat(s.humidity()).isBetween(44.0, 80.0);
      assertThat(s.temperature() * 100).as("two decimals").isCloseTo(Math.rint(s.temperature() * 100), within(1e-6));
    }
  }

  @Test
  void measuredTemperature_eachDevice_followsTruthUpToItsOwnBias() {
    RoomModel model = new RoomModel(4, Duration.ofSeconds(30), Duration.ofHours(7), 11);
    double[] meanTemperatureError = new double[4];
    double[] meanHumidityError = new double[4];
    for (RoomModel.Device d : model.devices()) {
      assertThat(Math.abs(d.temperatureBias())).isLessThanOrEqualTo(RoomModel.MAX_TEMPERATURE_BIAS_C);
      assertThat(Math.abs(d.humidityBias())).isLessThanOrEqualTo(RoomModel.MAX_HUMIDITY_BIAS);
      List<RoomModel.Sample> series = model.samples(d.index());
      double st = 0;
      double sh = 0;
      for (RoomModel.Sample s : series) {
        st += s.temperature() - s.trueTemperature();
        sh += s.humidity() - s.trueHumidity();
      }
      meanTemperatureError[d.index()] = st / series.size();
      meanHumidityError[d.index()] = sh / series.size();
      // Over 00:00-07:00 the mean drift contribution is drift * 3.5 h.
      assertThat(meanTemperatureError[d.index()]).isCloseTo(d.temperatureBias() + 3.5 * d.temperatureDriftPerHour(), within(0.01));
      assertThat(meanHumidityError[d.index()]).isCloseTo(d.humidityBias() + 3.5 * d.humidityDriftPerHour(), within(0.05));
    }
    for (int i = 0; i < 4; i++) {
      for (int j = i + 1; j < 4; j++) {
        assertThat(Math.abs(model.devices().get(i).temperatureBias() - model.devices().get(j).temperatureBias()))
            .as("biases spread over the range tell devices %d and %d apart", i, j).isGreaterThan(0.05);
        assertThat(Math.abs(model.devices().get(i).humidityBias() - model.devices().get(j).humidityBias())).isGreaterThan(0.25);
      }
    }
  }

  @Test
  void samples_sameSeed_identical() {
    RoomModel again = new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(7), 7);
    assertThat(again.devices()).isEqualTo(NIGHT.devices());
    assertThat(again.samples()).isEqualTo(NIGHT.samples());
  }

  @Test
  void samples_differentSeed_differ() {
    RoomModel other = new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(7), 8);
    assertThat(other.devices()).isNotEqualTo(NIGHT.devices());
    long differing = 0;
    for (int i = 0; i < other.samples().size(); i++) {
      if (other.samples().get(i).temperature() != NIGHT.samples().get(i).temperature()) {
        differing++;
      }
    }
    assertThat(differing).isGreaterThan(other.samples().size() / 2);
    assertThat(other.samples().get(5).trueTemperature()).as("the room itself does not depend on the seed")
        .isEqualTo(NIGHT.samples().get(5).trueTemperature());
  }

  @Test
  void constructor_badArguments_rejected() {
    assertThatThrownBy(() -> new RoomModel(0, Duration.ofSeconds(30), Duration.ofHours(7), 1)).hasMessageContaining("devices");
    assertThatThrownBy(() -> new RoomModel(2, Duration.ZERO, Duration.ofHours(7), 1)).hasMessageContaining("interval");
    assertThatThrownBy(() -> new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(-1), 1)).hasMessageContaining("duration");
    assertThatThrownBy(() -> new RoomModel(10_000, Duration.ofSeconds(1), Duration.ofHours(7), 1)).hasMessageContaining("samples");
  }
}
