package org.veriflow.client.streams;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;

/**
 * A sensing device: a human name (also its key file's name) and the key it signs its readings with.
 * Its on-chain device id is the identity id of that key.
 *
 * @param name the device's human name, not empty
 * @param key the key it signs its readings with
 */
public record SensorDevice(String name, SigningKey key) {
  public SensorDevice {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a device needs a name");
    }
  }

  /**
   * The device id readings carry.
   *
   * @return the identity id of the device key ({@code vf1...})
   */
  public String id() {
    return key.id().value();
  }

  /**
   * {@code count} devices named {@code prefix1}, {@code prefix2}, ... with fresh keys from {@code
   * random}.
   *
   * @param prefix the names' common start
   * @param count how many devices, at least 1
   * @param algorithm the keys' algorithm
   * @param random the source of the keys
   * @return the devices, in order of their numbers
   * @throws IllegalArgumentException if {@code count} is not positive
   */
  public static List<SensorDevice> generate(String prefix, int count, SignatureAlgorithm algorithm, SecureRandom random) {
    if (count < 1) {
      throw new IllegalArgumentException("the number of devices must be positive, not " + count);
    }
    List<SensorDevice> devices = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      devices.add(new SensorDevice(prefix + i, SigningKey.generate(algorithm, random)));
    }
    return List.copyOf(devices);
  }
}
