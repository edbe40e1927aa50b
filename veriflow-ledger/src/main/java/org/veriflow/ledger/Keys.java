package org.veriflow.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Byte encodings of store keys and small values. Big-endian so that byte order is numeric order. */
final class Keys {
  static final byte[] META_HEAD = "head".getBytes(StandardCharsets.UTF_8);
  static final byte[] META_APPLIED = "applied".getBytes(StandardCharsets.UTF_8);
  /** The orderer's position (e.g. its Raft term and index) of the last committed block. */
  static final byte[] META_ORDERER_POSITION = "orderer-position".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ORDERER_POSITION_PREFIX = "orderer-position/".getBytes(StandardCharsets.UTF_8);

  private Keys() {}

  static byte[] height(long height) {
    return ByteBuffer.allocate(8).putLong(height).array();
  }

  static long readLong(byte[] b) {
    if (b.length != 8) {
      throw new IllegalStateException("stored value must be 8 bytes, not " + b.length);
    }
    return ByteBuffer.wrap(b).getLong();
  }

  /** The META key of the orderer's position of the block at {@code height}. */
  static byte[] ordererPosition(long height) {
    return ByteBuffer.allocate(ORDERER_POSITION_PREFIX.length + 8).put(ORDERER_POSITION_PREFIX).putLong(height).array();
  }

  static byte[] result(long height, int index) {
    return ByteBuffer.allocate(12).putLong(height).putInt(index).array();
  }

  static byte[] logNode(int level, long index) {
    return ByteBuffer.allocate(9).put((byte) level).putLong(index).array();
  }

  /** The full state key: namespace, 0x00, key. */
  static byte[] state(String namespace, byte[] key) {
    byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(ns, ns.length + 1 + key.length);
    System.arraycopy(key, 0, out, ns.length + 1, key.length);
    return out;
  }

  /** Length of the namespace prefix (namespace and 0x00) of a full key in {@code namespace}. */
  static int namespacePrefixLength(String namespace) {
    return namespace.getBytes(StandardCharsets.UTF_8).length + 1;
  }

  /** The smallest key greater than every key starting with {@code prefix}, or null if none exists. */
  static byte[] prefixEnd(byte[] prefix) {
    byte[] end = prefix.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xFF) {
        end[i]++;
        return Arrays.copyOf(end, i + 1);
      }
    }
    return null;
  }
}
