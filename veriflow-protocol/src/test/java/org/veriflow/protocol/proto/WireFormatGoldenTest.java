package org.veriflow.protocol.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;

/**
 * Field numbers and types of the signed messages are part of the chain format. These bytes were
 * assembled by hand from the protobuf wire format (tag = field number << 3 | wire type), not by the
 * generated code, so renumbering or retyping a field fails here.
 */
class WireFormatGoldenTest {
  private static final String PAYLOAD_HEX =
      "0a0f76657269666c6f772d676f6c64656e"
          + "12201111111111111111111111111111111111111111111111111111111111111111"
          + "1801"
          + "20ac02"
          + "28e807"
          + "32087265676973747279"
          + "3a087265676973746572"
          + "42030a0141";

  private static TxPayload payload() {
    return TxPayload.newBuilder()
        .setChainId("veriflow-golden")
        .setSenderKey(ByteString.copyFrom(repeat((byte) 0x11, 32)))
        .setSenderAlgorithm(KeyAlgorithm.ED25519)
        .setNonce(300)
        .setValidUntilHeight(1000)
        .setContract("registry")
        .setMethod("register")
        .setArguments(ByteString.copyFrom(new byte[] {0x0a, 0x01, 0x41}))
        .build();
  }

  @Test
  void txPayload_fixedFields_pinnedBytesAndId() {
    byte[] bytes = payload().toByteArray();
    assertThat(Hex.encode(bytes)).isEqualTo(PAYLOAD_HEX);
    assertThat(Hash.sha256(bytes).hex()).isEqualTo("85e07481693defa7d4cbd773adf081e253f624b7281b9d6acad5fd88448ae3aa");
  }

  @Test
  void signedTx_pinnedBytes_parseBackToSamePayload() throws InvalidProtocolBufferException {
    byte[] signature = repeat((byte) 0x22, 64);
    SignedTx tx = SignedTx.newBuilder().setPayload(ByteString.copyFrom(Hex.decode(PAYLOAD_HEX))).setSignature(ByteString.copyFrom(signature)).build();
    assertThat(Hex.encode(tx.toByteArray())).isEqualTo("0a54" + PAYLOAD_HEX + "1240" + "22".repeat(64));
    assertThat(TxPayload.parseFrom(SignedTx.parseFrom(tx.toByteArray()).getPayload())).isEqualTo(payload());
  }

  private static byte[] repeat(byte b, int n) {
    byte[] out = new byte[n];
    java.util.Arrays.fill(out, b);
    return out;
  }
}
