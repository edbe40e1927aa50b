package org.veriflow.protocol.http;

/**
 * {@code GET /v1/accounts/{id}}.
 *
 * @param id the identity id
 * @param nonce the next nonce a transaction of this sender must carry
 * @param balance the identity's credits
 */
public record Account(String id, long nonce, long balance) {}
