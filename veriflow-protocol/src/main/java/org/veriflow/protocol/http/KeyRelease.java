package org.veriflow.protocol.http;

/**
 * {@code POST /v1/grants/{id}/key}: the dataset key wrapped for the grantee, once the release is recorded.
 *
 * @param grantId the grant
 * @param wrappedKey the wrapped key, base64
 * @param accessTx the transaction that recorded the release (64 hex)
 * @param height its block
 */
public record KeyRelease(String grantId, String wrappedKey, String accessTx, long height) {}
