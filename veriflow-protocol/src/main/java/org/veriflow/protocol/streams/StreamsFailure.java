package org.veriflow.protocol.streams;

import org.veriflow.protocol.FailureCode;

/**
 * Why a call to the streams contract failed. The names are stable codes: never rename one. (An
 * illegal reading does not fail its batch: it gets a verdict instead.)
 */
public enum StreamsFailure implements FailureCode {
  /** The arguments do not decode, or break a rule of the method (ids, schema, batch size, range). */
  BAD_ARGUMENTS,
  /** The sender is not an active identity, not an organisation, or not the owner of the stream. */
  NOT_AUTHORISED,
  /** {@code create}: a stream with that id exists. */
  STREAM_EXISTS,
  /** No stream has the id given. */
  UNKNOWN_STREAM,
  /** {@code register_device}: the device is already registered, in this stream or another. */
  DEVICE_EXISTS,
  /** {@code revoke_device}: the stream has no such device. */
  UNKNOWN_DEVICE,
  /** {@code revoke_device}: the device is already revoked. */
  ALREADY_REVOKED,
  /** {@code snapshot}: the time range holds more readings than one snapshot may. */
  SNAPSHOT_TOO_LARGE
}
