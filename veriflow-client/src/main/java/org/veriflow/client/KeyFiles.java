package org.veriflow.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SigningKey;

/** Private key files: PKCS#8 PEM, never overwritten, readable by the owner only where the file system allows. */
public final class KeyFiles {
  private KeyFiles() {}

  /**
   * Writes {@code key} to a new file. On a POSIX file system the file is created with mode 600, so it
   * is never readable by others, not even briefly.
   *
   * @param file the file to create; its parent directories are created if missing
   * @param key the private key to write
   * @throws IllegalArgumentException if {@code file} already exists
   * @throws IOException if the file cannot be created or written
   */
  public static void write(Path file, SigningKey key) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    try {
      if (parent.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(file + " already exists; refusing to overwrite a key", e);
    }
    Files.writeString(file, KeyPem.encodePrivate(key), StandardCharsets.UTF_8);
  }

  /**
   * Reads a private key file written by {@link #write} (or by OpenSSL: PKCS#8 PEM, Ed25519 or P-256).
   *
   * @param file the key file
   * @return the key
   * @throws IllegalArgumentException if the file cannot be read, or holds no valid key; the message names the file
   */
  public static SigningKey read(Path file) {
    try {
      return KeyPem.decodePrivate(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read key file " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key file " + file + ": " + e.getMessage(), e);
    }
  }
}
