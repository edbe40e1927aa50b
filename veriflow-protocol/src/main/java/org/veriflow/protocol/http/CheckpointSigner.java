package org.veriflow.protocol.http;

/**
 * The node key that signed a checkpoint.
 *
 * @param id the key's identity id
 * @param algorithm the key's algorithm
 * @param publicKey the encoded public key (hex)
 */
public record CheckpointSigner(String id, String algorithm, String publicKey) {}
