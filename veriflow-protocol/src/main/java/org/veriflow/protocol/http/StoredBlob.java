package org.veriflow.protocol.http;

/**
 * {@code PUT /v1/blobs/{hash}}: the blob the node holds.
 *
 * @param hash the blob's SHA-256 (64 hex)
 * @param size its size in bytes
 */
public record StoredBlob(String hash, long size) {}
