package org.veriflow.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Optional;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SignatureCheck;
import org.veriflow.protocol.Canonical;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxPayload;

/**
 * The stateless checks: size, decoding, canonical encoding (of the envelope and of the payload, see
 * {@link Canonical}), chain id and signature. Thread-safe.
 */
final class TxDecoder {
  /** Either a verified transaction or the reason there is none. */
  record Outcome(VerifiedTx tx, Rejection rejection) {
    static Outcome rejected(RejectionCode code, String message) {
      return new Outcome(null, new Rejection(code, message));
    }
  }

  private TxDecoder() {}

  static Outcome decode(byte[] signedBytes, ChainParams params) {
    if (signedBytes.length > params.maxTxBytes()) {
      return Outcome.rejected(RejectionCode.TOO_LARGE,
          "transaction is " + signedBytes.length + " bytes; the chain accepts at most " + params.maxTxBytes());
    }
    SignedTx signed;
    try {
      signed = SignedTx.parseFrom(signedBytes);
    } catch (InvalidProtocolBufferException e) {
      return Outcome.rejected(RejectionCode.MALFORMED, "transaction is not a valid SignedTx message");
    }
    Optional<String> nonCanonical = Canonical.problem(signed, signedBytes);
    if (nonCanonical.isPresent()) {
      return Outcome.rejected(RejectionCode.NON_CANONICAL, nonCanonical.get());
    }
    return decode(signed, signedBytes.length, params);
  }

  static Outcome decode(SignedTx signed, int sizeBytes, ChainParams params) {
    return decode(signed, sizeBytes, params, null);
  }

  /**
   * @param knownId the transaction's id (SHA-256 of its payload bytes) if the caller computed it
   *     already, or null
   */
  static Outcome decode(SignedTx signed, int sizeBytes, ChainParams params, Hash knownId) {
    // Checked here too, so that a block from an orderer cannot carry an oversized transaction.
    if (sizeBytes > params.maxTxBytes()) {
      return Outcome.rejected(RejectionCode.TOO_LARGE,
          "transaction is " + sizeBytes + " bytes; the chain accepts at most " + params.maxTxBytes());
    }
    byte[] payloadBytes = signed.getPayload().toByteArray();
    TxPayload payload;
    try {
      payload = TxPayload.parseFrom(payloadBytes);
    } catch (InvalidProtocolBufferException e) {
      return Outcome.rejected(RejectionCode.MALFORMED, "payload is not a valid TxPayload message");
    }
    // A block carries the envelope decoded: unknown fields in it are all that can be checked here
    // (its field order is the block's own encoding). The payload is checked byte for byte.
    if (!signed.getUnknownFields().asMap().isEmpty()) {
      return Outcome.rejected(RejectionCode.NON_CANONICAL, "SignedTx holds fields its schema does not declare");
    }
    Optional<String> nonCanonical = Canonical.problem(payload, payloadBytes);
    if (nonCanonical.isPresent()) {
      return Outcome.rejected(RejectionCode.NON_CANONICAL, nonCanonical.get());
    }
    SignatureAlgorithm algorithm;
    if (payload.getSenderAlgorithm() == KeyAlgorithm.ED25519) {
      algorithm = SignatureAlgorithm.ED25519;
    } else if (payload.getSenderAlgorithm() == KeyAlgorithm.P256) {
      algorithm = SignatureAlgorithm.P256;
    } else {
      return Outcome.rejected(RejectionCode.MALFORMED, "payload names no supported sender key algorithm");
    }
    PublicKey key;
    try {
      key = org.veriflow.ledger.exec.PublicKeys.decode(algorithm, payload.getSenderKey().toByteArray());
    } catch (IllegalArgumentException e) {
      return Outcome.rejected(RejectionCode.MALFORMED, "sender key: " + e.getMessage());
    }
    if (payload.getContract().isEmpty() || payload.getMethod().isEmpty()) {
      return Outcome.rejected(RejectionCode.MALFORMED, "payload must name a contract and a method");
    }
    if (!payload.getChainId().equals(params.chainId())) {
      return Outcome.rejected(RejectionCode.WRONG_CHAIN_ID,
          "transaction is for chain '" + payload.getChainId() + "', this is '" + params.chainId() + "'");
    }
    SignatureCheck check = key.verify(payloadBytes, signed.getSignature().toByteArray());
    switch (check) {
      case VALID:
        return new Outcome(new VerifiedTx(knownId != null ? knownId : Hash.sha256(payloadBytes), signed, payload, key, sizeBytes), null);
      case HIGH_S:
        return Outcome.rejected(RejectionCode.HIGH_S_SIGNATURE,
            "P-256 signature has s > n/2; sign with low-S (replace s by n - s)");
      default:
        return Outcome.rejected(RejectionCode.BAD_SIGNATURE,
            "signature does not verify against the sender's " + algorithm.label() + " key (" + check + ")");
    }
  }
}
