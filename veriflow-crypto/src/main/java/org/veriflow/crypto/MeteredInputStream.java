package org.veriflow.crypto;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import org.veriflow.core.crypto.Hash;

/**
 * Hashes and counts every byte read through it, and remembers whether the underlying stream
 * failed, so that a decryption can tell an I/O error from an authentication failure (Tink reports
 * both as {@link IOException}). Never closes the underlying stream. Not thread-safe.
 */
final class MeteredInputStream extends FilterInputStream {
  private final MessageDigest digest = Hash.digest();
  private long count;
  private IOException failure;

  MeteredInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n;
    try {
      n = in.read(b, off, len);
      if (n == 0) {
        throw new IOException("the ciphertext stream returned no bytes for a read of " + len);
      }
    } catch (IOException | RuntimeException e) {
      failure = e instanceof IOException io ? io : new IOException("the ciphertext stream failed", e);
      throw failure;
    }
    if (n > 0) {
      digest.update(b, off, n);
      count += n;
    }
    return n;
  }

  /** Reads until {@code buffer} is full or the stream ends; returns the number of bytes read. */
  int readFully(byte[] buffer) throws IOException {
    int filled = 0;
    while (filled < buffer.length) {
      int n = read(buffer, filled, buffer.length - filled);
      if (n == -1) {
        break;
      }
      filled += n;
    }
    return filled;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("skipping would leave bytes out of the ciphertext digest");
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public void close() {
    // The caller owns the underlying stream.
  }

  /** The failure of the underlying stream, or null if it never failed. */
  IOException failure() {
    return failure;
  }

  long count() {
    return count;
  }

  Hash hash() {
    return Hash.of(digest.digest());
  }
}
