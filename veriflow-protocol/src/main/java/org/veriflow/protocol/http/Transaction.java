package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/transactions/{id}}. A pending transaction has only {@code id} and {@code status};
 * the other components are null (absent) then.
 *
 * @param id the transaction's id (64 hex)
 * @param status {@code PENDING}, {@code COMMITTED} or {@code FAILED}
 * @param height its block's height
 * @param index its position in the block
 * @param code the failure's code; null (absent) unless failed
 * @param message the failure's sentence; null (absent) unless failed
 * @param sender the sender's identity id
 * @param contract the called contract
 * @param method the called method
 * @param nonce the sender's nonce
 * @param payload the {@code TxPayload} bytes as signed, base64
 * @param signature the signature, base64
 * @param events the events it emitted
 * @param output the method's output, base64; null (absent) when empty
 * @param proof its inclusion proof in the log at its block
 */
public record Transaction(String id, String status, Long height, Integer index, String code, String message, String sender,
    String contract, String method, Long nonce, String payload, String signature, List<TxEvent> events, String output,
    InclusionProof proof) {
  /** Copies the list. */
  public Transaction {
    events = events == null ? null : List.copyOf(events);
  }

  /**
   * A transaction in the pool, not in a block yet.
   *
   * @param id the transaction's id (64 hex)
   * @return the answer with status {@code PENDING}
   */
  public static Transaction pending(String id) {
    return new Transaction(id, "PENDING", null, null, null, null, null, null, null, null, null, null, null, null, null);
  }
}
