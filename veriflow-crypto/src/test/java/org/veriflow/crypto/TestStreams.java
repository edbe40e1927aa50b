package org.veriflow.crypto;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;

/** Test data and instrumented streams. */
final class TestStreams {
  private TestStreams() {}

  /** {@code length} pseudo-random bytes, the same for the same seed. */
  static byte[] randomBytes(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  /**
   * Serves bytes like a file would, but records the largest read it was asked for, serves at most
   * {@code maxServed} bytes per read, and refuses the bulk reads that would hold everything in
   * memory.
   */
  static final class MeasuringInputStream extends InputStream {
    private final byte[] data;
    private final int maxServed;
    private int position;
    private int largestRequest;
    private boolean closed;

    MeasuringInputStream(byte[] data) {
      this(data, Integer.MAX_VALUE);
    }

    MeasuringInputStream(byte[] data, int maxServed) {
      this.data = data;
      this.maxServed = maxServed;
    }

    @Override
    public int read() {
      throw new AssertionError("single-byte read");
    }

    @Override
    public int read(byte[] b, int off, int len) {
      largestRequest = Math.max(largestRequest, len);
      if (len == 0) {
        return 0;
      }
      if (position == data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, maxServed), data.length - position);
      System.arraycopy(data, position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public byte[] readAllBytes() {
      throw new AssertionError("readAllBytes would hold the whole stream in memory");
    }

    @Override
    public byte[] readNBytes(int len) {
      throw new AssertionError("readNBytes(" + len + ")");
    }

    @Override
    public long transferTo(OutputStream out) {
      throw new AssertionError("transferTo");
    }

    @Override
    public void close() {
      closed = true;
    }

    int largestRequest() {
      return largestRequest;
    }

    int position() {
      return position;
    }

    boolean closed() {
      return closed;
    }
  }

  /** Fails with {@code failure} once {@code limit} bytes have been read. */
  static final class FailingInputStream extends FilterInputStream {
    private final long limit;
    private final IOException failure;
    private long read;

    FailingInputStream(InputStream in, long limit, IOException failure) {
      super(in);
      this.limit = limit;
      this.failure = failure;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (read >= limit) {
        throw failure;
      }
      int n = super.read(b, off, (int) Math.min(len, limit - read));
      if (n > 0) {
        read += n;
      }
      return n;
    }
  }

  /** Collects what is written and remembers whether it was closed. */
  static final class TrackingOutputStream extends ByteArrayOutputStream {
    private boolean closed;
    private int flushes;

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public void flush() {
      flushes++;
    }

    boolean closed() {
      return closed;
    }

    int flushes() {
      return flushes;
    }
  }
}
