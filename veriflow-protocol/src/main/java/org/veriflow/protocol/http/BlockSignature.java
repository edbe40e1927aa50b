package org.veriflow.protocol.http;

/**
 * An orderer's signature over a block header.
 *
 * @param publicKey the orderer's public key (hex)
 * @param algorithm the key's algorithm ({@code ED25519} or {@code P256})
 * @param signature the signature (hex)
 */
public record BlockSignature(String publicKey, String algorithm, String signature) {}
