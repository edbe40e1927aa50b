package org.veriflow.cli.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.streams.RegisterDevice;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.SubmitReadings;

class GatewayTest {
  @Test
  void batches_keepOrderAndSize() {
    RoomModel model = new RoomModel(5, Duration.ofSeconds(30), Duration.ofMinutes(24), 1);
    List<SignedReading> readings = SensorSimulator.signed(SensorSimulator.simulate(model, TestKeys.devices(5), "room", Instant.EPOCH));
    assertThat(readings).hasSize(245);
    List<SubmitReadings> batches = Gateway.batches("room", readings, 100);
    assertThat(batches).extracting(SubmitReadings::getReadingsCount).containsExactly(100, 100, 45);
    List<SignedReading> joined = new ArrayList<>();
    for (SubmitReadings b : batches) {
      assertThat(b.getStreamId()).isEqualTo("room");
      joined.addAll(b.getReadingsList());
    }
    assertThat(joined).isEqualTo(readings);
    assertThat(Gateway.batches("room", readings, 245)).hasSize(1);
    assertThat(Gateway.batches("room", List.of(), 100)).isEmpty();
    assertThatThrownBy(() -> Gateway.batches("room", readings, 0)).hasMessageContaining("at least 1");
  }

  @Test
  void registration_carriesTheDeviceKey() {
    SensorDevice d = SensorDevice.generate("m", 1, SignatureAlgorithm.P256, new java.security.SecureRandom()).get(0);
    RegisterDevice r = StreamAdmin.registration("room", d.key().publicKey(), d.name());
    assertThat(r.getPublicKey().toByteArray()).isEqualTo(d.key().publicKey().encoded()).hasSize(33);
    assertThat(r.getAlgorithm()).isEqualTo(KeyAlgorithm.P256);
    assertThat(r.getName()).isEqualTo("m1");
    assertThat(r.getStreamId()).isEqualTo("room");
  }
}
