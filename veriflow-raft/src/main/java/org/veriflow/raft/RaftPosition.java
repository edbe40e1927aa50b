package org.veriflow.raft;

import java.nio.ByteBuffer;

/** The Raft term and index of the log entry that carried a block: 16 bytes, big-endian. */
record RaftPosition(long term, long index) {
  byte[] encode() {
    return ByteBuffer.allocate(16).putLong(term).putLong(index).array();
  }

  static RaftPosition decode(byte[] b) {
    if (b.length != 16) {
      throw new IllegalStateException("a stored Raft position is 16 bytes, not " + b.length);
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    return new RaftPosition(buf.getLong(), buf.getLong());
  }
}
