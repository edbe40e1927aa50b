package org.veriflow.protocol.http;

/**
 * A device registered in a stream.
 *
 * @param deviceId the device's identity id
 * @param name its name
 * @param algorithm its key's algorithm
 * @param publicKey its public key (hex)
 * @param status {@code ACTIVE} or {@code REVOKED}
 * @param lastSequence the sequence number of its last legal reading
 * @param registeredHeight the height it was registered at
 * @param revokedHeight the height it was revoked at; null (absent) unless revoked
 * @param revocationReason why it was revoked; null (absent) unless revoked
 */
public record StreamDevice(String deviceId, String name, String algorithm, String publicKey, String status, long lastSequence,
    long registeredHeight, Long revokedHeight, String revocationReason) {}
