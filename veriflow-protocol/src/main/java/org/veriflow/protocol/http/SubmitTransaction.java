package org.veriflow.protocol.http;

/**
 * {@code POST /v1/transactions}, and each entry of a batch: a signed transaction.
 *
 * @param payload the {@code TxPayload} bytes, base64
 * @param signature the sender's signature over them, base64
 */
public record SubmitTransaction(String payload, String signature) {}
