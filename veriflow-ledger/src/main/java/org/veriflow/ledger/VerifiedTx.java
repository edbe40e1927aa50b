package org.veriflow.ledger;

import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxPayload;

/**
 * A decoded transaction whose signature has been checked over its payload bytes exactly as signed.
 * Only {@link TxDecoder} makes them, so holding one proves the check was done. Immutable.
 */
public final class VerifiedTx {
  private final Hash id;
  private final SignedTx signed;
  private final TxPayload payload;
  private final PublicKey senderKey;
  private final IdentityId sender;
  private final int sizeBytes;

  VerifiedTx(Hash id, SignedTx signed, TxPayload payload, PublicKey senderKey, int sizeBytes) {
    this.id = id;
    this.signed = signed;
    this.payload = payload;
    this.senderKey = senderKey;
    this.sender = senderKey.id();
    this.sizeBytes = sizeBytes;
  }

  /** SHA-256 of the payload bytes as signed. */
  public Hash id() {
    return id;
  }

  public SignedTx signed() {
    return signed;
  }

  public TxPayload payload() {
    return payload;
  }

  public PublicKey senderKey() {
    return senderKey;
  }

  public IdentityId sender() {
    return sender;
  }

  public long nonce() {
    return payload.getNonce();
  }

  public int sizeBytes() {
    return sizeBytes;
  }
}
