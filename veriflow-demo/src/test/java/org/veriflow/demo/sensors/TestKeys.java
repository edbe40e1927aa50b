package org.veriflow.demo.sensors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.core.crypto.SigningKey;

/** Fixed Ed25519 device keys, so that tests can compare signed bytes across runs. */
final class TestKeys {
  private TestKeys() {}

  static SigningKey ed25519(int n) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) n);
    return SigningKey.ed25519FromSeed(seed);
  }

  static List<SensorDevice> devices(int count) {
    List<SensorDevice> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(new SensorDevice("device-" + i, ed25519(i)));
    }
    return out;
  }
}
