package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/grants/{id}}, and each grant of a page.
 *
 * @param grantId the grant's id
 * @param datasetId the dataset
 * @param version the version
 * @param grantee the requesting identity
 * @param purpose the stated purpose
 * @param status its status
 * @param sequence its number among the version's grants
 * @param requestedHeight the height it was requested at
 * @param requestedMillis the time it was requested at
 * @param price the credits it costs
 * @param maxReads the reads it allows (0: unlimited)
 * @param expiryHeight the height it expires at (0: never)
 * @param expiryMillis the time it expires at (0: never)
 * @param reads the reads recorded so far
 * @param paid the credits paid to the owner so far
 * @param escrowed the credits still held in escrow
 * @param history its status changes
 */
public record Grant(String grantId, String datasetId, long version, String grantee, String purpose, String status, long sequence,
    long requestedHeight, long requestedMillis, long price, long maxReads, long expiryHeight, long expiryMillis, long reads, long paid,
    long escrowed, List<StatusChange> history) {
  /** Copies the list. */
  public Grant {
    history = List.copyOf(history);
  }
}
