package org.veriflow.node.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** HTTP/1.1 spoken by hand over a socket, for requests no well-behaved client sends. */
final class RawHttp {
  private RawHttp() {}

  /** A connection to 127.0.0.1:port from {@code local} (any port), with a read timeout. */
  static Socket connect(String local, int port, Duration readTimeout) throws IOException {
    Socket s = new Socket();
    if (local != null) {
      s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
    }
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
    s.setSoTimeout((int) readTimeout.toMillis());
    return s;
  }

  /** Sends {@code request} as is and reads the answer until the server closes or the timeout passes. */
  static Answer exchange(int port, String request) throws IOException {
    try (Socket s = connect(null, port, Duration.ofSeconds(10))) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return read(s.getInputStream());
    }
  }

  /** Reads one answer: status line, headers and a Content-Length body (or up to the close). */
  static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    if (headers.isEmpty()) {
      throw new IOException("the server closed the connection without answering");
    }
    int status = Integer.parseInt(headers.substring(9, 12));
    int length = -1;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      if (length >= 0) {
        body.write(in.readNBytes(length));
      } else {
        body.write(in.readAllBytes());
      }
    } catch (SocketTimeoutException e) {
      // what arrived is the body
    }
    return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
  }

  /** An answer: its status, its head as text, its body as text. */
  record Answer(int status, String head, String body) {
    boolean problemJson() {
      return head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/problem+json");
    }
  }
}
