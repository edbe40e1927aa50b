package org.veriflow.demo.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.veriflow.client.KeyFiles;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SignatureCheck;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;

class SensorSimulatorTest {
  static final Instant END = Instant.parse("2026-03-01T07:00:00Z");
  static final RoomModel MODEL = new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(7), 3);

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void signedReading_verifiesWithItsDeviceKey_notWithAnother(SignatureAlgorithm algorithm) {
    List<SensorDevice> devices = SensorDevice.generate("device-", 2, algorithm, new SecureRandom());
    RoomModel small = new RoomModel(2, Duration.ofSeconds(30), Duration.ofMinutes(5), 3);
    List<SensorSimulator.SimulatedReading> readings = SensorSimulator.simulate(small, devices, "room", END);
    assertThat(readings).hasSize(22);
    for (SensorSimulator.SimulatedReading r : readings) {
      SensorDevice other = devices.get(0) == r.device() ? devices.get(1) : devices.get(0);
      assertThat(Readings.verify(r.signed(), r.device().key().publicKey())).isEqualTo(SignatureCheck.VALID);
      assertThat(Readings.verify(r.signed(), other.key().publicKey())).isNotEqualTo(SignatureCheck.VALID);
      assertThat(Readings.decode(r.signed())).isEqualTo(r.reading());
      assertThat(r.signed().getReading().toByteArray()).isEqualTo(r.reading().toByteArray());
    }
  }

  @Test
  void signedReading_modifiedValue_failsVerification() {
    SensorSimulator.SimulatedReading r = SensorSimulator.simulate(MODEL, TestKeys.devices(2), "room", END).get(10);
    Reading changed = r.reading().toBuilder().setValues(0, r.reading().getValues(0) + 0.01).build();
    SignedReading tampered = r.signed().toBuilder().setReading(com.google.protobuf.ByteString.copyFrom(changed.toByteArray())).build();
    assertThat(Readings.verify(tampered, r.device().key().publicKey())).isEqualTo(SignatureCheck.INVALID);
  }

  @Test
  void simulate_night_stampsSeriesEndingAtEndWithIncreasingSequences() {
    List<SensorDevice> devices = TestKeys.devices(2);
    List<SensorSimulator.SimulatedReading> readings = SensorSimulator.simulate(MODEL, devices, "room-night", END);
    assertThat(readings).hasSize(1682);
    Map<String, Long> lastSequence = new HashMap<>();
    Map<String, Long> lastTime = new HashMap<>();
    long previousTime = Long.MIN_VALUE;
    for (SensorSimulator.SimulatedReading r : readings) {
      Reading reading = r.reading();
      assertThat(reading.getStreamId()).isEqualTo("room-night");
      assertThat(reading.getDeviceId()).isEqualTo(r.device().id()).isEqualTo(r.device().key().id().value());
      assertThat(reading.getValuesList()).containsExactly(r.sample().temperature(), r.sample().humidity());
      assertThat(reading.getTimestampMillis()).isBetween(END.minus(Duration.ofHours(7)).toEpochMilli(), END.toEpochMilli());
      assertThat(reading.getTimestampMillis()).isGreaterThanOrEqualTo(previousTime);
      previousTime = reading.getTimestampMillis();
      assertThat(reading.getSequence()).isEqualTo(lastSequence.getOrDefault(reading.getDeviceId(), 0L) + 1);
      lastSequence.put(reading.getDeviceId(), reading.getSequence());
      Long before = lastTime.put(reading.getDeviceId(), reading.getTimestampMillis());
      if (before != null) {
        assertThat(reading.getTimestampMillis() - before).isEqualTo(30_000);
      }
    }
    assertThat(readings.get(0).reading().getTimestampMillis()).isEqualTo(END.minus(Duration.ofHours(7)).toEpochMilli());
    assertThat(readings.get(readings.size() - 1).reading().getTimestampMillis()).isEqualTo(END.toEpochMilli());
    assertThat(lastSequence.values()).containsOnly(841L);
  }

  @Test
  void simulate_sameSeedAndKeys_sameSignedBytes() {
    List<SignedReading> a = SensorSimulator.signed(SensorSimulator.simulate(MODEL, TestKeys.devices(2), "room", END));
    RoomModel again = new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(7), 3);
    List<SignedReading> b = SensorSimulator.signed(SensorSimulator.simulate(again, TestKeys.devices(2), "room", END));
    assertThat(b).isEqualTo(a);
  }

  @Test
  void simulate_wrongNumberOfKeys_rejected() {
    assertThatThrownBy(() -> SensorSimulator.simulate(MODEL, TestKeys.devices(3), "room", END)).hasMessageContaining("3 keys");
    assertThatThrownBy(() -> SensorSimulator.simulate(MODEL, TestKeys.devices(2), "Room_1", END)).hasMessageContaining("stream id");
  }

  @Test
  void stream_windowMustCoverTheNight() {
    CreateStream s = SensorSimulator.stream("room", MODEL, SensorSimulator.DEFAULT_WINDOW);
    assertThat(s.getFieldsList()).extracting(f -> f.getName()).containsExactly("temperature", "humidity");
    assertThat(s.getFields(0).getUnit()).isEqualTo("°C");
    assertThat(s.getFields(0).getMin()).isEqualTo(-40);
    assertThat(s.getFields(0).getMax()).isEqualTo(85);
    assertThat(s.getFields(1).getUnit()).isEqualTo("%RH");
    assertThat(s.getFields(1).getMax()).isEqualTo(100);
    assertThat(s.getFields(1).getDecimals()).isEqualTo(2);
    assertThat(s.getSamplingIntervalMillis()).isEqualTo(30_000);
    assertThat(s.getTimeWindowMillis()).isEqualTo(8 * 3_600_000L);
    assertThat(SensorSimulator.stream("room", MODEL, Duration.ZERO).getTimeWindowMillis()).isZero();
    assertThatThrownBy(() -> SensorSimulator.stream("room", MODEL, Duration.ofHours(7))).hasMessageContaining("window");
  }

  @Test
  void write_simulation_filesRoundTrip() throws Exception {
    List<SensorDevice> devices = SensorDevice.generate("device-", 2, SignatureAlgorithm.P256, new SecureRandom());
    List<SensorSimulator.SimulatedReading> readings = SensorSimulator.simulate(MODEL, devices, "room", END);
    CreateStream stream = SensorSimulator.stream("room", MODEL, SensorSimulator.DEFAULT_WINDOW);
    Path out = tmp.resolve("sim");
    SensorSimulator.write(out, MODEL, devices, stream, readings);

    assertThat(SensorFiles.readSignedReadings(out.resolve(SensorFiles.SIGNED_READINGS))).isEqualTo(SensorSimulator.signed(readings));
    assertThat(SensorFiles.readStream(out.resolve(SensorFiles.STREAM_FILE))).isEqualTo(stream);
    for (SensorDevice d : devices) {
      assertThat(KeyFiles.read(SensorFiles.keyFile(out, d.name())).id()).isEqualTo(d.key().id());
    }
    List<String> truth = Files.readAllLines(out.resolve(SensorFiles.TRUTH_CSV), StandardCharsets.UTF_8);
    assertThat(truth.get(0)).isEqualTo("time,device,sequence,true_temperature,true_humidity,temperature,humidity");
    assertThat(truth).hasSize(1683);
    SensorSimulator.SimulatedReading first = readings.get(0);
    assertThat(truth.get(1)).isEqualTo("2026-03-01T00:00:00Z," + first.device().id() + ",1,31.3000,"
        + SensorFields.format(first.sample().trueHumidity(), 4) + "," + SensorFields.format(first.sample().temperature(), 2) + ","
        + SensorFields.format(first.sample().humidity(), 2));
    List<String> deviceRows = Files.readAllLines(out.resolve(SensorFiles.DEVICES_CSV), StandardCharsets.UTF_8);
    assertThat(deviceRows).hasSize(3);
    assertThat(deviceRows.get(1)).startsWith("device-1," + devices.get(0).id() + ",p256,");

    assertThatThrownBy(() -> SensorSimulator.write(out, MODEL, devices, stream, readings)).hasMessageContaining("not empty");
  }
}
