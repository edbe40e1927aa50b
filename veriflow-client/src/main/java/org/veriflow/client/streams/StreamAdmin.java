package org.veriflow.client.streams;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.RegisterDevice;

/**
 * An organisation's stream operations: {@code streams.create} and {@code streams.register_device},
 * each submitted and awaited in turn. Not thread-safe (holds the organisation's next nonce).
 */
public final class StreamAdmin {
  private final Sender sender;

  /**
   * Stream operations signed by {@code organisation}, starting from its nonce on the node.
   *
   * @param client the node to submit to
   * @param organisation the key of a registered organisation, which will own the streams it creates
   * @throws org.veriflow.client.ClientException if the node cannot be reached
   */
  public StreamAdmin(VeriflowClient client, SigningKey organisation) {
    this.sender = new Sender(client, organisation);
  }

  /**
   * Creates a stream and waits for its block.
   *
   * @param stream the stream's id, fields and time window
   * @return the committed transaction
   * @throws IllegalStateException if the transaction failed on chain (e.g. the id is taken)
   * @throws org.veriflow.client.ClientException if the node refused it
   */
  public Responses.TxInfo create(CreateStream stream) {
    return sender.send("streams", "create", stream, "creating stream " + stream.getStreamId());
  }

  /**
   * Registers a device key into a stream and waits for its block.
   *
   * @param streamId the stream, owned by this organisation
   * @param device the device: its name and the public half of its key are registered
   * @return the committed transaction
   * @throws IllegalStateException if the transaction failed on chain
   * @throws org.veriflow.client.ClientException if the node refused it
   */
  public Responses.TxInfo registerDevice(String streamId, SensorDevice device) {
    return sender.send("streams", "register_device", registration(streamId, device.key().publicKey(), device.name()),
        "registering device " + device.name() + " (" + device.id() + ")");
  }

  /**
   * Registers each device in turn, as {@link #registerDevice} does.
   *
   * @param streamId the stream, owned by this organisation
   * @param devices the devices, registered in this order
   * @return the committed transactions, in the same order
   * @throws IllegalStateException if a transaction failed on chain (those before it stay registered)
   * @throws org.veriflow.client.ClientException if the node refused one
   */
  public List<Responses.TxInfo> registerDevices(String streamId, List<SensorDevice> devices) {
    List<Responses.TxInfo> out = new ArrayList<>(devices.size());
    for (SensorDevice d : devices) {
      out.add(registerDevice(streamId, d));
    }
    return List.copyOf(out);
  }

  /**
   * The {@code streams.register_device} arguments for a device key.
   *
   * @param streamId the stream
   * @param key the device's public key (Ed25519 or P-256)
   * @param name the device's human name
   * @return the arguments
   */
  public static RegisterDevice registration(String streamId, PublicKey key, String name) {
    return RegisterDevice.newBuilder()
        .setStreamId(streamId)
        .setPublicKey(ByteString.copyFrom(key.encoded()))
        .setAlgorithm(key.algorithm() == SignatureAlgorithm.ED25519 ? KeyAlgorithm.ED25519 : KeyAlgorithm.P256)
        .setName(name)
        .build();
  }
}
