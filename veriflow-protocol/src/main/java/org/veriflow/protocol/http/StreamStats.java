package org.veriflow.protocol.http;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@code GET /v1/streams/{id}/stats}: readings by verdict, per device and in total.
 *
 * @param streamId the stream's id
 * @param devices per device id, the count of readings by verdict
 * @param totals the counts by verdict over all devices
 */
public record StreamStats(String streamId, SortedMap<String, SortedMap<String, Long>> devices, SortedMap<String, Long> totals) {
  /** Copies the maps, in key order. */
  public StreamStats {
    SortedMap<String, SortedMap<String, Long>> d = new TreeMap<>();
    for (Map.Entry<String, SortedMap<String, Long>> e : devices.entrySet()) {
      d.put(e.getKey(), java.util.Collections.unmodifiableSortedMap(new TreeMap<>(e.getValue())));
    }
    devices = java.util.Collections.unmodifiableSortedMap(d);
    totals = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(totals));
  }
}
