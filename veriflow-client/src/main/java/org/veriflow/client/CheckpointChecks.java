package org.veriflow.client;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SignatureCheck;
import org.veriflow.protocol.proto.Checkpoint;

/** The checks behind {@link Responses.SignedCheckpoint#verify()}. */
final class CheckpointChecks {
  private CheckpointChecks() {}

  /**
   * Checks the signer, then the signature over the bytes as received, then the fields in those bytes
   * against the ones shown; with {@code trusted}, the signer must be one of those orderers.
   */
  static Checkpoint verify(Responses.SignedCheckpoint c, Optional<List<Responses.Orderer>> trusted) throws CheckpointException {
    Responses.CheckpointSigner signer = c.signer();
    PublicKey key = decode(signer.algorithm(), signer.publicKeyHex()).orElseThrow(() -> new CheckpointException(
        CheckpointFailure.MALFORMED_SIGNER, "the signer's key (" + signer.algorithm() + " " + signer.publicKeyHex() + ") does not decode"));
    if (!key.id().value().equals(signer.id())) {
      throw new CheckpointException(CheckpointFailure.SIGNER_ID_MISMATCH,
          "the signer is shown as " + signer.id() + " but its key is identity " + key.id().value());
    }
    if (trusted.isPresent() && trusted.get().stream().noneMatch(o -> decode(o.algorithm(), o.publicKeyHex()).filter(key::equals).isPresent())) {
      throw new CheckpointException(CheckpointFailure.UNKNOWN_SIGNER, "the signer " + signer.id() + " is not an orderer of the chain");
    }
    byte[] bytes = c.checkpoint();
    SignatureCheck check = key.verify(bytes, c.signature());
    if (!check.isValid()) {
      throw new CheckpointException(CheckpointFailure.BAD_SIGNATURE,
          "the signature by " + signer.id() + " over the checkpoint bytes does not verify (" + check + ")");
    }
    Checkpoint signed;
    try {
      signed = Checkpoint.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new CheckpointException(CheckpointFailure.MALFORMED_CHECKPOINT, "the signed bytes are not a checkpoint: " + e.getMessage());
    }
    if (!signed.getChainId().equals(c.chainId())) {
      throw new CheckpointException(CheckpointFailure.CHAIN_ID_MISMATCH,
          "the signed chain id is '" + signed.getChainId() + "', not '" + c.chainId() + "' as shown");
    }
    if (signed.getHeight() != c.height()) {
      throw new CheckpointException(CheckpointFailure.HEIGHT_MISMATCH,
          "the signed height is " + Long.toUnsignedString(signed.getHeight()) + ", not " + c.height() + " as shown");
    }
    String blockHash = Hex.encode(signed.getBlockHash().toByteArray());
    if (!blockHash.equals(c.blockHash().toLowerCase(Locale.ROOT))) {
      throw new CheckpointException(CheckpointFailure.BLOCK_HASH_MISMATCH,
          "the signed block hash is " + blockHash + ", not " + c.blockHash() + " as shown");
    }
    String stateHash = Hex.encode(signed.getStateHash().toByteArray());
    if (!stateHash.equals(c.stateHash().toLowerCase(Locale.ROOT))) {
      throw new CheckpointException(CheckpointFailure.STATE_HASH_MISMATCH,
          "the signed state hash is " + stateHash + ", not " + c.stateHash() + " as shown");
    }
    return signed;
  }

  /** The key, or empty if the algorithm is unknown or the hex is not a valid key of it. */
  private static Optional<PublicKey> decode(String algorithm, String publicKeyHex) {
    try {
      return Optional.of(PublicKey.decode(SignatureAlgorithm.valueOf(algorithm.toUpperCase(Locale.ROOT)), Hex.decode(publicKeyHex)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
