package org.veriflow.contracts.identities;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.veriflow.ledger.GenesisState;
import org.veriflow.ledger.exec.StateView;

/**
 * The chain's blob quota: how many bytes and how many blobs one identity may keep uploaded on a
 * node ({@code PUT /v1/blobs/{hash}}) at once. Every node enforces it for its own store; a blob
 * stops counting once the node collects it. A genesis parameter, kept in the identities namespace
 * under {@code p/blob_quota_bytes} and {@code p/blob_quota_count} (8 bytes big-endian each), each
 * written only when it differs from its default, so that a genesis which leaves both at their
 * defaults gives the same block 0 as before the parameters existed.
 *
 * @param maxBytes most bytes of blobs one identity keeps uploaded on a node, at least 1
 * @param maxCount most blobs one identity keeps uploaded on a node, at least 1
 */
public record BlobQuota(long maxBytes, long maxCount) {
  /** Default bytes per identity: 4 GiB. */
  public static final long DEFAULT_MAX_BYTES = 4L << 30;
  /** Default blobs per identity. */
  public static final long DEFAULT_MAX_COUNT = 10_000;
  /** The quota of a chain whose genesis sets neither parameter. */
  public static final BlobQuota DEFAULT = new BlobQuota(DEFAULT_MAX_BYTES, DEFAULT_MAX_COUNT);

  private static final byte[] BYTES_KEY = "p/blob_quota_bytes".getBytes(StandardCharsets.UTF_8);
  private static final byte[] COUNT_KEY = "p/blob_quota_count".getBytes(StandardCharsets.UTF_8);

  /** @throws IllegalArgumentException if either limit is below 1 */
  public BlobQuota {
    if (maxBytes < 1 || maxCount < 1) {
      throw new IllegalArgumentException("a blob quota needs at least 1 byte and 1 blob, not " + maxBytes + " bytes and " + maxCount + " blobs");
    }
  }

  /**
   * The genesis writes that set this quota: none for a default limit.
   *
   * @return the writes of block 0, in key order
   */
  public List<GenesisState.Write> genesisWrites() {
    List<GenesisState.Write> writes = new ArrayList<>(2);
    if (maxBytes != DEFAULT_MAX_BYTES) {
      writes.add(new GenesisState.Write(Identities.NAME, BYTES_KEY, ByteBuffer.allocate(Long.BYTES).putLong(maxBytes).array()));
    }
    if (maxCount != DEFAULT_MAX_COUNT) {
      writes.add(new GenesisState.Write(Identities.NAME, COUNT_KEY, ByteBuffer.allocate(Long.BYTES).putLong(maxCount).array()));
    }
    return writes;
  }

  /**
   * The chain's quota: the genesis parameters, each its default when absent.
   *
   * @param identities the identities namespace
   * @return the quota
   * @throws IllegalStateException if a stored parameter is damaged
   */
  public static BlobQuota of(StateView identities) {
    return new BlobQuota(read(identities, BYTES_KEY).orElse(DEFAULT_MAX_BYTES), read(identities, COUNT_KEY).orElse(DEFAULT_MAX_COUNT));
  }

  private static Optional<Long> read(StateView state, byte[] key) {
    return state.get(key).map(b -> {
      long v = b.length == Long.BYTES ? ByteBuffer.wrap(b).getLong() : -1;
      if (v < 1) {
        throw new IllegalStateException("stored blob quota parameter " + new String(key, StandardCharsets.UTF_8) + " is not a positive 8-byte count");
      }
      return v;
    });
  }
}
