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
   * @param streamId the stream it belongs to
   * @param deviceId the device's identity id ({@code vf1...})
   * @param sequence the device's sequence number, from 1
   * @param timestampMillis when it was measured, in milliseconds since the epoch
   * @param values one value per field of the stream, in the stream's order
   * @return the reading
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
   *
   * @param reading the reading
   * @param deviceKey the key of the device that measured it
   * @return the signed reading
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
   * @param signed a signed reading
   * @return its reading
   * @throws IllegalArgumentException if the bytes are not a {@code Reading}
   */
  public static Reading decode(SignedReading signed) {
    try {
      return Reading.parseFrom(signed.getReading());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("signed reading does not hold a valid Reading: " + e.getMessage(), e);
    }
  }

  /**
   * Checks the signature of {@code signed} over its reading bytes with {@code key}.
   *
   * @param signed a signed reading
   * @param key the public key of the device it claims
   * @return the outcome, valid or with its reason
   */
  public static SignatureCheck verify(SignedReading signed, PublicKey key) {
    return key.verify(signed.getReading().toByteArray(), signed.getSignature().toByteArray());
  }

  /**
   * SHA-256 of the signed reading bytes: how the ledger names a reading in its evidence.
   *
   * @param signed a signed reading
   * @return the hash of its reading bytes
   */
  public static Hash digest(SignedReading signed) {
    return Hash.sha256(signed.getReading().toByteArray());
  }
}
