package org.veriflow.crypto;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import org.veriflow.core.crypto.Hash;

/**
 * Hashes and counts every byte written through it. {@link #close()} only flushes: the caller owns
 * the underlying stream (Tink's encrypting stream closes its destination). Not thread-safe.
 */
final class MeteredOutputStream extends FilterOutputStream {
  private final MessageDigest digest = Hash.digest();
  private long count;

  MeteredOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    digest.update((byte) b);
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    digest.update(b, off, len);
    count += len;
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }

  long count() {
    return count;
  }

  Hash hash() {
    return Hash.of(digest.digest());
  }
}
