package org.veriflow.contracts.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * State keys of the streams contract. Times are stored big-endian with the sign bit flipped, so that
 * byte order is time order for negative times too.
 *
 * <ul>
 *   <li>{@code s/<stream>} → StreamRecord
 *   <li>{@code d/<stream>/<device>} → DeviceRecord; {@code dv/<device>} → the device's stream id
 *   <li>{@code r/<stream>/} time, device, sequence → StoredReading (legal readings by time)
 *   <li>{@code rd/<stream>/<device>/} time, sequence → empty (legal readings by device and time)
 *   <li>{@code dg/} digest → the reading's {@code r/} key (legal readings by digest)
 *   <li>{@code ev/<stream>/} number, 8 bytes → Evidence (illegal readings, numbered from 0 in the
 *       order they were judged); {@code en/<stream>} → how many, 8 bytes
 *   <li>{@code st/<stream>/<device>/<VERDICT>} → count, 8 bytes
 *   <li>{@code snap/<snapshot id>} → SnapshotRecord; {@code sn/<stream>/<snapshot id>} → empty
 * </ul>
 */
final class StreamKeys {
  private StreamKeys() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] stream(String stream) {
    return utf8("s/" + stream);
  }

  static byte[] device(String stream, String device) {
    return utf8("d/" + stream + "/" + device);
  }

  static byte[] devicePrefix(String stream) {
    return utf8("d/" + stream + "/");
  }

  static byte[] deviceStream(String device) {
    return utf8("dv/" + device);
  }

  static byte[] readingPrefix(String stream) {
    return utf8("r/" + stream + "/");
  }

  static byte[] reading(String stream, long timestampMillis, String device, long sequence) {
    byte[] prefix = readingPrefix(stream);
    byte[] dev = utf8(device);
    return ByteBuffer.allocate(prefix.length + 8 + dev.length + 8)
        .put(prefix).putLong(timestampMillis ^ Long.MIN_VALUE).put(dev).putLong(sequence).array();
  }

  /** Everything at or after {@code timestampMillis} sorts after this key (it is no reading's key). */
  static byte[] readingTimeFloor(String stream, long timestampMillis) {
    byte[] prefix = readingPrefix(stream);
    return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(timestampMillis ^ Long.MIN_VALUE).array();
  }

  static long readingTime(byte[] key, int prefixLength) {
    return ByteBuffer.wrap(key, prefixLength, 8).getLong() ^ Long.MIN_VALUE;
  }

  static byte[] deviceReadingPrefix(String stream, String device) {
    return utf8("rd/" + stream + "/" + device + "/");
  }

  static byte[] deviceReading(String stream, String device, long timestampMillis, long sequence) {
    byte[] prefix = deviceReadingPrefix(stream, device);
    return ByteBuffer.allocate(prefix.length + 16).put(prefix).putLong(timestampMillis ^ Long.MIN_VALUE).putLong(sequence).array();
  }

  static byte[] deviceReadingTimeFloor(String stream, String device, long timestampMillis) {
    byte[] prefix = deviceReadingPrefix(stream, device);
    return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(timestampMillis ^ Long.MIN_VALUE).array();
  }

  static byte[] digest(byte[] digest) {
    byte[] p = utf8("dg/");
    return ByteBuffer.allocate(p.length + digest.length).put(p).put(digest).array();
  }

  static byte[] evidence(String stream, long number) {
    byte[] p = evidencePrefix(stream);
    return ByteBuffer.allocate(p.length + 8).put(p).putLong(number).array();
  }

  static byte[] evidenceCount(String stream) {
    return utf8("en/" + stream);
  }

  static byte[] evidencePrefix(String stream) {
    return utf8("ev/" + stream + "/");
  }

  static byte[] stats(String stream, String device, String verdict) {
    return utf8("st/" + stream + "/" + device + "/" + verdict);
  }

  static byte[] statsPrefix(String stream) {
    return utf8("st/" + stream + "/");
  }

  static byte[] snapshot(String id) {
    return utf8("snap/" + id);
  }

  static byte[] streamSnapshot(String stream, String id) {
    return utf8("sn/" + stream + "/" + id);
  }

  static byte[] count(long n) {
    return ByteBuffer.allocate(8).putLong(n).array();
  }

  static long count(byte[] b) {
    return ByteBuffer.wrap(b).getLong();
  }
}
