package org.veriflow.protocol.http;

/**
 * {@code GET /v1/snapshots/{id}}.
 *
 * @param snapshotId the snapshot's id (64 hex)
 * @param streamId its stream
 * @param from the start of its time range (inclusive), milliseconds since the epoch; null (left
 *     out) when the range is open at the start
 * @param to the end of its time range (exclusive); null (left out) when the range is open at the end
 * @param title its title
 * @param rowCount the readings it holds
 * @param csvSha256 the SHA-256 of its canonical CSV (64 hex)
 * @param readingsRoot the RFC 6962 root over its readings' digests (64 hex)
 * @param creator the identity that took it
 * @param height the height it was taken at
 */
public record Snapshot(String snapshotId, String streamId, Long from, Long to, String title, long rowCount, String csvSha256,
    String readingsRoot, String creator, long height) {}
