package org.veriflow.protocol.http;

/**
 * A reading the chain refused and kept as evidence.
 *
 * @param digest the SHA-256 of the refused reading's bytes (64 hex)
 * @param claimedDevice the device it claimed to be from
 * @param verdict why it was refused
 * @param txId the batch transaction that carried it
 * @param index its position in the batch
 * @param height the batch's block
 */
public record Evidence(String digest, String claimedDevice, String verdict, String txId, int index, long height) {}
