package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/datasets}: a page of dataset versions.
 *
 * @param datasets the page's versions
 * @param next the cursor of the next page; null (absent) on the last page
 */
public record DatasetPage(List<DatasetVersion> datasets, String next) {
  /** Copies the list. */
  public DatasetPage {
    datasets = List.copyOf(datasets);
  }
}
