package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/log/consistency}: the RFC 6962 proof that the log of size {@code to} extends the
 * log of size {@code from}.
 *
 * @param from the older size
 * @param to the newer size
 * @param fromRoot the log's root at the older size (64 hex)
 * @param toRoot the log's root at the newer size (64 hex)
 * @param hashes the proof's hashes (64 hex each)
 */
public record ConsistencyProof(long from, long to, String fromRoot, String toRoot, List<String> hashes) {
  /** Copies the list. */
  public ConsistencyProof {
    hashes = List.copyOf(hashes);
  }
}
