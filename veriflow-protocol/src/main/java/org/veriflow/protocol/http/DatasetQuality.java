package org.veriflow.protocol.http;

import java.util.List;

/**
 * The on-chain summary of a dataset version's quality report.
 *
 * @param rows the rows
 * @param columns the columns
 * @param missing the missing values per column, in schema order
 * @param duplicates the duplicated rows
 * @param outliers the outlying values
 * @param labelBalance the rows per label
 * @param illegalReadingRate the share of the source readings the chain refused
 */
public record DatasetQuality(long rows, long columns, List<Long> missing, long duplicates, long outliers, List<LabelCount> labelBalance,
    double illegalReadingRate) {
  /** Copies the lists. */
  public DatasetQuality {
    missing = List.copyOf(missing);
    labelBalance = List.copyOf(labelBalance);
  }
}
