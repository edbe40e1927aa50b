package org.veriflow.protocol.streams;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.merkle.MerkleHashes;
import org.veriflow.core.merkle.MerkleTree;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.StoredReading;

/**
 * The canonical CSV export of a dataset snapshot, and its two hashes: SHA-256 of the CSV bytes, and
 * the RFC 6962 root over the readings' digests in row order. The chain computes both when a snapshot
 * is taken; anyone can recompute them from an export.
 *
 * <p>Format: UTF-8, {@code \n} line ends, a header {@code timestamp_millis,device_id,sequence,} then
 * the field names; one row per legal reading ordered by time, device, sequence. A value is written
 * with its field's {@code decimals}, rounded half-even from the exact binary value and never in
 * exponent form ({@link BigDecimal#toPlainString()}), so the text does not depend on the JVM's
 * {@code Double.toString}, which changed between JDK versions.
 *
 * <p>Not thread-safe; one instance per export.
 */
public final class SnapshotFormat {
  private final List<FieldSpec> fields;
  private final MessageDigest csv = Hash.digest();
  private final MerkleTree readings = new MerkleTree();
  private long rows;

  public SnapshotFormat(List<FieldSpec> fields) {
    this.fields = List.copyOf(fields);
    csv.update(header().getBytes(StandardCharsets.UTF_8));
  }

  /** The header line, with its line end. */
  public String header() {
    StringBuilder b = new StringBuilder("timestamp_millis,device_id,sequence");
    for (FieldSpec f : fields) {
      b.append(',').append(f.getName());
    }
    return b.append('\n').toString();
  }

  /**
   * Adds one reading (rows must come in time, device, sequence order) and returns its line.
   *
   * @throws IllegalArgumentException if the reading has another number of values than the fields
   */
  public String add(StoredReading r) {
    if (r.getValuesCount() != fields.size()) {
      throw new IllegalArgumentException("reading has " + r.getValuesCount() + " values, the stream " + fields.size() + " fields");
    }
    StringBuilder b = new StringBuilder();
    b.append(r.getTimestampMillis()).append(',').append(r.getDeviceId()).append(',').append(Long.toUnsignedString(r.getSequence()));
    for (int i = 0; i < fields.size(); i++) {
      b.append(',').append(format(r.getValues(i), fields.get(i).getDecimals()));
    }
    String line = b.append('\n').toString();
    csv.update(line.getBytes(StandardCharsets.UTF_8));
    readings.append(MerkleHashes.leafHash(r.getDigest().toByteArray()));
    rows++;
    return line;
  }

  /** A value with {@code decimals} places, half-even from its exact binary value. */
  public static String format(double value, int decimals) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("value " + value + " is not finite");
    }
    return new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
  }

  public long rowCount() {
    return rows;
  }

  /** SHA-256 of the CSV so far (header and every added row). Does not end the export. */
  public Hash csvSha256() {
    try {
      return Hash.of(((MessageDigest) csv.clone()).digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the platform's SHA-256 cannot be cloned", e);
    }
  }

  /** RFC 6962 root over the digests of the readings added so far. */
  public Hash readingsRoot() {
    return readings.root();
  }
}
