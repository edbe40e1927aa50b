package org.veriflow.client.streams;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureCheck;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;

/** Building, signing, decoding and checking device readings. Stateless. */
public final class Readings {
  private Readings() {}

  /**
   * A reading of one device.
   *
   * @throws IllegalArgumentException if {@code sequence} is below 1 (sequences start at 1)
   */
  public static Reading reading(String streamId, String deviceId, long sequence, long timestampMillis, List<Double> values) {
    if (sequence < 1) {
      throw new IllegalArgumentException("reading sequences start at 1, not " + sequence);
    }
    return Reading.newBuilder()
        .setStreamId(streamId)
        .setDeviceId(deviceId)
        .setSequence(sequence)
        .setTimestampMillis(timestampMillis)
        .addAllValues(values)
        .build();
  }

  /**
   * Serialises {@code reading} once and signs those bytes with the device key; the signed reading
   * keeps exactly the bytes that were signed.
   */
  public static SignedReading sign(Reading reading, SigningKey deviceKey) {
    byte[] bytes = reading.toByteArray();
    return SignedReading.newBuilder()
        .setReading(ByteString.copyFrom(bytes))
        .setSignature(ByteString.copyFrom(deviceKey.sign(bytes)))
        .build();
  }

  /**
   * The reading a signed reading carries, decoded from its bytes as signed.
   *
   * @throws IllegalArgumentException if the bytes are not a {@code Reading}
   */
  public static Reading decode(SignedReading signed) {
    try {
      return Reading.parseFrom(signed.getReading());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("signed reading does not hold a valid Reading: " + e.getMessage(), e);
    }
  }

  /** Checks the signature of {@code signed} over its reading bytes with {@code key}. */
  public static SignatureCheck verify(SignedReading signed, PublicKey key) {
    return key.verify(signed.getReading().toByteArray(), signed.getSignature().toByteArray());
  }

  /** SHA-256 of the signed reading bytes: how the ledger names a reading in its evidence. */
  public static Hash digest(SignedReading signed) {
    return Hash.sha256(signed.getReading().toByteArray());
  }
}
