package org.veriflow.ledger.exec;

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
public final class PublicKeys {
  private static final int MAX_ENTRIES = 65_536;
  private static final ConcurrentMap<ByteBuffer, PublicKey> KEYS = new ConcurrentHashMap<>();

  private PublicKeys() {}

  /**
   * @throws IllegalArgumentException as {@link PublicKey#decode} does for an invalid key
   */
  public static PublicKey decode(SignatureAlgorithm algorithm, byte[] encoded) {
    ByteBuffer k = ByteBuffer.allocate(encoded.length + 1).put((byte) algorithm.ordinal()).put(encoded).flip();
    PublicKey cached = KEYS.get(k);
    if (cached != null) {
      return cached;
    }
    PublicKey key = PublicKey.decode(algorithm, encoded);
    if (KEYS.size() >= MAX_ENTRIES) {
      KEYS.clear();
    }
    KEYS.put(k, key);
    return key;
  }
}
