package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code GET /v1/streams/{id}}.
 *
 * @param streamId the stream's id
 * @param owner the identity that created it
 * @param description its description
 * @param fields its schema
 * @param samplingIntervalMillis the expected interval between a device's readings
 * @param timeWindowMillis how far a reading's time may be from the block's
 * @param createdHeight the height it was created at
 * @param devices its devices
 */
public record Stream(String streamId, String owner, String description, List<StreamField> fields, long samplingIntervalMillis,
    long timeWindowMillis, long createdHeight, List<StreamDevice> devices) {
  /** Copies the lists. */
  public Stream {
    fields = List.copyOf(fields);
    devices = List.copyOf(devices);
  }
}
