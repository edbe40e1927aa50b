package org.veriflow.client.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.datasets.ColumnSpec;
import org.veriflow.protocol.proto.datasets.LabelCount;
import org.veriflow.protocol.proto.datasets.QualitySummary;

/**
 * The data-quality report of a CSV file, computed locally before it is published: the first record
 * is the header, each later non-blank record a row.
 *
 * <ul>
 *   <li><b>types</b>: a column whose present values are all integers that fit in 64 bits is {@code
 *       int64}; all decimal numbers ({@code 1.5}, {@code -2e3}; not {@code NaN} or {@code
 *       Infinity}), {@code float64}; anything else, or no value at all, {@code string};
 *   <li><b>missing</b>: per column, the rows whose field is empty (after trimming spaces) or absent
 *       (a row shorter than the header);
 *   <li><b>duplicates</b>: rows identical, field by field, to an earlier row;
 *   <li><b>outliers</b>: values of numeric columns whose z-score against their column (mean and
 *       population standard deviation over the present values) exceeds {@value #Z_THRESHOLD} in
 *       absolute value; counted per value, so a row may count more than once;
 *   <li><b>label balance</b>: with a label column, rows per present label value, sorted by label.
 * </ul>
 *
 * <p>The file is read twice (the outliers need each column's mean first), streamed; memory grows
 * only with the number of distinct rows (16 bytes each, for duplicates) and of labels. Immutable.
 */
public final class QualityReport {
  /** A value whose |z| is above this is an outlier. */
  public static final double Z_THRESHOLD = 3.0;
  /** The format name in the JSON report. */
  public static final String FORMAT = "veriflow-quality/1";
  /** The most distinct labels the chain keeps. */
  public static final int MAX_LABELS = 1024;

  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  /**
   * What is known about one column.
   *
   * @param type {@code int64}, {@code float64} or {@code string}
   * @param mean mean of the present values, NaN for a {@code string} column
   * @param stddev population standard deviation, NaN for a {@code string} column
   * @param min smallest value, NaN for a {@code string} column
   * @param max largest value, NaN for a {@code string} column
   */
  public record Column(String name, String type, long missing, long outliers, double mean, double stddev, double min, double max) {
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }

    public boolean numeric() {
      return !type.equals("string");
    }
  }

  private final List<Column> columns;
  private final long rows;
  private final long duplicates;
  private final String labelColumn;
  private final Map<String, Long> labelBalance;
  private final Hash plaintextSha256;
  private final long plaintextBytes;

  private QualityReport(List<Column> columns, long rows, long duplicates, String labelColumn, Map<String, Long> labelBalance,
      Hash plaintextSha256, long plaintextBytes) {
    this.columns = List.copyOf(columns);
    this.rows = rows;
    this.duplicates = duplicates;
    this.labelColumn = labelColumn;
    this.labelBalance = java.util.Collections.unmodifiableMap(new TreeMap<>(labelBalance));
    this.plaintextSha256 = plaintextSha256;
    this.plaintextBytes = plaintextBytes;
  }

  /**
   * Computes the report of a UTF-8 CSV file.
   *
   * @param labelColumn the label column's name, or null for unlabelled data
   * @throws IllegalArgumentException if the file is not UTF-8 CSV with a header of distinct
   *     non-empty names, a row has more fields than the header, the label column is not in the
   *     header, or it holds more than {@value #MAX_LABELS} distinct values
   * @throws IOException if the file cannot be read, or changes between the two passes
   */
  public static QualityReport of(Path csv, String labelColumn) throws IOException {
    // Pass 1: header, types, missing values, duplicates, labels, running moments.
    List<String> header;
    long rows = 0;
    long duplicates = 0;
    Set<RowKey> seen = new HashSet<>();
    TreeMap<String, Long> labels = new TreeMap<>();
    int label = -1;
    ColumnStats[] stats;
    Hash firstHash;
    long bytes;
    MessageDigest md = Hash.digest();
    try (CountingDigest counted = new CountingDigest(Files.newInputStream(csv), md); CsvReader in = reader(counted)) {
      header = in.next();
      if (header == null) {
        throw new IllegalArgumentException(csv + " is empty: a CSV file needs a header");
      }
      Set<String> names = new HashSet<>();
      for (String h : header) {
        if (h.isBlank()) {
          throw new IllegalArgumentException(csv + ": the header has an empty column name");
        }
        if (!names.add(h)) {
          throw new IllegalArgumentException(csv + ": column '" + h + "' appears twice in the header");
        }
      }
      if (labelColumn != null) {
        label = header.indexOf(labelColumn);
        if (label < 0) {
          throw new IllegalArgumentException(csv + ": no label column '" + labelColumn + "' in the header " + header);
        }
      }
      stats = new ColumnStats[header.size()];
      for (int i = 0; i < stats.length; i++) {
        stats[i] = new ColumnStats();
      }
      MessageDigest rowDigest = Hash.digest();
      while (true) {
        long line = in.line();
        List<String> row = in.next();
        if (row == null) {
          break;
        }
        if (row.size() == 1 && row.get(0).isEmpty()) {
          continue; // a blank line
        }
        if (row.size() > header.size()) {
          throw new IllegalArgumentException(csv + " line " + line + ": " + row.size() + " fields, the header has " + header.size());
        }
        rows++;
        for (int i = 0; i < header.size(); i++) {
          String v = i < row.size() ? row.get(i).trim() : "";
          stats[i].add(v);
          byte[] b = v.getBytes(StandardCharsets.UTF_8);
          rowDigest.update(ByteBuffer.allocate(4).putInt(i < row.size() ? b.length : -1).array());
          rowDigest.update(b);
        }
        if (!seen.add(RowKey.of(rowDigest.digest()))) {
          duplicates++;
        }
        if (label >= 0) {
          String v = label < row.size() ? row.get(label).trim() : "";
          if (!v.isEmpty()) {
            labels.merge(v, 1L, Long::sum);
            if (labels.size() > MAX_LABELS) {
              throw new IllegalArgumentException(csv + ": label column '" + labelColumn + "' holds more than " + MAX_LABELS + " distinct values");
            }
          }
        }
      }
      counted.drain();
      firstHash = Hash.of(md.digest());
      bytes = counted.count();
    }
    // Pass 2: outliers, now that each numeric column's mean and deviation are known.
    long[] outliers = new long[header.size()];
    MessageDigest md2 = Hash.digest();
    try (CountingDigest counted = new CountingDigest(Files.newInputStream(csv), md2); CsvReader in = reader(counted)) {
      in.next();
      List<String> row;
      while ((row = in.next()) != null) {
        for (int i = 0; i < header.size() && i < row.size(); i++) {
          ColumnStats s = stats[i];
          String v = row.get(i).trim();
          if (s.numeric() && !v.isEmpty() && s.stddev() > 0 && Math.abs(Double.parseDouble(v) - s.mean) / s.stddev() > Z_THRESHOLD) {
            outliers[i]++;
          }
        }
      }
      counted.drain();
      if (!Hash.of(md2.digest()).equals(firstHash)) {
        throw new IOException(csv + " changed while its quality report was computed");
      }
    }
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      ColumnStats s = stats[i];
      boolean numeric = s.numeric();
      columns.add(new Column(header.get(i), s.type(), s.missing, outliers[i], numeric ? s.mean : Double.NaN,
          numeric ? s.stddev() : Double.NaN, numeric ? s.min : Double.NaN, numeric ? s.max : Double.NaN));
    }
    return new QualityReport(columns, rows, duplicates, labelColumn, labels, firstHash, bytes);
  }

  private static CsvReader reader(InputStream in) {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    Reader r = new java.io.BufferedReader(new InputStreamReader(in, utf8), 64 * 1024);
    return new CsvReader(r);
  }

  public List<Column> columns() {
    return columns;
  }

  public long rows() {
    return rows;
  }

  public long duplicates() {
    return duplicates;
  }

  /** Outlying values over all numeric columns. */
  public long outliers() {
    return columns.stream().mapToLong(Column::outliers).sum();
  }

  /** The label column, or null. */
  public String labelColumn() {
    return labelColumn;
  }

  /** Rows per label, sorted by label; empty without a label column. */
  public Map<String, Long> labelBalance() {
    return labelBalance;
  }

  /** SHA-256 of the file the report was computed from. */
  public Hash plaintextSha256() {
    return plaintextSha256;
  }

  public long plaintextBytes() {
    return plaintextBytes;
  }

  /** The schema as the chain keeps it: the header's names with their types. */
  public List<ColumnSpec> schema() {
    return columns.stream().map(c -> ColumnSpec.newBuilder().setName(c.name()).setType(c.type()).build()).toList();
  }

  /** The summary the chain keeps. */
  public QualitySummary summary() {
    QualitySummary.Builder b = QualitySummary.newBuilder().setRows(rows).setColumns(columns.size()).setDuplicates(duplicates)
        .setOutliers(outliers()).setIllegalReadingRate(0);
    columns.forEach(c -> b.addMissing(c.missing()));
    labelBalance.forEach((l, n) -> b.addLabelBalance(LabelCount.newBuilder().setLabel(l).setCount(n)));
    return b.build();
  }

  /**
   * The full report as JSON (UTF-8, fields in a fixed order, indented): the format, the file's
   * SHA-256 and size, the summary's numbers, and per column its type, missing values, outliers and,
   * for numeric columns, mean, standard deviation, minimum and maximum. Its SHA-256 goes on chain.
   */
  public byte[] toJson() {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode n = mapper.createObjectNode();
    n.put("format", FORMAT);
    n.put("plaintextSha256", plaintextSha256.hex());
    n.put("plaintextBytes", plaintextBytes);
    n.put("rows", rows);
    n.put("columns", columns.size());
    n.put("duplicates", duplicates);
    n.put("outliers", outliers());
    n.put("zThreshold", Z_THRESHOLD);
    ArrayNode cols = n.putArray("schema");
    for (Column c : columns) {
      ObjectNode o = cols.addObject().put("name", c.name()).put("type", c.type()).put("missing", c.missing());
      if (c.numeric()) {
        o.put("outliers", c.outliers());
        number(o, "mean", c.mean());
        number(o, "stddev", c.stddev());
        number(o, "min", c.min());
        number(o, "max", c.max());
      }
    }
    if (labelColumn != null) {
      ObjectNode l = n.putObject("label").put("column", labelColumn);
      ObjectNode balance = l.putObject("balance");
      labelBalance.forEach(balance::put);
    }
    try {
      return (mapper.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("the report does not serialise", e);
    }
  }

  private static void number(ObjectNode o, String name, double v) {
    if (Double.isFinite(v)) {
      o.put(name, v);
    } else {
      o.putNull(name);
    }
  }

  /** The first 16 bytes of a row's SHA-256: enough to tell rows apart. */
  private record RowKey(long high, long low) {
    static RowKey of(byte[] sha256) {
      ByteBuffer b = ByteBuffer.wrap(sha256);
      return new RowKey(b.getLong(), b.getLong());
    }
  }

  /** Types and running moments (Welford) of one column's present values. */
  private static final class ColumnStats {
    long missing;
    long present;
    boolean integers = true;
    boolean decimals = true;
    double mean;
    double m2;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;

    void add(String v) {
      if (v.isEmpty()) {
        missing++;
        return;
      }
      present++;
      if (!decimals) {
        return;
      }
      if (integers && !(INTEGER.matcher(v).matches() && fitsLong(v))) {
        integers = false;
      }
      if (!integers && !DECIMAL.matcher(v).matches()) {
        decimals = false;
        return;
      }
      double x = Double.parseDouble(v);
      if (!Double.isFinite(x)) {
        decimals = false;
        return;
      }
      double delta = x - mean;
      mean += delta / present;
      m2 += delta * (x - mean);
      min = Math.min(min, x);
      max = Math.max(max, x);
    }

    private static boolean fitsLong(String v) {
      try {
        Long.parseLong(v.startsWith("+") ? v.substring(1) : v);
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    boolean numeric() {
      return present > 0 && decimals;
    }

    String type() {
      return !numeric() ? "string" : integers ? "int64" : "float64";
    }

    double stddev() {
      return present == 0 ? 0 : Math.sqrt(m2 / present);
    }
  }

  /** Hashes and counts what is read through it. */
  private static final class CountingDigest extends DigestInputStream {
    private long count;

    CountingDigest(InputStream in, MessageDigest md) {
      super(in, md);
    }

    @Override
    public int read() throws IOException {
      int c = super.read();
      if (c != -1) {
        count++;
      }
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    /** Reads what the CSV reader left, so that the digest covers the whole file. */
    void drain() throws IOException {
      byte[] buf = new byte[64 * 1024];
      while (read(buf, 0, buf.length) != -1) {
        // hashed on the way
      }
    }

    long count() {
      return count;
    }
  }
}
