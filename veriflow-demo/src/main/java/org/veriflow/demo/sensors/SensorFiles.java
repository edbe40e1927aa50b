package org.veriflow.demo.sensors;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.veriflow.client.KeyFiles;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.SignedReading;

/**
 * The files the simulator, the attacker and the importer write into their output directory, and
 * how to read them back. Every method throws {@link UncheckedIOException} when the file system
 * fails, keeping the cause.
 *
 * <ul>
 *   <li>{@value #KEYS_DIR}/NAME.key: each device's private key, PKCS#8 PEM, readable only by its owner;
 *   <li>{@value #DEVICES_CSV}: name, device id and key type of each device;
 *   <li>{@value #STREAM_FILE}: the {@code CreateStream} message of the stream the readings belong to;
 *   <li>{@value #SIGNED_READINGS}: the signed readings in submission order, each a length-delimited
 *       {@code SignedReading} ({@code writeDelimitedTo}), so that they can be replayed byte for byte;
 *   <li>{@value #TRUTH_CSV}: simulator only, true and measured values;
 *   <li>{@value #ATTACK_CSV}, {@value #ATTACK_READINGS}, {@value #WITHOUT_LEDGER_CSV}: attacker only.
 * </ul>
 */
public final class SensorFiles {
  public static final String KEYS_DIR = "keys";
  public static final String DEVICES_CSV = "devices.csv";
  public static final String STREAM_FILE = "stream.pb";
  public static final String SIGNED_READINGS = "signed-readings.pb";
  public static final String TRUTH_CSV = "truth.csv";
  public static final String ATTACK_CSV = "attack.csv";
  public static final String ATTACK_READINGS = "attack-readings.pb";
  public static final String WITHOUT_LEDGER_CSV = "without-ledger.csv";

  private SensorFiles() {}

  /**
   * Makes {@code dir} if needed and checks that it is empty, so that no earlier key or reading is
   * overwritten or mixed with new ones.
   *
   * @throws IllegalArgumentException if {@code dir} is a file or a directory that is not empty
   */
  public static void requireEmptyDirectory(Path dir) {
    try {
      if (Files.exists(dir) && !Files.isDirectory(dir)) {
        throw new IllegalArgumentException(dir + " is a file, not a directory");
      }
      Files.createDirectories(dir);
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException(dir + " is not empty; choose a new output directory so that no key or reading is overwritten");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes {@code dir} if needed.
   *
   * @throws IllegalArgumentException if {@code dir} is a file
   */
  public static void requireDirectory(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " is a file, not a directory");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The key file of a device: {@code dir/keys/NAME.key}. */
  public static Path keyFile(Path dir, String deviceName) {
    return dir.resolve(KEYS_DIR).resolve(deviceName + ".key");
  }

  /**
   * Writes each device's key to {@code dir/keys/NAME.key} (PKCS#8 PEM, owner-only permissions where
   * the file system has them) and {@code dir/devices.csv}.
   *
   * @throws IllegalArgumentException if a key file already exists
   */
  public static void writeDevices(Path dir, List<SensorDevice> devices) {
    writeKeys(dir, devices);
    List<String> rows = new ArrayList<>();
    for (SensorDevice d : devices) {
      rows.add(d.name() + "," + d.id() + "," + d.key().algorithm().label());
    }
    writeCsv(dir.resolve(DEVICES_CSV), "name,device_id,algorithm", rows);
  }

  /**
   * Writes each device's key to {@code dir/keys/NAME.key}.
   *
   * @throws IllegalArgumentException if a key file already exists
   */
  public static void writeKeys(Path dir, List<SensorDevice> devices) {
    for (SensorDevice d : devices) {
      Path file = keyFile(dir, d.name());
      try {
        KeyFiles.write(file, d.key());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write key " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** Writes signed readings as length-delimited {@code SignedReading} messages, in order. */
  public static void writeSignedReadings(Path file, List<SignedReading> readings) {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      for (SignedReading r : readings) {
        r.writeDelimitedTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads length-delimited {@code SignedReading} messages back, in order.
   *
   * @throws IllegalArgumentException if the file is missing or not such a sequence
   */
  public static List<SignedReading> readSignedReadings(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + " does not exist; run 'veriflow simulate sensors' or 'veriflow import readings' first");
    }
    List<SignedReading> out = new ArrayList<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      SignedReading r;
      while ((r = SignedReading.parseDelimitedFrom(in)) != null) {
        out.add(r);
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(file + " is not a sequence of signed readings: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return List.copyOf(out);
  }

  public static void writeStream(Path file, CreateStream stream) {
    try {
      Files.write(file, stream.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a {@code CreateStream} message.
   *
   * @throws IllegalArgumentException if the file is missing or not such a message
   */
  public static CreateStream readStream(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + " does not exist; run 'veriflow simulate sensors' or 'veriflow import readings' first");
    }
    try {
      return CreateStream.parseFrom(Files.readAllBytes(file));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(file + " is not a stream description: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A timestamp as the CSV files write it: ISO-8601 UTC, e.g. {@code 2026-01-01T06:59:30Z}. */
  public static String time(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }

  /** Writes a header and rows, '\n'-terminated, UTF-8. */
  static void writeCsv(Path file, String header, List<String> rows) {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(header);
      w.write('\n');
      for (String row : rows) {
        w.write(row);
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
