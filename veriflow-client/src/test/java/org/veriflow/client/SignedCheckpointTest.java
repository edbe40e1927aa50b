package org.veriflow.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.Checkpoint;

class SignedCheckpointTest {
  static final SigningKey NODE = SigningKey.ed25519FromSeed(new byte[32]);
  static final SigningKey OTHER = SigningKey.generate(SignatureAlgorithm.ED25519);
  static final Hash BLOCK = Hash.sha256(new byte[] {1});
  static final Hash STATE = Hash.sha256(new byte[] {2});

  static byte[] bytes(String chainId, long height, Hash block, Hash state) {
    return Checkpoint.newBuilder().setChainId(chainId).setHeight(height).setBlockHash(ByteString.copyFrom(block.bytes()))
        .setStateHash(ByteString.copyFrom(state.bytes())).build().toByteArray();
  }

  static Responses.CheckpointSigner signer(SigningKey key) {
    return new Responses.CheckpointSigner(key.id().value(), key.algorithm().name(), Hex.encode(key.publicKey().encoded()));
  }

  /** A checkpoint as a node would serve it: the fields, the bytes and the key's signature over them. */
  static Responses.SignedCheckpoint signed(SigningKey key, byte[] bytes) {
    return new Responses.SignedCheckpoint("veriflow-test", 57, BLOCK.hex(), STATE.hex(), signer(key), bytes, key.sign(bytes));
  }

  static Responses.SignedCheckpoint good() {
    return signed(NODE, bytes("veriflow-test", 57, BLOCK, STATE));
  }

  static Responses.Orderer orderer(SigningKey key) {
    return new Responses.Orderer(key.id().value(), key.algorithm().name(), Hex.encode(key.publicKey().encoded()));
  }

  static CheckpointFailure failure(Responses.SignedCheckpoint c) {
    try {
      c.verify();
      throw new AssertionError("the checkpoint verified");
    } catch (CheckpointException e) {
      return e.failure();
    }
  }

  @Test
  void verify_signedByNodeKey_returnsTheSignedCheckpoint() throws Exception {
    Checkpoint c = good().verify();
    assertThat(c.getChainId()).isEqualTo("veriflow-test");
    assertThat(c.getHeight()).isEqualTo(57);
    assertThat(c.getStateHash().toByteArray()).isEqualTo(STATE.bytes());
  }

  @Test
  void verify_p256Signer_returnsTheSignedCheckpoint() throws Exception {
    SigningKey p256 = SigningKey.generate(SignatureAlgorithm.P256);
    assertThat(signed(p256, bytes("veriflow-test", 57, BLOCK, STATE)).verify(List.of(orderer(p256))).getHeight()).isEqualTo(57);
  }

  @Test
  void verify_tamperedBytes_badSignature() {
    Responses.SignedCheckpoint c = good();
    byte[] bytes = c.checkpoint();
    bytes[bytes.length - 1] ^= 1;
    Responses.SignedCheckpoint tampered = new Responses.SignedCheckpoint(c.chainId(), c.height(), c.blockHash(), c.stateHash(), c.signer(),
        bytes, c.signature());
    assertThat(failure(tampered)).isEqualTo(CheckpointFailure.BAD_SIGNATURE);
  }

  @Test
  void verify_tamperedSignature_badSignature() {
    Responses.SignedCheckpoint c = good();
    byte[] sig = c.signature();
    sig[0] ^= 1;
    assertThat(failure(new Responses.SignedCheckpoint(c.chainId(), c.height(), c.blockHash(), c.stateHash(), c.signer(), c.checkpoint(), sig)))
        .isEqualTo(CheckpointFailure.BAD_SIGNATURE);
  }

  @Test
  void verify_tamperedFields_namesTheField() {
    Responses.SignedCheckpoint c = good();
    Responses.CheckpointSigner s = c.signer();
    byte[] b = c.checkpoint();
    byte[] sig = c.signature();
    String other = Hash.sha256(new byte[] {3}).hex();
    assertThat(failure(new Responses.SignedCheckpoint("veriflow-else", 57, c.blockHash(), c.stateHash(), s, b, sig)))
        .isEqualTo(CheckpointFailure.CHAIN_ID_MISMATCH);
    assertThat(failure(new Responses.SignedCheckpoint(c.chainId(), 58, c.blockHash(), c.stateHash(), s, b, sig)))
        .isEqualTo(CheckpointFailure.HEIGHT_MISMATCH);
    assertThat(failure(new Responses.SignedCheckpoint(c.chainId(), 57, other, c.stateHash(), s, b, sig)))
        .isEqualTo(CheckpointFailure.BLOCK_HASH_MISMATCH);
    assertThat(failure(new Responses.SignedCheckpoint(c.chainId(), 57, c.blockHash(), other, s, b, sig)))
        .isEqualTo(CheckpointFailure.STATE_HASH_MISMATCH);
  }

  @Test
  void verify_tamperedStateHashField_messageShowsBoth() {
    Responses.SignedCheckpoint c = good();
    String other = Hash.sha256(new byte[] {3}).hex();
    assertThatThrownBy(() -> new Responses.SignedCheckpoint(c.chainId(), 57, c.blockHash(), other, c.signer(), c.checkpoint(), c.signature())
        .verify()).isInstanceOf(CheckpointException.class).hasMessageContaining(STATE.hex()).hasMessageContaining(other);
  }

  @Test
  void verify_upperCaseHexFields_accepted() throws Exception {
    Responses.SignedCheckpoint c = good();
    new Responses.SignedCheckpoint(c.chainId(), 57, c.blockHash().toUpperCase(java.util.Locale.ROOT),
        c.stateHash().toUpperCase(java.util.Locale.ROOT), c.signer(), c.checkpoint(), c.signature()).verify();
  }

  @Test
  void verify_signedByAnotherKeyShownAsTheNode_badSignature() {
    byte[] b = bytes("veriflow-test", 57, BLOCK, STATE);
    assertThat(failure(new Responses.SignedCheckpoint("veriflow-test", 57, BLOCK.hex(), STATE.hex(), signer(NODE), b, OTHER.sign(b))))
        .isEqualTo(CheckpointFailure.BAD_SIGNATURE);
  }

  @Test
  void verify_signerShownWithAnotherKey_badSignature() {
    Responses.SignedCheckpoint c = good();
    assertThat(failure(new Responses.SignedCheckpoint(c.chainId(), 57, c.blockHash(), c.stateHash(), signer(OTHER), c.checkpoint(),
        c.signature()))).isEqualTo(CheckpointFailure.BAD_SIGNATURE);
  }

  @Test
  void verify_signerIdNotOfItsKey_signerIdMismatch() {
    Responses.SignedCheckpoint c = good();
    Responses.CheckpointSigner s = new Responses.CheckpointSigner(OTHER.id().value(), "ED25519", Hex.encode(NODE.publicKey().encoded()));
    assertThat(failure(new Responses.SignedCheckpoint(c.chainId(), 57, c.blockHash(), c.stateHash(), s, c.checkpoint(), c.signature())))
        .isEqualTo(CheckpointFailure.SIGNER_ID_MISMATCH);
  }

  @Test
  void verify_malformedSignerKey_malformedSigner() {
    Responses.SignedCheckpoint c = good();
    for (Responses.CheckpointSigner s : List.of(
        new Responses.CheckpointSigner(NODE.id().value(), "ED25519", "abc"),
        new Responses.CheckpointSigner(NODE.id().value(), "RSA", Hex.encode(NODE.publicKey().encoded())),
        new Responses.CheckpointSigner(NODE.id().value(), "P256", Hex.encode(NODE.publicKey().encoded())))) {
      assertThat(failure(new Responses.SignedCheckpoint(c.chainId(), 57, c.blockHash(), c.stateHash(), s, c.checkpoint(), c.signature())))
          .as(s.toString()).isEqualTo(CheckpointFailure.MALFORMED_SIGNER);
    }
  }

  @Test
  void verify_signedBytesNotACheckpoint_malformedCheckpoint() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThat(failure(signed(NODE, garbage))).isEqualTo(CheckpointFailure.MALFORMED_CHECKPOINT);
  }

  @Test
  void verify_signerAmongOrderers_accepted() throws Exception {
    assertThat(good().verify(List.of(orderer(OTHER), orderer(NODE))).getHeight()).isEqualTo(57);
  }

  @Test
  void verify_signerNotAnOrderer_unknownSigner() {
    assertThatThrownBy(() -> good().verify(List.of(orderer(OTHER)))).isInstanceOfSatisfying(CheckpointException.class,
        e -> assertThat(e.failure()).isEqualTo(CheckpointFailure.UNKNOWN_SIGNER));
  }

  /** Fields written in a non-canonical order: a re-serialised message would differ from what was signed. */
  @Test
  void verify_nonCanonicalBytes_checkedAsReceived() throws IOException, CheckpointException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(buf);
    out.writeBytes(4, ByteString.copyFrom(STATE.bytes()));
    out.writeBytes(3, ByteString.copyFrom(BLOCK.bytes()));
    out.writeUInt64(2, 57);
    out.writeString(1, "veriflow-test");
    out.flush();
    byte[] b = buf.toByteArray();
    assertThat(Checkpoint.parseFrom(b).toByteArray()).isNotEqualTo(b);
    assertThat(signed(NODE, b).verify().getHeight()).isEqualTo(57);
  }

  @Test
  void record_copiesItsBytes() throws CheckpointException {
    byte[] b = bytes("veriflow-test", 57, BLOCK, STATE);
    byte[] sig = NODE.sign(b);
    Responses.SignedCheckpoint c = new Responses.SignedCheckpoint("veriflow-test", 57, BLOCK.hex(), STATE.hex(), signer(NODE), b, sig);
    b[0] ^= 1;
    sig[0] ^= 1;
    c.checkpoint()[0] ^= 1;
    assertThat(Arrays.equals(c.checkpoint(), b)).isFalse();
    assertThat(c.verify().getHeight()).isEqualTo(57);
  }
}
