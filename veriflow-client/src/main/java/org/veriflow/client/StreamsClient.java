package org.veriflow.client;

import static org.veriflow.client.Bodies.read;
import static org.veriflow.client.Bodies.storedReading;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.http.Reading;
import org.veriflow.protocol.http.ReadingPage;
import org.veriflow.protocol.http.Snapshot;
import org.veriflow.protocol.http.Stream;
import org.veriflow.protocol.http.StreamStats;

/**
 * A node's sensor streams, their readings and snapshots: {@link VeriflowClient#streams()}. It shares
 * its client's transport and is thread-safe like it.
 *
 * <p>Every method throws {@link ClientException} with the node's stable error code when the node
 * refuses a request, and with code {@code UNREACHABLE} when it cannot be reached.
 */
public final class StreamsClient {
  private final VeriflowClient chain;
  private final Http http;

  StreamsClient(VeriflowClient chain, Http http) {
    this.chain = chain;
    this.http = http;
  }

  /**
   * A stream's record with its schema and devices ({@code GET /v1/streams/{id}}).
   *
   * @param id the stream's id
   * @return the stream
   * @throws ClientException {@code UNKNOWN_STREAM} if there is none
   */
  public Responses.Stream stream(String id) {
    Stream st = read(http.get("/v1/streams/" + id), Stream.class);
    List<Responses.Field> fields = st.fields().stream()
        .map(f -> new Responses.Field(f.name(), f.unit(), f.min(), f.max(), f.decimals())).toList();
    List<Responses.Device> devices = st.devices().stream()
        .map(d -> new Responses.Device(d.deviceId(), d.name(), d.algorithm(), d.publicKey(), d.status(), d.lastSequence())).toList();
    return new Responses.Stream(st.streamId(), st.owner(), st.description(), fields, st.samplingIntervalMillis(), st.timeWindowMillis(), devices);
  }

  /**
   * Legal readings of {@code stream} with {@code from <= time < to}, optionally of one device, in
   * time order ({@code GET /v1/streams/{id}/readings}).
   *
   * @param stream the stream's id
   * @param device the device's id, or null for all devices
   * @param fromMillis the first time included
   * @param toMillis the first time excluded
   * @param limit at most this many per page (the node caps it)
   * @param cursor a previous page's {@code next}, or null for the first page
   * @return one page of readings and the cursor of the next, if any
   * @throws ClientException {@code UNKNOWN_STREAM} if there is none
   */
  public Responses.ReadingPage readings(String stream, String device, long fromMillis, long toMillis, int limit, String cursor) {
    StringBuilder q = new StringBuilder("/v1/streams/" + stream + "/readings?from=" + fromMillis + "&to=" + toMillis + "&limit=" + limit);
    if (device != null) {
      q.append("&device=").append(device);
    }
    if (cursor != null) {
      q.append("&cursor=").append(cursor);
    }
    ReadingPage page = read(http.get(q.toString()), ReadingPage.class);
    return new Responses.ReadingPage(page.readings().stream().map(Bodies::storedReading).toList(), Optional.ofNullable(page.next()));
  }

  /**
   * Like {@link #readings} for all devices, but each reading also carries the bytes its device signed
   * and the signature, as its batch transaction holds them ({@code signed=true}), so that a whole
   * snapshot can be checked offline without one request per reading. Nothing is checked here: the
   * caller hashes the bytes, verifies the signature and compares the batch transaction.
   *
   * @param stream the stream's id
   * @param fromMillis the first time included
   * @param toMillis the first time excluded
   * @param limit at most this many per page (the node caps it)
   * @param cursor a previous page's {@code next}, or null for the first page
   * @return one page of signed readings and the cursor of the next, if any
   * @throws ClientException {@code UNKNOWN_STREAM} if there is none
   */
  public Responses.SignedReadingPage signedReadings(String stream, long fromMillis, long toMillis, int limit, String cursor) {
    StringBuilder q = new StringBuilder("/v1/streams/" + stream + "/readings?signed=true&from=" + fromMillis + "&to=" + toMillis + "&limit=" + limit);
    if (cursor != null) {
      q.append("&cursor=").append(cursor);
    }
    ReadingPage page = read(http.get(q.toString()), ReadingPage.class);
    Base64.Decoder b64 = Base64.getDecoder();
    List<Responses.SignedReading> out = new ArrayList<>();
    for (Reading r : page.readings()) {
      out.add(new Responses.SignedReading(storedReading(r), b64.decode(r.reading() == null ? "" : r.reading()),
          b64.decode(r.signature() == null ? "" : r.signature())));
    }
    return new Responses.SignedReadingPage(out, Optional.ofNullable(page.next()));
  }

  /**
   * A stream's readings by verdict, per device and in total ({@code GET /v1/streams/{id}/stats}).
   *
   * @param stream the stream's id
   * @return the counts
   * @throws ClientException {@code UNKNOWN_STREAM} if there is none
   */
  public Responses.StreamStats streamStats(String stream) {
    StreamStats st = read(http.get("/v1/streams/" + stream + "/stats"), StreamStats.class);
    java.util.Map<String, java.util.Map<String, Long>> devices = new java.util.TreeMap<>(st.devices());
    return new Responses.StreamStats(devices, new java.util.TreeMap<>(st.totals()));
  }

  /**
   * A snapshot's on-chain record ({@code GET /v1/snapshots/{id}}).
   *
   * @param id the snapshot's id
   * @return the snapshot
   * @throws ClientException {@code UNKNOWN_SNAPSHOT} if there is none
   */
  public Responses.Snapshot snapshot(String id) {
    Snapshot sn = read(http.get("/v1/snapshots/" + id), Snapshot.class);
    // An open bound is left out of the answer: it is the whole past or future, as the chain holds it.
    return new Responses.Snapshot(sn.snapshotId(), sn.streamId(), sn.from() == null ? Long.MIN_VALUE : sn.from(),
        sn.to() == null ? Long.MAX_VALUE : sn.to(), sn.title(), sn.rowCount(), sn.csvSha256(),
        sn.readingsRoot(), sn.creator(), sn.height());
  }

  /**
   * Checks a legal reading end to end: its bytes hash to {@code digest}, its device signed them, the
   * batch transaction at its place carries exactly those bytes, and that transaction is in the log
   * recorded by its block's orderer-signed header.
   *
   * @param digestHex the reading's SHA-256, in hex (either case)
   * @return the reading as the node stores it, checked
   * @throws ProofException if any link fails
   * @throws ClientException {@code UNKNOWN_READING} if the node has no legal reading of that digest
   */
  public Responses.StoredReading verifyReading(String digestHex) throws ProofException {
    String digest = digestHex.toLowerCase(java.util.Locale.ROOT);
    Reading r = read(http.get("/v1/readings/" + digest), Reading.class);
    Responses.StoredReading stored = storedReading(r);
    byte[] bytes = Base64.getDecoder().decode(r.reading() == null ? "" : r.reading());
    byte[] signature = Base64.getDecoder().decode(r.signature() == null ? "" : r.signature());
    if (!org.veriflow.core.crypto.Hash.sha256(bytes).hex().equals(digest)) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.PAYLOAD_HASH_MISMATCH, "the reading's bytes do not hash to " + digest);
    }
    org.veriflow.protocol.proto.streams.Reading reading;
    try {
      reading = org.veriflow.protocol.proto.streams.Reading.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.MALFORMED_PAYLOAD, "the reading's bytes do not decode");
    }
    if (!reading.getDeviceId().equals(stored.deviceId()) || reading.getSequence() != stored.sequence()
        || reading.getTimestampMillis() != stored.timestamp() || !reading.getValuesList().equals(stored.values())) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.CONTENT_MISMATCH, "the stored reading differs from the signed one");
    }
    Responses.Device device = stream(reading.getStreamId()).devices().stream().filter(d -> d.deviceId().equals(reading.getDeviceId())).findFirst()
        .orElseThrow(() -> new ProofException(org.veriflow.core.merkle.ProofFailure.UNKNOWN_DEVICE, "device " + reading.getDeviceId() + " is not in the stream"));
    org.veriflow.core.crypto.PublicKey key = org.veriflow.core.crypto.PublicKey.decode(
        org.veriflow.core.crypto.SignatureAlgorithm.valueOf(device.algorithm()), org.veriflow.core.Hex.decode(device.publicKeyHex()));
    if (!key.id().value().equals(device.deviceId()) || !key.verify(bytes, signature).isValid()) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.SIGNATURE_INVALID, "the device's signature over the reading does not verify");
    }
    try {
      org.veriflow.protocol.proto.streams.SubmitReadings batch = org.veriflow.protocol.proto.streams.SubmitReadings.parseFrom(
          chain.callArguments(stored.txId(), "streams", "submit"));
      if (stored.index() >= batch.getReadingsCount() || !java.util.Arrays.equals(batch.getReadings(stored.index()).getReading().toByteArray(), bytes)) {
        throw new ProofException(org.veriflow.core.merkle.ProofFailure.TX_NOT_IN_BATCH, "transaction " + stored.txId() + " does not carry the reading at index " + stored.index());
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.UNEXPECTED_CALL, "transaction " + stored.txId() + " is not a batch of readings");
    }
    chain.verifyInclusion(stored.txId());
    return stored;
  }

  /**
   * Writes a snapshot's canonical CSV to {@code out} (from the chain's readings), recomputes its
   * SHA-256 and the RFC 6962 root over the readings' digests, and checks both and the row count
   * against the snapshot's on-chain record.
   *
   * @param snapshotId the snapshot's id (its transaction's id)
   * @param out the file to write (replaced if it exists)
   * @return the snapshot's record and what the export gave
   * @throws ProofException if anything differs (the file is still written, for inspection)
   * @throws ClientException {@code UNKNOWN_SNAPSHOT} if there is none
   * @throws IOException if {@code out} cannot be written
   */
  public Responses.SnapshotExport exportSnapshot(String snapshotId, java.nio.file.Path out) throws ProofException, IOException {
    Responses.Snapshot snap = snapshot(snapshotId);
    Responses.Stream stream = stream(snap.streamId());
    List<org.veriflow.protocol.proto.streams.FieldSpec> fields = new ArrayList<>();
    for (Responses.Field f : stream.fields()) {
      fields.add(org.veriflow.protocol.proto.streams.FieldSpec.newBuilder().setName(f.name()).setUnit(f.unit()).setMin(f.min()).setMax(f.max()).setDecimals(f.decimals()).build());
    }
    org.veriflow.protocol.streams.SnapshotFormat format = new org.veriflow.protocol.streams.SnapshotFormat(fields);
    try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(out, java.nio.charset.StandardCharsets.UTF_8)) {
      w.write(format.header());
      String cursor = null;
      do {
        Responses.ReadingPage page = readings(snap.streamId(), null, snap.from(), snap.to(), Limits.MAX_PAGE, cursor);
        for (Responses.StoredReading r : page.readings()) {
          if (r.height() >= snap.height()) {
            continue; // arrived with or after the snapshot: not part of it
          }
          w.write(format.add(org.veriflow.protocol.proto.streams.StoredReading.newBuilder()
              .setDigest(com.google.protobuf.ByteString.copyFrom(org.veriflow.core.Hex.decode(r.digest())))
              .setDeviceId(r.deviceId()).setSequence(r.sequence()).setTimestampMillis(r.timestamp()).addAllValues(r.values()).build()));
        }
        cursor = page.next().orElse(null);
      } while (cursor != null);
    }
    Responses.SnapshotExport export = new Responses.SnapshotExport(snap, format.rowCount(), format.csvSha256().hex(), format.readingsRoot().hex());
    if (export.rows() != snap.rowCount() || !export.csvSha256().equals(snap.csvSha256()) || !export.readingsRoot().equals(snap.readingsRoot())) {
      throw new ProofException(org.veriflow.core.merkle.ProofFailure.SNAPSHOT_MISMATCH, "export of snapshot " + snapshotId + " gives " + export.rows()
          + " rows, CSV SHA-256 " + export.csvSha256() + ", readings root " + export.readingsRoot() + "; the chain records "
          + snap.rowCount() + ", " + snap.csvSha256() + ", " + snap.readingsRoot());
    }
    return export;
  }
}
