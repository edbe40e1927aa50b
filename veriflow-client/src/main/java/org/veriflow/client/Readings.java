package org.veriflow.client;

import com.google.protobuf.ByteString;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;

/** Signing readings on a device: the device serialises its reading once and signs those bytes. */
public final class Readings {
  private Readings() {}

  /** A reading signed by {@code device}; its {@code device_id} must be the device key's id. */
  public static SignedReading sign(SigningKey device, Reading reading) {
    if (!reading.getDeviceId().equals(device.id().value())) {
      throw new IllegalArgumentException("reading claims device " + reading.getDeviceId() + " but is signed by " + device.id());
    }
    byte[] bytes = reading.toByteArray();
    return SignedReading.newBuilder().setReading(ByteString.copyFrom(bytes)).setSignature(ByteString.copyFrom(device.sign(bytes))).build();
  }
}
