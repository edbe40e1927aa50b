package org.veriflow.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.veriflow.protocol.http.Problem;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.RequestSignature;
import org.veriflow.core.crypto.SigningKey;

/**
 * The one transport that {@link VeriflowClient} and its facets share: the node's base address, one
 * HTTP client and the default timeout, and the mapping of a node's refusal onto a {@link
 * ClientException}. Thread-safe: it holds nothing mutable but the JDK's thread-safe {@link
 * HttpClient}.
 */
final class Http {
  private static final SecureRandom NONCES = new SecureRandom();

  private final URI base;
  private final HttpClient client;
  private final Duration timeout;

  /**
   * @param base the node's address; a trailing '/' is dropped
   * @param timeout how long a request may take, unless it says otherwise
   */
  Http(URI base, Duration timeout, TlsOptions tls) {
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.timeout = timeout;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1);
    if (!tls.equals(TlsOptions.defaults())) {
      b.sslContext(tls.context());
    }
    this.client = b.build();
    this.tlsContext = client.sslContext();
  }

  private final javax.net.ssl.SSLContext tlsContext;

  /**
   * After an {@code https} request failed without a TLS error (with TLS 1.3 the JDK's client can
   * report a server's refusal of its certificate as an empty answer), one bare handshake and read
   * with the same TLS context, to find the TLS error if there is one.
   */
  private javax.net.ssl.SSLException probeTls() {
    if (!"https".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
      return null;
    }
    int port = base.getPort() < 0 ? 443 : base.getPort();
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tlsContext.getSocketFactory().createSocket()) {
      socket.connect(new java.net.InetSocketAddress(base.getHost(), port), 2000);
      socket.setSoTimeout(2000);
      javax.net.ssl.SSLParameters p = socket.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(p);
      socket.startHandshake();
      try {
        socket.getOutputStream().write(("HEAD /health HTTP/1.1\r\nHost: " + base.getHost() + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        if (socket.getInputStream().read() >= 0) {
          return null;
        }
      } catch (javax.net.ssl.SSLException e) {
        return e;
      } catch (IOException e) {
        // reset or closed while writing or reading, after the handshake: as below
      }
      // The handshake completed on this side, then the node closed without a word: it refused this
      // client's certificate (or the lack of one) after the handshake, as TLS 1.3 servers do.
      return new javax.net.ssl.SSLException("the node closed the connection right after the TLS handshake, without answering");
    } catch (javax.net.ssl.SSLException e) {
      return e;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The exception for a request that did not get an answer: a TLS failure with its {@link
   * TlsFailure} code, anything else {@code UNREACHABLE}.
   */
  ClientException failure(IOException e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    // With TLS 1.3 a server's refusal of the client's certificate can arrive after the client's side
    // of the handshake, as the cause of a failed read.
    javax.net.ssl.SSLException ssl = null;
    for (Throwable t = e; t != null && ssl == null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException x) {
        ssl = x;
      }
    }
    if (ssl == null) {
      ssl = probeTls();
    }
    if (ssl != null) {
      why = ssl.getMessage() == null ? ssl.getClass().getSimpleName() : ssl.getMessage();
      for (Throwable t = ssl; t != null; t = t.getCause()) {
        if (t instanceof java.security.cert.CertificateException) {
          return new ClientException(TlsFailure.TLS_UNTRUSTED.name(), "the certificate of the node at " + base + " is not trusted: " + t.getMessage()
              + " (pass the CA that signed it, e.g. the tls/ca.pem of 'veriflow init', as the CA file)", e);
        }
      }
      return new ClientException(TlsFailure.TLS_REFUSED.name(), "the TLS handshake with the node at " + base + " failed: " + why
          + " (does it require a client certificate?)", e);
    }
    return new ClientException("cannot reach the node at " + base + ": " + why, e);
  }

  /** The node's address, without a trailing '/'. */
  URI base() {
    return base;
  }

  /** The default timeout of a request. */
  Duration timeout() {
    return timeout;
  }

  /** A request for {@code path} (from the base, with its query if any), with the default timeout. */
  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
  }

  /** {@code GET path}, its JSON answer; a refusal is a {@link ClientException}. */
  JsonNode get(String path) {
    return send(request(path).GET().build());
  }

  /** Sends a request and reads its JSON answer; a refusal is a {@link ClientException}. */
  JsonNode send(HttpRequest request) {
    return check(exchange(request, HttpResponse.BodyHandlers.ofString()));
  }

  /** Like {@link #send}, asynchronously: the future fails with the {@link ClientException}. */
  CompletableFuture<JsonNode> sendAsync(HttpRequest request) {
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
      if (e == null) {
        return check(r);
      }
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof javax.net.ssl.SSLException ssl) {
        throw failure(ssl);
      }
      throw e instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(e);
    });
  }

  /** Sends a request; a node that cannot be reached, or an interrupted wait, is a {@link ClientException}. */
  /**
   * Streams the body of a successful answer to {@code request} into {@code out}, through a temporary
   * file beside it that is moved into place only once the whole body is written and {@code check}
   * accepted its SHA-256; a partial or refused download leaves nothing at {@code out}.
   *
   * @param request the request
   * @param out where the body goes
   * @param check sees the body's SHA-256 before the file is moved into place; throws to refuse it
   * @return the body's SHA-256
   * @throws ClientException if the node refuses the request or cannot be reached, or as {@code check} throws
   * @throws java.io.IOException if {@code out} cannot be written
   */
  org.veriflow.core.crypto.Hash download(HttpRequest request, java.nio.file.Path out,
      java.util.function.Consumer<org.veriflow.core.crypto.Hash> check) throws java.io.IOException {
    HttpResponse<java.io.InputStream> r = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    try (java.io.InputStream body = r.body()) {
      if (r.statusCode() != 200) {
        throw problem(r.statusCode(), new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
      java.nio.file.Path target = out.toAbsolutePath();
      java.nio.file.Path temp = java.nio.file.Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
      boolean moved = false;
      try {
        java.security.MessageDigest md = org.veriflow.core.crypto.Hash.digest();
        try (java.io.OutputStream w = java.nio.file.Files.newOutputStream(temp)) {
          byte[] buf = new byte[64 * 1024];
          int n;
          while ((n = body.read(buf)) != -1) {
            md.update(buf, 0, n);
            w.write(buf, 0, n);
          }
        }
        org.veriflow.core.crypto.Hash got = org.veriflow.core.crypto.Hash.of(md.digest());
        check.accept(got);
        java.nio.file.Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        moved = true;
        return got;
      } finally {
        if (!moved) {
          java.nio.file.Files.deleteIfExists(temp);
        }
      }
    }
  }

  <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return client.send(request, body);
    } catch (IOException e) {
      throw failure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException("interrupted while talking to " + base, e);
    }
  }

  /** A node's JSON answer, or its refusal (status 400 and above) as a {@link ClientException}. */
  static JsonNode check(HttpResponse<String> r) {
    JsonNode n;
    try {
      n = Bodies.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new ClientException(r.statusCode(), "BAD_RESPONSE", "the node answered " + r.statusCode() + " with a body that is not JSON");
    }
    if (r.statusCode() >= 400) {
      throw refusal(r.statusCode(), n, r.body());
    }
    return n;
  }

  /** A refusal whose body, read whole, is {@code text}: its problem's code and detail, or the status and the text. */
  static ClientException problem(int status, String text) {
    JsonNode problem;
    try {
      problem = Bodies.MAPPER.readTree(text);
    } catch (IOException e) {
      problem = null;
    }
    return refusal(status, problem, text);
  }

  /** A refusal: its problem's code and detail, or, where the body gives none, the status and the body's text. */
  private static ClientException refusal(int status, JsonNode body, String text) {
    Optional<Problem> p = Bodies.problem(body);
    return new ClientException(status, p.map(Problem::code).orElse("HTTP_" + status), p.map(Problem::detail).orElse(text));
  }

  /**
   * A request to {@code path?query} signed by {@code key} now, with a fresh nonce, asking for the
   * blob {@code blob} (RFC 9421 subset, see {@link RequestSignature}).
   *
   * @param query the raw query without '?', or empty
   * @param timeout how long the request may take
   */
  HttpRequest.Builder signed(String path, String query, String method, SigningKey key, Hash blob, Duration timeout) {
    URI uri = URI.create(base + path + (query.isEmpty() ? "" : "?" + query));
    byte[] nonce = new byte[16];
    NONCES.nextBytes(nonce);
    RequestSignature sig = RequestSignature.sign(key, method, uri.getRawPath(), query, blob, Instant.now().getEpochSecond(), nonce);
    return HttpRequest.newBuilder(uri).timeout(timeout)
        .header(RequestSignature.BLOB_HEADER, blob.hex())
        .header("Signature-Input", sig.signatureInput())
        .header("Signature", sig.signatureHeader());
  }

  /** Like {@link #signed(String, String, String, SigningKey, Hash, Duration)}, without a query and with the default timeout. */
  HttpRequest.Builder signed(String path, String method, SigningKey key, Hash blob) {
    return signed(path, "", method, key, blob, timeout);
  }

  /** A path segment: ids are plain, but a stray '/' or '?' must not change the route. */
  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code ?limit=..&cursor=..} over those given (a limit of 0 or less is not given), or empty. */
  static String page(int limit, String cursor) {
    return query("limit", limit > 0 ? Integer.toString(limit) : null, "cursor", cursor);
  }

  /** {@code ?k=v&...} over the pairs whose value is not null, or empty. */
  static String query(String... pairs) {
    StringBuilder q = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        q.append(q.length() == 0 ? '?' : '&').append(pairs[i]).append('=')
            .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
      }
    }
    return q.toString();
  }
}
