package org.veriflow.demo.sensors;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;

/**
 * Replays real recordings as signed readings, so that real data enters the ledger by the same path
 * as live devices: each mote gets a freshly generated key and signs its own readings, which a
 * gateway then submits ({@link Gateway}). Parsing is pure; only {@link #sign} draws randomness (the
 * keys). Stateless; thread-safe.
 *
 * <h2>Formats</h2>
 *
 * <ul>
 *   <li>{@link Format#LWSNDR}: the LWSNDR single-hop data set (Suthaharan et al., ISSNIP 2010),
 *       bundled with this program ({@link #BUNDLED_LWSNDR}, CC BY 4.0, see its SOURCES.md); CSV with
 *       header {@code reading,mote_id,indoor,humidity,temperature,label}. The recording has no
 *       timestamps, only each mote's reading number: a mote's readings, in file order, are given
 *       consecutive times one sampling interval apart, its last at the import's end time (now), so
 *       that the series looks like a live one that has just finished.
 *   <li>{@link Format#INTEL_LAB}: the Intel Berkeley Research Lab format, one reading a line,
 *       whitespace-separated: {@code date time epoch moteid temperature humidity light voltage}
 *       (e.g. {@code 2004-02-28 00:59:16.02785 3 1 19.9884 37.0933 45.08 2.69964}). Lines with a
 *       missing or malformed field are skipped and counted. Times carry no zone and are read as UTC.
 *       The {@code epoch} column is checked but not used as the sequence: it repeats within a mote
 *       in the published file, and a ledger sequence must strictly increase.
 *   <li>{@link Format#CSV}: a header with a {@code time} column (ISO-8601, with or without a zone,
 *       zone-less read as UTC; or epoch milliseconds), a {@code device} column (any label), and one
 *       column per field, named in lower case; unquoted values. Known field names get their usual
 *       units and ranges ({@link SensorFields}); others get wide bounds and as many decimals as the
 *       data shows. Incomplete or malformed lines are skipped and counted.
 * </ul>
 *
 * <p>Each device's readings are numbered 1, 2, ... in time order (file order for equal times), and
 * the whole recording is submitted in time order. Historical times are far from the block time, so
 * the importer's stream has a time window of 0 (no time check).
 */
public final class ReadingImporter {
  /** Class-path location of the bundled LWSNDR single-hop data. */
  public static final String BUNDLED_LWSNDR = "/data/lwsndr-single-hop/data.csv";
  /** The attribution the LWSNDR licence requires wherever the data is shown. */
  public static final String LWSNDR_ATTRIBUTION = "LWSNDR single-hop data: Suthaharan et al., \"Labelled data collection for anomaly "
      + "detection in wireless sensor networks\", ISSNIP 2010; ODC-BY-1.0, contents CC-BY-4.0";
  /** The Intel Berkeley Lab motes reported every 31 s. */
  public static final Duration INTEL_LAB_INTERVAL = Duration.ofSeconds(31);
  /** How many skipped lines a recording describes one by one; the rest are only counted. */
  public static final int MAX_PROBLEMS = 10;

  private static final String LWSNDR_HEADER = "reading,mote_id,indoor,humidity,temperature,label";

  /** A supported recording format. */
  public enum Format {
    LWSNDR("lwsndr"),
    INTEL_LAB("intel-lab"),
    CSV("csv");

    private final String label;

    Format(String label) {
      this.label = label;
    }

    /** The name on the command line. */
    public String label() {
      return label;
    }

    /**
     * @throws IllegalArgumentException for a name other than {@code lwsndr}, {@code intel-lab}, {@code csv}
     */
    public static Format parse(String label) {
      for (Format f : values()) {
        if (f.label.equalsIgnoreCase(label)) {
          return f;
        }
      }
      throw new IllegalArgumentException("unknown format '" + label + "': expected lwsndr, intel-lab or csv");
    }
  }

  /**
   * One usable line of a recording.
   *
   * @param line 1-based line number in the source
   * @param device the device's label in the source (e.g. {@code mote-3})
   * @param timeMillis device time, milliseconds since the epoch
   * @param values one per field of the recording, in order
   */
  public record Row(int line, String device, long timeMillis, List<Double> values) {
    public Row {
      Objects.requireNonNull(device, "device");
      values = List.copyOf(values);
    }
  }

  /**
   * A parsed recording.
   *
   * @param source what was read (a file name, or the bundled data set)
   * @param fields the fields every row's values follow
   * @param rows the usable lines, in file order
   * @param skipped how many non-blank lines were unusable
   * @param problems why, for the first {@link #MAX_PROBLEMS} of them ({@code line N: reason})
   */
  public record Recording(String source, Format format, List<FieldSpec> fields, List<Row> rows, int skipped, List<String> problems) {
    public Recording {
      fields = List.copyOf(fields);
      rows = List.copyOf(rows);
      problems = List.copyOf(problems);
    }

    /** The device labels in order of first appearance. */
    public List<String> devices() {
      return rows.stream().map(Row::device).distinct().toList();
    }
  }

  /**
   * A recording turned into signed readings.
   *
   * @param devices one per label of the recording, in order of first appearance; named after the
   *     label made safe for a file name
   * @param readings all readings, in time order, each signed by its device
   */
  public record Imported(List<SensorDevice> devices, List<SignedReading> readings) {
    public Imported {
      devices = List.copyOf(devices);
      readings = List.copyOf(readings);
    }
  }

  private ReadingImporter() {}

  /**
   * Reads a recording from {@code file}, or for {@link Format#LWSNDR} with a null {@code file}, the
   * bundled copy.
   *
   * @param end the time given to the last reading of each LWSNDR mote (unused by other formats)
   * @param interval the time between two LWSNDR readings (unused by other formats)
   * @param limit the most rows to keep (the first ones of the file); {@code Integer.MAX_VALUE} for all
   * @throws IllegalArgumentException if the file is missing, not in the format, or has no usable line
   */
  public static Recording read(Format format, Path file, Instant end, Duration interval, int limit) {
    if (file == null && format != Format.LWSNDR) {
      throw new IllegalArgumentException("the " + format.label() + " format needs a FILE to import");
    }
    if (file != null && !Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + " does not exist or is not a file");
    }
    try (Reader in = file == null ? bundledLwsndr() : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String source = file == null ? "the bundled LWSNDR single-hop data set" : file.toString();
      return switch (format) {
        case LWSNDR -> parseLwsndr(in, source, end, interval, limit);
        case INTEL_LAB -> parseIntelLab(in, source, limit);
        case CSV -> parseCsv(in, source, limit);
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + (file == null ? BUNDLED_LWSNDR : file) + ": " + e.getMessage(), e);
    }
  }

  /** The bundled LWSNDR {@code data.csv}, UTF-8. */
  public static Reader bundledLwsndr() {
    InputStream in = ReadingImporter.class.getResourceAsStream(BUNDLED_LWSNDR);
    if (in == null) {
      throw new IllegalStateException("the bundled data set " + BUNDLED_LWSNDR + " is missing from the class path");
    }
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }

  /**
   * Parses LWSNDR single-hop CSV. Fields: temperature, humidity. Each mote's readings are stamped
   * {@code interval} apart in file order, its last at {@code end}.
   *
   * @throws IllegalArgumentException if the header is not LWSNDR's or no line is usable
   */
  public static Recording parseLwsndr(Reader in, String source, Instant end, Duration interval, int limit) throws IOException {
    requirePositive(interval, limit);
    BufferedReader r = new BufferedReader(in);
    String header = stripBom(r.readLine());
    if (header == null || !header.trim().equals(LWSNDR_HEADER)) {
      throw new IllegalArgumentException(source + " is not LWSNDR single-hop data: its header must be '" + LWSNDR_HEADER + "'");
    }
    Problems problems = new Problems();
    List<String> motes = new ArrayList<>();
    List<List<Double>> values = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    String line;
    int n = 1;
    while ((line = r.readLine()) != null && motes.size() < limit) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split(",", -1);
      if (f.length != 6) {
        problems.add(n, f.length + " fields, expected 6");
        continue;
      }
      try {
        long mote = integer(f[1], "mote_id");
        double humidity = number(f[3], "humidity");
        double temperature = number(f[4], "temperature");
        motes.add("mote-" + mote);
        values.add(List.of(temperature, humidity));
        lines.add(n);
      } catch (NumberFormatException e) {
        problems.add(n, e.getMessage());
      }
    }
    Map<String, Integer> perMote = new HashMap<>();
    for (String m : motes) {
      perMote.merge(m, 1, Integer::sum);
    }
    Map<String, Integer> seen = new HashMap<>();
    List<Row> rows = new ArrayList<>(motes.size());
    for (int i = 0; i < motes.size(); i++) {
      String m = motes.get(i);
      int j = seen.merge(m, 1, Integer::sum) - 1;
      long time = end.toEpochMilli() - (perMote.get(m) - 1L - j) * interval.toMillis();
      rows.add(new Row(lines.get(i), m, time, values.get(i)));
    }
    return recording(source, Format.LWSNDR, SensorFields.room(), rows, problems);
  }

  /**
   * Parses the Intel Berkeley Lab format. Fields: temperature, humidity, light, voltage.
   *
   * @throws IllegalArgumentException if no line is usable
   */
  public static Recording parseIntelLab(Reader in, String source, int limit) throws IOException {
    requirePositive(Duration.ofMillis(1), limit);
    BufferedReader r = new BufferedReader(in);
    Problems problems = new Problems();
    List<Row> rows = new ArrayList<>();
    String line;
    int n = 0;
    while ((line = r.readLine()) != null && rows.size() < limit) {
      n++;
      String trimmed = stripBom(line).trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      String[] f = trimmed.split("\\s+");
      if (f.length != 8) {
        problems.add(n, f.length < 8 ? "incomplete: " + f.length + " fields, expected 8" : f.length + " fields, expected 8");
        continue;
      }
      try {
        long time = LocalDateTime.parse(f[0] + "T" + f[1]).toInstant(ZoneOffset.UTC).toEpochMilli();
        integer(f[2], "epoch");
        long mote = integer(f[3], "moteid");
        if (mote < 0) {
          throw new NumberFormatException("negative mote id " + mote);
        }
        rows.add(new Row(n, "mote-" + mote, time,
            List.of(number(f[4], "temperature"), number(f[5], "humidity"), number(f[6], "light"), number(f[7], "voltage"))));
      } catch (DateTimeParseException e) {
        problems.add(n, "bad date or time '" + f[0] + " " + f[1] + "'");
      } catch (NumberFormatException e) {
        problems.add(n, e.getMessage());
      }
    }
    return recording(source, Format.INTEL_LAB,
        List.of(SensorFields.TEMPERATURE, SensorFields.HUMIDITY, SensorFields.LIGHT, SensorFields.VOLTAGE), rows, problems);
  }

  /**
   * Parses generic CSV: {@code time}, {@code device} and field columns, in any order.
   *
   * @throws IllegalArgumentException if the header lacks {@code time}, {@code device} or a field, a
   *     field name is malformed, or no line is usable
   */
  public static Recording parseCsv(Reader in, String source, int limit) throws IOException {
    requirePositive(Duration.ofMillis(1), limit);
    BufferedReader r = new BufferedReader(in);
    String header = stripBom(r.readLine());
    if (header == null) {
      throw new IllegalArgumentException(source + " is empty");
    }
    String[] names = header.trim().split(",", -1);
    int timeColumn = -1;
    int deviceColumn = -1;
    List<Integer> fieldColumns = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      names[i] = names[i].trim();
      if (names[i].equals("time")) {
        timeColumn = i;
      } else if (names[i].equals("device")) {
        deviceColumn = i;
      } else {
        SensorFields.requireFieldName(names[i]);
        fieldColumns.add(i);
      }
    }
    if (timeColumn < 0 || deviceColumn < 0 || fieldColumns.isEmpty()) {
      throw new IllegalArgumentException(source + ": the header must name a 'time' column, a 'device' column and at least one field, not '" + header.trim() + "'");
    }
    int[] decimals = new int[fieldColumns.size()];
    Problems problems = new Problems();
    List<Row> rows = new ArrayList<>();
    String line;
    int n = 1;
    while ((line = r.readLine()) != null && rows.size() < limit) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split(",", -1);
      if (f.length != names.length) {
        problems.add(n, f.length + " fields, expected " + names.length);
        continue;
      }
      String device = f[deviceColumn].trim();
      if (device.isEmpty()) {
        problems.add(n, "missing device");
        continue;
      }
      try {
        long time = parseTime(f[timeColumn].trim());
        List<Double> values = new ArrayList<>(fieldColumns.size());
        int[] places = new int[fieldColumns.size()];
        for (int k = 0; k < fieldColumns.size(); k++) {
          String v = f[fieldColumns.get(k)].trim();
          values.add(number(v, names[fieldColumns.get(k)]));
          places[k] = decimals(v);
        }
        for (int k = 0; k < places.length; k++) {
          decimals[k] = Math.max(decimals[k], places[k]);
        }
        rows.add(new Row(n, device, time, values));
      } catch (DateTimeParseException e) {
        problems.add(n, "bad time '" + f[timeColumn].trim() + "': expected ISO-8601 or epoch milliseconds");
      } catch (NumberFormatException e) {
        problems.add(n, e.getMessage());
      }
    }
    List<FieldSpec> fields = new ArrayList<>();
    for (int k = 0; k < fieldColumns.size(); k++) {
      fields.add(SensorFields.forName(names[fieldColumns.get(k)], decimals[k]));
    }
    return recording(source, Format.CSV, fields, rows, problems);
  }

  /**
   * Gives each device of the recording a fresh key from {@code random} and signs its readings,
   * numbered 1, 2, ... in time order. The readings come back in time order, ties by device order
   * then sequence.
   *
   * @throws IllegalArgumentException if two device labels map to the same file name, or the stream
   *     id is malformed
   */
  public static Imported sign(Recording recording, String streamId, SignatureAlgorithm algorithm, SecureRandom random) {
    SensorFields.requireStreamId(streamId);
    Map<String, List<Row>> byDevice = new LinkedHashMap<>();
    for (Row row : recording.rows()) {
      byDevice.computeIfAbsent(row.device(), k -> new ArrayList<>()).add(row);
    }
    Map<String, String> labelByName = new HashMap<>();
    List<SensorDevice> devices = new ArrayList<>();
    record Pending(int device, long sequence, Row row) {}
    List<Pending> pending = new ArrayList<>(recording.rows().size());
    for (Map.Entry<String, List<Row>> e : byDevice.entrySet()) {
      String name = fileName(e.getKey());
      String other = labelByName.putIfAbsent(name, e.getKey());
      if (other != null) {
        throw new IllegalArgumentException("devices '" + other + "' and '" + e.getKey() + "' would share the key file " + name + ".key; rename one");
      }
      SigningKey key = SigningKey.generate(algorithm, random);
      devices.add(new SensorDevice(name, key));
      List<Row> series = new ArrayList<>(e.getValue());
      series.sort(Comparator.comparingLong(Row::timeMillis));
      for (int i = 0; i < series.size(); i++) {
        pending.add(new Pending(devices.size() - 1, i + 1L, series.get(i)));
      }
    }
    pending.sort(Comparator.comparingLong((Pending p) -> p.row().timeMillis()).thenComparingInt(Pending::device).thenComparingLong(Pending::sequence));
    List<SignedReading> readings = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      SensorDevice d = devices.get(p.device());
      Reading reading = Readings.reading(streamId, d.id(), p.sequence(), p.row().timeMillis(), p.row().values());
      readings.add(Readings.sign(reading, d.key()));
    }
    return new Imported(devices, readings);
  }

  /**
   * The {@code streams.create} message for an imported recording: its fields, {@code interval} as
   * the nominal sampling interval, and a time window of 0 (historical times).
   */
  public static CreateStream stream(Recording recording, String streamId, Duration interval) {
    String description = switch (recording.format()) {
      case LWSNDR -> LWSNDR_ATTRIBUTION + "; times assigned " + interval.toSeconds() + " s apart, ending at the import";
      case INTEL_LAB -> "Intel Berkeley Research Lab recordings imported from " + fileNameOf(recording.source());
      case CSV -> "Recordings imported from " + fileNameOf(recording.source());
    };
    return SensorFields.createStream(streamId, description, recording.fields(), interval, Duration.ZERO);
  }

  /**
   * Writes the import into {@code dir}, which must be empty or absent: device keys, {@value
   * SensorFiles#DEVICES_CSV}, {@value SensorFiles#STREAM_FILE} and {@value
   * SensorFiles#SIGNED_READINGS} (the layout the attacker reads).
   */
  public static void write(Path dir, Imported imported, CreateStream stream) {
    SensorFiles.requireEmptyDirectory(dir);
    SensorFiles.writeDevices(dir, imported.devices());
    SensorFiles.writeStream(dir.resolve(SensorFiles.STREAM_FILE), stream);
    SensorFiles.writeSignedReadings(dir.resolve(SensorFiles.SIGNED_READINGS), imported.readings());
  }

  /**
   * A device label made safe as a file name: characters other than letters, digits, '.', '-' and
   * '_' become '_', and a leading '.' gets a {@code device-} prefix.
   */
  static String fileName(String label) {
    StringBuilder b = new StringBuilder(label.length());
    for (char c : label.toCharArray()) {
      b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ? c : '_');
    }
    String s = b.toString();
    return s.startsWith(".") ? "device-" + s : s;
  }

  /** Epoch milliseconds (digits, optional sign) or ISO-8601 with or without a zone (zone-less is UTC). */
  static long parseTime(String s) {
    if (s.matches("-?\\d+")) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new DateTimeParseException("epoch milliseconds out of range", s, 0, e);
      }
    }
    TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s, ZonedDateTime::from, LocalDateTime::from);
    if (t instanceof ZonedDateTime z) {
      return z.toInstant().toEpochMilli();
    }
    return ((LocalDateTime) t).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /** A decimal number as written in the recordings: digits, optional sign, point and exponent; finite. */
  private static double number(String s, String what) {
    String t = s.trim();
    double v;
    try {
      v = new BigDecimal(t).doubleValue();
    } catch (NumberFormatException e) {
      throw new NumberFormatException("bad " + what + " '" + t + "'");
    }
    if (!Double.isFinite(v)) {
      throw new NumberFormatException(what + " '" + t + "' is out of range");
    }
    return v;
  }

  /** Decimal places written in {@code s}, within 0..9; {@code s} is a valid number. */
  private static int decimals(String s) {
    return Math.min(9, Math.max(0, new BigDecimal(s.trim()).scale()));
  }

  private static long integer(String s, String what) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new NumberFormatException("bad " + what + " '" + s.trim() + "'");
    }
  }

  private static Recording recording(String source, Format format, List<FieldSpec> fields, List<Row> rows, Problems problems) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(source + " has no usable " + format.label() + " line"
          + (problems.count == 0 ? "" : " (" + problems.count + " skipped; first: " + problems.list.get(0) + ")"));
    }
    return new Recording(source, format, fields, rows, problems.count, problems.list);
  }

  private static void requirePositive(Duration interval, int limit) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("the sampling interval must be positive, not " + interval);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("the limit must be at least 1, not " + limit);
    }
  }

  private static String stripBom(String line) {
    return line != null && line.startsWith("\uFEFF") ? line.substring(1) : line;
  }

  private static String fileNameOf(String source) {
    int slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
    return source.substring(slash + 1);
  }

  /** Counts skipped lines and keeps the first reasons. */
  private static final class Problems {
    int count;
    final List<String> list = new ArrayList<>();

    void add(int line, String reason) {
      count++;
      if (list.size() < MAX_PROBLEMS) {
        list.add(String.format(Locale.ROOT, "line %d: %s", line, reason));
      }
    }
  }
}
