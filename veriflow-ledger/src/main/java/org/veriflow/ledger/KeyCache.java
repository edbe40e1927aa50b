package org.veriflow.ledger;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;

/**
 * Decoded, validated sender keys by their encoding. Full Ed25519 key validation (canonical point,
 * prime-order subgroup) costs about as much as a signature check, and senders repeat, so each key is
 * validated once. Bounded: emptied when full. Caching never changes a result. Thread-safe.
 */
final class KeyCache {
  private static final int MAX_ENTRIES = 65_536;
  private final ConcurrentMap<ByteBuffer, PublicKey> keys = new ConcurrentHashMap<>();

  /**
   * @throws IllegalArgumentException as {@link PublicKey#decode} does for an invalid key
   */
  PublicKey decode(SignatureAlgorithm algorithm, byte[] encoded) {
    ByteBuffer k = ByteBuffer.allocate(encoded.length + 1).put((byte) algorithm.ordinal()).put(encoded).flip();
    PublicKey cached = keys.get(k);
    if (cached != null) {
      return cached;
    }
    PublicKey key = PublicKey.decode(algorithm, encoded);
    if (keys.size() >= MAX_ENTRIES) {
      keys.clear();
    }
    keys.put(k, key);
    return key;
  }
}
