package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/datasets/{id}}.
 *
 * @param latest the highest version
 * @param versions every version's number, ascending
 */
public record Dataset(DatasetVersion latest, List<Long> versions) {
  /** Copies the list. */
  public Dataset {
    versions = List.copyOf(versions);
  }
}
