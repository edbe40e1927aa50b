package org.veriflow.node.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.veriflow.core.crypto.Hash;

/**
 * A content-addressed store of immutable blobs (model artifacts, loss curves, dataset exports),
 * named by the SHA-256 of their bytes. The blob with hash {@code abcdef…} lives in {@code
 * root/ab/cdef…}. An upload is streamed through a fixed buffer into a temporary file in {@code root}
 * (so on the same file system), hashed on the way, forced to disk and only then renamed into place
 * atomically: a reader sees a whole blob or none, and after a crash only temporary files remain,
 * which {@link #open} removes.
 *
 * <p>Thread-safe: concurrent uploads of the same or different blobs each write their own temporary
 * file; the final rename of identical content is idempotent.
 */
public final class BlobStore {
  /** Why an upload was refused; the names are the HTTP API's error codes. */
  public enum Reason {
    /** The bytes do not hash to the hash the client announced. */
    HASH_MISMATCH,
    /** The upload exceeds the store's size limit. */
    TOO_LARGE,
    /**
     * The store could not write the blob (its disk is full or refuses writes); nothing of the upload
     * is kept.
     */
    STORAGE_FULL,
    /**
     * The uploader's quota (bytes or blobs kept on this node) would be exceeded; refused by {@link
     * BlobUploads}, never by the store itself.
     */
    QUOTA_EXCEEDED
  }

  /**
   * Where uploads are written: opens the temporary file for writing. The default writes to the file
   * system; another one (a quota'd or failing disk) lets callers and tests meet a store that refuses
   * writes. An {@link IOException} thrown by the sink's {@code write} or {@code force} makes the
   * upload {@link Reason#STORAGE_FULL}.
   */
  @FunctionalInterface
  public interface Disk {
    /** The file system as it is. */
    Disk FILES = temp -> {
      FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE);
      return new Sink() {
        @Override
        public void write(ByteBuffer src) throws IOException {
          while (src.hasRemaining()) {
            ch.write(src);
          }
        }

        @Override
        public void force() throws IOException {
          ch.force(true);
        }

        @Override
        public void close() throws IOException {
          ch.close();
        }
      };
    };

    /**
     * Opens {@code temp}, an existing empty file, for writing.
     *
     * @param temp the upload's temporary file
     * @return a sink the caller closes
     * @throws IOException if the file cannot be opened
     */
    Sink open(Path temp) throws IOException;

    /** An upload's bytes on their way to disk. Not thread-safe. */
    interface Sink extends java.io.Closeable {
      /** Writes all of {@code src}'s remaining bytes. */
      void write(ByteBuffer src) throws IOException;

      /** Forces what was written to the storage device. */
      void force() throws IOException;
    }
  }

  /** The outcome of {@link #put}: {@link Stored} or {@link Refused}. */
  public sealed interface PutResult permits Stored, Refused {}

  /**
   * The blob is in the store.
   *
   * @param created false if an identical blob was already there
   */
  public record Stored(Hash hash, long sizeBytes, boolean created) implements PutResult {
    public Stored {
      Objects.requireNonNull(hash, "hash");
      if (sizeBytes < 0) {
        throw new IllegalArgumentException("blob size must not be negative, not " + sizeBytes);
      }
    }
  }

  /**
   * The upload was refused and nothing of it is kept.
   *
   * @param computed for {@link Reason#HASH_MISMATCH}, the SHA-256 of the bytes received; otherwise
   *     empty
   */
  public record Refused(Reason reason, String message, Optional<Hash> computed) implements PutResult {
    public Refused {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(computed, "computed");
    }
  }

  static final String TEMP_PREFIX = ".upload-";
  private static final int BUFFER_BYTES = 64 * 1024;

  private final Path root;
  private final long maxBytes;
  private final Disk disk;

  private BlobStore(Path root, long maxBytes, Disk disk) {
    this.root = root;
    this.maxBytes = maxBytes;
    this.disk = disk;
  }

  /**
   * Opens (creating if needed) the store in {@code root} and deletes the temporary files of uploads
   * that a crash interrupted.
   *
   * @param maxBytes the largest blob {@link #put} accepts
   * @throws IllegalArgumentException if {@code maxBytes} is less than 1
   * @throws IOException if the directory cannot be created or cleaned
   */
  public static BlobStore open(Path root, long maxBytes) throws IOException {
    return open(root, maxBytes, Disk.FILES);
  }

  /**
   * Like {@link #open(Path, long)}, writing uploads through {@code disk}.
   *
   * @param disk opens each upload's temporary file for writing
   * @throws IllegalArgumentException if {@code maxBytes} is less than 1
   * @throws IOException if the directory cannot be created or cleaned
   */
  public static BlobStore open(Path root, long maxBytes, Disk disk) throws IOException {
    Objects.requireNonNull(disk, "disk");
    if (maxBytes < 1) {
      throw new IllegalArgumentException("blob size limit must be at least 1 byte, not " + maxBytes);
    }
    Files.createDirectories(root);
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(root, TEMP_PREFIX + "*")) {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
    return new BlobStore(root, maxBytes, disk);
  }

  /** The largest blob accepted, in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * Stores the bytes of {@code in} (read to its end, not closed) if they hash to {@code expected}.
   * Memory use is one fixed buffer whatever the size. Reading stops as soon as the limit is passed.
   *
   * @return {@link Stored} (also when the blob was already there), or {@link Refused} with {@link
   *     Reason#HASH_MISMATCH} and the computed hash, with {@link Reason#TOO_LARGE}, or with {@link
   *     Reason#STORAGE_FULL} when the store cannot write; a refused upload leaves no file behind
   * @throws IOException if reading {@code in} fails, or the finished blob cannot be moved into
   *     place; no partial blob is left
   */
  public PutResult put(Hash expected, InputStream in) throws IOException {
    Objects.requireNonNull(expected, "expected");
    Path temp;
    try {
      temp = Files.createTempFile(root, TEMP_PREFIX, ".part");
    } catch (IOException e) {
      return storageFull(e);
    }
    boolean keep = false;
    try {
      MessageDigest md = Hash.digest();
      long size = 0;
      Disk.Sink out;
      try {
        out = disk.open(temp);
      } catch (IOException e) {
        return storageFull(e);
      }
      try (out) {
        byte[] buf = new byte[BUFFER_BYTES];
        int n;
        while ((n = in.read(buf)) != -1) {
          size += n;
          if (size > maxBytes) {
            return new Refused(Reason.TOO_LARGE, "blob exceeds the limit of " + maxBytes + " bytes", Optional.empty());
          }
          md.update(buf, 0, n);
          ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
          try {
            out.write(bb);
          } catch (IOException e) {
            return storageFull(e);
          }
        }
        try {
          // Durable before it becomes visible under its name.
          out.force();
        } catch (IOException e) {
          return storageFull(e);
        }
      }
      Hash computed = Hash.of(md.digest());
      if (!computed.equals(expected)) {
        return new Refused(Reason.HASH_MISMATCH, "the " + size + " bytes received hash to " + computed.hex() + ", not " + expected.hex(),
            Optional.of(computed));
      }
      Path target = path(expected);
      if (Files.exists(target)) {
        return new Stored(expected, size, false);
      }
      try {
        Files.createDirectories(target.getParent());
      } catch (IOException e) {
        return storageFull(e);
      }
      try {
        // On POSIX a rename over an existing file replaces it atomically; a concurrent upload of the
        // same hash can only have put identical bytes there.
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        return new Stored(expected, size, false);
      }
      keep = true;
      syncDirectory(target.getParent());
      return new Stored(expected, size, true);
    } finally {
      if (!keep) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private static Refused storageFull(IOException cause) {
    return new Refused(Reason.STORAGE_FULL, "the node's blob store cannot write: " + cause.getMessage(), Optional.empty());
  }

  /** Whether the blob is stored. */
  public boolean exists(Hash hash) {
    return Files.isRegularFile(path(hash));
  }

  /**
   * The blob's size in bytes, or empty if it is not stored.
   *
   * @throws IOException if the file exists but cannot be read
   */
  public OptionalLong size(Hash hash) throws IOException {
    try {
      return OptionalLong.of(Files.size(path(hash)));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * A stream over the stored blob, which the caller must close; empty if it is not stored.
   *
   * @throws IOException if the file exists but cannot be opened
   */
  public Optional<InputStream> open(Hash hash) throws IOException {
    try {
      return Optional.of(Files.newInputStream(path(hash)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Deletes the blob, durably: the directory is synced, so that it stays deleted after a crash.
   * Streams already opened on it may still read it to the end (POSIX).
   *
   * @return whether there was such a blob
   * @throws IOException if the file or its directory cannot be deleted or synced
   */
  public boolean delete(Hash hash) throws IOException {
    Path p = path(hash);
    boolean deleted = Files.deleteIfExists(p);
    if (deleted) {
      syncDirectory(p.getParent());
    }
    return deleted;
  }

  /** The store's directory. */
  public Path root() {
    return root;
  }

  /** Where the blob {@code hash} is (or would be) stored. */
  Path path(Hash hash) {
    String hex = hash.hex();
    return root.resolve(hex.substring(0, 2)).resolve(hex.substring(2));
  }

  /** Makes a rename in {@code dir} durable (POSIX: fsync of the directory). */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
