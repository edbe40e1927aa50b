package org.veriflow.client;

import org.veriflow.core.crypto.Hash;

/**
 * A signed transaction ready to submit: the payload bytes as signed, the signature, and the id
 * (SHA-256 of the payload bytes).
 */
public record SignedTransaction(byte[] payload, byte[] signature) {
  public SignedTransaction {
    payload = payload.clone();
    signature = signature.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  public Hash id() {
    return Hash.sha256(payload);
  }
}
