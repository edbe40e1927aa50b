package org.veriflow.protocol.http;

/**
 * An orderer key as the chain lists it.
 *
 * @param id the key's identity id
 * @param algorithm the key's algorithm ({@code ED25519} or {@code P256})
 * @param publicKey the encoded public key (hex)
 */
public record Orderer(String id, String algorithm, String publicKey) {}
