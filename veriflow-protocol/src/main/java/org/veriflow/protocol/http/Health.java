package org.veriflow.protocol.http;

/**
 * {@code GET /health}.
 *
 * @param status {@code UP} while the node serves
 * @param chainId the chain's id
 * @param height the head's height
 */
public record Health(String status, String chainId, long height) {}
