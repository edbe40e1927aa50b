package org.veriflow.protocol.http;

import java.util.List;

/**
 * A legal reading as the chain keeps it ({@code GET /v1/readings/{digest}}, and each reading of a
 * page).
 *
 * @param digest the SHA-256 of the signed reading bytes (64 hex)
 * @param deviceId the device that signed it
 * @param sequence the device's sequence number
 * @param timestamp the reading's time, milliseconds since the epoch
 * @param values its values, in the schema's field order
 * @param txId the batch transaction that carried it
 * @param index its position in the batch
 * @param height the batch's block
 * @param reading the bytes the device signed, base64; null (absent) unless asked for
 * @param signature the device's signature, base64; null (absent) unless asked for
 */
public record Reading(String digest, String deviceId, long sequence, long timestamp, List<Double> values, String txId, int index,
    long height, String reading, String signature) {
  /** Copies the list. */
  public Reading {
    values = List.copyOf(values);
  }
}
