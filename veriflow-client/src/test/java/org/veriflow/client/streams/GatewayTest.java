package org.veriflow.client.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.RegisterDevice;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.SubmitReadings;

class GatewayTest {
  @Test
  void batches_keepOrderAndSize() {
    List<SignedReading> readings = night(5, 49);
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
  void batches_upToTheChainsLimit_largerRefused() {
    List<SignedReading> readings = night(3, 400);
    assertThat(Gateway.batches("room", readings, Limits.READINGS_PER_BATCH))
        .extracting(SubmitReadings::getReadingsCount).containsExactly(Limits.READINGS_PER_BATCH, 200);
    assertThatThrownBy(() -> Gateway.batches("room", readings, Limits.READINGS_PER_BATCH + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most " + Limits.READINGS_PER_BATCH);
  }

  /** {@code steps} readings of each of {@code devices} fixed-key devices, interleaved step by step. */
  private static List<SignedReading> night(int devices, int steps) {
    List<SigningKey> keys = new ArrayList<>();
    for (int d = 1; d <= devices; d++) {
      byte[] seed = new byte[32];
      Arrays.fill(seed, (byte) d);
      keys.add(SigningKey.ed25519FromSeed(seed));
    }
    List<SignedReading> out = new ArrayList<>();
    for (int step = 1; step <= steps; step++) {
      for (SigningKey k : keys) {
        Reading r = Readings.reading("room", k.id().value(), step, step * 30_000L, List.of(24.0 + step / 100.0, 60.0));
        out.add(Readings.sign(r, k));
      }
    }
    return out;
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
