package org.veriflow.protocol.http;

import java.util.List;

/**
 * A transaction's RFC 6962 inclusion proof in the global log.
 *
 * @param leafIndex the transaction's leaf in the log
 * @param logSize the log's size at the transaction's block
 * @param blockHeight the transaction's block
 * @param hashes the proof's hashes (64 hex each)
 */
public record InclusionProof(long leafIndex, long logSize, long blockHeight, List<String> hashes) {
  /** Copies the list. */
  public InclusionProof {
    hashes = List.copyOf(hashes);
  }
}
