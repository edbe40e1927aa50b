package org.veriflow.ml.data;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads comma-separated values (RFC 4180: a header line, fields optionally in double quotes with
 * {@code ""} as an escaped quote, CRLF or LF line ends, UTF-8 with an optional byte-order mark) into a
 * {@link Table}. Only the requested columns are parsed; others may hold anything. Blank lines are
 * skipped. Numbers must be plain decimals ({@code -1.5}, {@code 2e-3}); {@code NaN}, infinities and
 * anything else are errors naming the line and column.
 */
public final class CsvReader {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private CsvReader() {
    }

    /**
     * Parses {@code csv}.
     *
     * @param numericColumns columns to read as numbers, in the table's column order
     * @param labelColumn    column to read as the categorical label, or null
     * @throws IllegalArgumentException if the data is empty, not UTF-8, a requested column is missing, a
     *     line has the wrong number of fields, or a value is not a finite number; the message names the
     *     line (1-based, header is line 1) and column
     */
    public static Table read(byte[] csv, List<String> numericColumns, String labelColumn) {
        String text = decode(csv);
        List<List<String>> records = parse(text);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("CSV is empty: no header line");
        }
        List<String> header = records.get(0);
        int[] numericIndex = new int[numericColumns.size()];
        for (int c = 0; c < numericIndex.length; c++) {
            numericIndex[c] = headerIndex(header, numericColumns.get(c));
        }
        int labelIndex = labelColumn == null ? -1 : headerIndex(header, labelColumn);
        int rows = records.size() - 1;
        if (rows == 0) {
            throw new IllegalArgumentException("CSV has a header but no data rows");
        }
        double[][] values = new double[numericIndex.length][rows];
        List<String> labels = new ArrayList<>(rows);
        for (int r = 1; r < records.size(); r++) {
            List<String> record = records.get(r);
            int line = lineNumberOf(record);
            if (record.size() - 1 != header.size() - 1) {
                throw new IllegalArgumentException("line " + line + " has " + (record.size() - 1)
                        + " fields, the header has " + (header.size() - 1));
            }
            for (int c = 0; c < numericIndex.length; c++) {
                values[c][r - 1] = parseNumber(record.get(numericIndex[c]).trim(), line, numericColumns.get(c));
            }
            if (labelIndex >= 0) {
                String label = record.get(labelIndex).trim();
                if (label.isEmpty()) {
                    throw new IllegalArgumentException("line " + line + ", column '" + labelColumn
                            + "': the label is missing");
                }
                labels.add(label);
            }
        }
        Table.Builder builder = Table.builder();
        for (int c = 0; c < numericIndex.length; c++) {
            builder.numeric(numericColumns.get(c), values[c]);
        }
        if (labelColumn != null) {
            builder.label(labelColumn, labels);
        }
        return builder.build();
    }

    private static String decode(byte[] csv) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(csv)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("CSV is not valid UTF-8", e);
        }
    }

    private static int headerIndex(List<String> header, String name) {
        for (int i = 0; i < header.size() - 1; i++) {
            if (header.get(i).trim().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("column '" + name + "' not found in the CSV header "
                + header.subList(0, header.size() - 1));
    }

    private static double parseNumber(String field, int line, String column) {
        if (field.isEmpty()) {
            throw new IllegalArgumentException("line " + line + ", column '" + column + "': the value is empty");
        }
        if (!DECIMAL.matcher(field).matches()) {
            throw new IllegalArgumentException("line " + line + ", column '" + column + "': '" + field
                    + "' is not a finite number");
        }
        double value = Double.parseDouble(field);
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("line " + line + ", column '" + column + "': '" + field
                    + "' overflows a double");
        }
        return value;
    }

    /** The line number is stored as the last element of each parsed record. */
    private static int lineNumberOf(List<String> record) {
        return Integer.parseInt(record.get(record.size() - 1));
    }

    /** Splits into records of fields; each record ends with its 1-based starting line number. */
    private static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldStarted = false;
        boolean wasQuoted = false;
        int line = 1;
        int recordLine = 1;
        int i = 0;
        while (i < text.length()) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                } else {
                    if (ch == '\n') {
                        line++;
                    }
                    field.append(ch);
                }
                i++;
                continue;
            }
            if (ch == '"' && !fieldStarted) {
                quoted = true;
                fieldStarted = true;
                wasQuoted = true;
            } else if (ch == '"') {
                throw new IllegalArgumentException("line " + line + ": a quote inside an unquoted field");
            } else if (ch == ',') {
                fields.add(field.toString());
                field.setLength(0);
                fieldStarted = false;
                wasQuoted = false;
            } else if (ch == '\n' || ch == '\r') {
                endRecord(records, fields, field, fieldStarted || wasQuoted, recordLine);
                fields = new ArrayList<>();
                fieldStarted = false;
                wasQuoted = false;
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                line++;
                recordLine = line;
            } else {
                if (wasQuoted) {
                    throw new IllegalArgumentException("line " + line + ": text after a closing quote");
                }
                field.append(ch);
                fieldStarted = true;
            }
            i++;
        }
        if (quoted) {
            throw new IllegalArgumentException("line " + recordLine + ": unterminated quoted field");
        }
        endRecord(records, fields, field, fieldStarted || wasQuoted, recordLine);
        return records;
    }

    private static void endRecord(List<List<String>> records, List<String> fields, StringBuilder field,
            boolean hasContent, int line) {
        if (fields.isEmpty() && !hasContent && field.length() == 0) {
            return; // blank line
        }
        fields.add(field.toString());
        field.setLength(0);
        fields.add(Integer.toString(line));
        records.add(fields);
    }
}
