package org.veriflow.client.datasets;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV records (RFC 4180): fields separated by commas, records by CRLF or LF, fields in double
 * quotes may hold commas, line breaks and doubled quotes. A leading UTF-8 byte-order mark is
 * skipped. Streams: one record in memory at a time. Not thread-safe.
 */
final class CsvReader implements AutoCloseable {
  private final Reader in;
  private int peeked = -2;
  private long line = 1;
  private boolean first = true;

  CsvReader(Reader in) {
    this.in = in;
  }

  /** The line the next record starts on, from 1. */
  long line() {
    return line;
  }

  /**
   * The next record's fields, or null at the end of the input. A blank line is a record with one
   * empty field.
   *
   * @throws IllegalArgumentException if a quoted field is not closed, or a quote is followed by
   *     something other than a comma or the end of the record
   */
  List<String> next() throws IOException {
    int c = read();
    if (first) {
      first = false;
      if (c == '\uFEFF') {
        c = read();
      }
    }
    if (c == -1) {
      return null;
    }
    long start = line;
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    while (true) {
      if (c == '"' && field.length() == 0) {
        while (true) {
          c = read();
          if (c == -1) {
            throw new IllegalArgumentException("line " + start + ": a quoted field is not closed");
          }
          if (c == '"') {
            if (peek() == '"') {
              read();
              field.append('"');
              continue;
            }
            break;
          }
          if (c == '\n') {
            line++;
          }
          field.append((char) c);
        }
        c = read();
        if (c != ',' && c != '\n' && c != '\r' && c != -1) {
          throw new IllegalArgumentException("line " + line + ": a closing quote must be followed by ',' or the end of the line");
        }
        continue;
      }
      if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else if (c == '\r' && peek() == '\n') {
        // CRLF: the LF ends the record
      } else if (c == '\n' || c == -1) {
        fields.add(field.toString());
        if (c == '\n') {
          line++;
        }
        return fields;
      } else {
        field.append((char) c);
      }
      c = read();
    }
  }

  private int read() throws IOException {
    if (peeked != -2) {
      int c = peeked;
      peeked = -2;
      return c;
    }
    return in.read();
  }

  private int peek() throws IOException {
    if (peeked == -2) {
      peeked = in.read();
    }
    return peeked;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
