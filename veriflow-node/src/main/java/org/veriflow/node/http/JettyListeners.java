package org.veriflow.node.http;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnection;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.protocol.http.Problem;

/**
 * Builds the node's Javalin listeners over Jetty so that a slow or greedy client cannot hold them:
 * idle and header timeouts, a minimum request data rate, a cap on connections per client address,
 * a request body limit enforced while the body streams in, and problem+json for every error,
 * including those Jetty answers before any handler runs. Jetty and Javalin types stay in this package.
 */
final class JettyListeners {
  /** Largest request line plus headers; a longer request line is 414, longer headers 431. */
  static final int MAX_HEADER_BYTES = 8 * 1024;
  /** The operations listener's threads: an acceptor, a selector and a few for its three routes. */
  static final int OPS_THREADS = 8;

  private JettyListeners() {}

  /**
   * A Javalin app, not started, that serves on one connector with the given bounds.
   *
   * @param settings the bounds, address and TLS
   * @param channel the socket it serves on, bound already (the connector takes it over and closes it when it stops)
   * @param threads the pool's maximum
   * @param name the pool's thread names
   * @param maxBodyBytes the largest request body read by a handler
   * @param streamsOwnBody requests whose body the handler streams and bounds itself (not limited here)
   */
  static Javalin create(ServerSettings settings, java.nio.channels.ServerSocketChannel channel, int threads, String name, long maxBodyBytes,
      Predicate<HttpServletRequest> streamsOwnBody) {
    Javalin app = Javalin.create(cfg -> {
      cfg.showJavalinBanner = false;
      cfg.useVirtualThreads = false;
      cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
      cfg.http.maxRequestSize = maxBodyBytes;
      QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(threads, ServerSettings.MIN_THREADS), 60_000);
      pool.setName(name);
      cfg.jetty.threadPool = pool;
      cfg.jetty.modifyHttpConfiguration(hc -> {
        hc.setRequestHeaderSize(MAX_HEADER_BYTES);
        hc.setIdleTimeout(settings.idleTimeout().toMillis());
        hc.setMinRequestDataRate(settings.minRequestBytesPerSecond());
        hc.setSendServerVersion(false);
        hc.setSendXPoweredBy(false);
      });
      cfg.jetty.addConnector((server, hc) -> connector(server, hc, settings, channel));
      cfg.jetty.modifyServer(server -> server.setErrorHandler(new ProblemErrors()));
      cfg.jetty.modifyServletContextHandler(handler -> {
        handler.setErrorHandler(new ProblemErrors());
        handler.addFilter(new FilterHolder(new BodyLimit(maxBodyBytes, streamsOwnBody)), "/*", EnumSet.of(DispatcherType.REQUEST));
      });
    });
    app.exception(BodyTooLarge.class, (e, ctx) -> {
      ctx.header(HttpHeader.CONNECTION.asString(), "close");
      HttpApi.problem(ctx, 413, RejectionCode.TOO_LARGE.name(), e.getMessage());
    });
    // Jetty's refusals met while a handler reads (a body arriving slower than the minimum rate: 408).
    app.exception(org.eclipse.jetty.http.BadMessageException.class, (e, ctx) -> {
      ctx.header(HttpHeader.CONNECTION.asString(), "close");
      HttpApi.problem(ctx, e.getCode(), code(e.getCode()), String.valueOf(e.getReason()));
    });
    return app;
  }

  /** The stable code of a status Jetty answers by itself. */
  static String code(int status) {
    return switch (status) {
      case 400 -> "BAD_REQUEST";
      case 408 -> "REQUEST_TIMEOUT";
      case 413 -> RejectionCode.TOO_LARGE.name();
      case 414 -> "URI_TOO_LONG";
      case 431 -> "HEADERS_TOO_LARGE";
      case 500 -> "INTERNAL";
      case 501 -> "NOT_IMPLEMENTED";
      case 505 -> "HTTP_VERSION_NOT_SUPPORTED";
      default -> "HTTP_" + status;
    };
  }

  private static ServerConnector connector(Server server, HttpConfiguration hc, ServerSettings settings,
      java.nio.channels.ServerSocketChannel channel) {
    HttpConnectionFactory http = new HttpConnectionFactory(hc);
    ServerConnector connector;
    if (settings.secure()) {
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      // The certificate's names are checked by clients; a request naming another host is not refused here.
      secure.setSniHostCheck(false);
      hc.addCustomizer(secure);
      connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(tls(settings.tls()), http.getProtocol()), http);
    } else {
      connector = new ServerConnector(server, 1, 1, http);
    }
    InetSocketAddress bound;
    try {
      bound = (InetSocketAddress) channel.getLocalAddress();
      connector.setHost(bound.getHostString());
      connector.setPort(bound.getPort());
      // Serves on the socket bound before the node did any work; Jetty does not bind again.
      connector.open(channel);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serve on the bound socket: " + e.getMessage(), e);
    }
    connector.setIdleTimeout(settings.idleTimeout().toMillis());
    ConnectionGuard guard = new ConnectionGuard(settings.maxConnectionsPerAddress(), settings.headerTimeout().toMillis());
    connector.addBean(guard);
    connector.addEventListener(new LifeCycle.Listener() {
      @Override
      public void lifeCycleStarted(LifeCycle event) {
        guard.start(connector.getScheduler());
      }
    });
    return connector;
  }

  private static SslContextFactory.Server tls(TlsSettings tls) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStore(PemKeys.keyStore(tls.certificate(), tls.privateKey()));
    ssl.setKeyStorePassword(new String(PemKeys.PASSWORD));
    ssl.setKeyManagerPassword(new String(PemKeys.PASSWORD));
    if (tls.clientCa() != null) {
      ssl.setTrustStore(PemKeys.trustStore(tls.clientCa()));
      ssl.setTrustStorePassword(new String(PemKeys.PASSWORD));
    }
    switch (tls.clientAuth()) {
      case NEED -> ssl.setNeedClientAuth(true);
      case WANT -> ssl.setWantClientAuth(true);
      case NONE -> { }
    }
    ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    return ssl;
  }

  /**
   * Counts open connections per client address and closes, as soon as it is opened, a connection
   * over the cap; closes a connection whose request headers have been arriving for longer than the
   * header timeout. Thread-safe: Jetty calls it from its selector threads.
   */
  static final class ConnectionGuard implements Connection.Listener {
    private final int maxPerAddress;
    private final long headerTimeoutMillis;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** The address each counted connection was counted under (a closed socket no longer tells). */
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();
    /** HTTP connections, and since when (nanoTime) each was first seen in the middle of a request's headers (0: not). */
    private final Map<HttpConnection, Long> inHeaders = new ConcurrentHashMap<>();

    ConnectionGuard(int maxPerAddress, long headerTimeoutMillis) {
      this.maxPerAddress = maxPerAddress;
      this.headerTimeoutMillis = headerTimeoutMillis;
    }

    @Override
    public void onOpened(Connection connection) {
      if (connection instanceof HttpConnection http) {
        inHeaders.put(http, 0L);
      }
      InetAddress address = socketAddress(connection);
      if (address == null) {
        return;
      }
      counted.put(connection, address);
      if (open.merge(address, 1, Integer::sum) > maxPerAddress) {
        connection.getEndPoint().close();
      }
    }

    @Override
    public void onClosed(Connection connection) {
      if (connection instanceof HttpConnection http) {
        inHeaders.remove(http);
      }
      InetAddress address = counted.remove(connection);
      if (address != null) {
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
      }
    }

    /** The client address of a connection on a network socket; null for one layered over TLS (counted once, by its socket's). */
    private static InetAddress socketAddress(Connection connection) {
      EndPoint ep = connection.getEndPoint();
      if (!(ep instanceof SocketChannelEndPoint)) {
        return null;
      }
      SocketAddress remote = ep.getRemoteSocketAddress();
      return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }

    void start(Scheduler scheduler) {
      long period = Math.max(50, headerTimeoutMillis / 4);
      scheduler.schedule(new Runnable() {
        @Override
        public void run() {
          sweep();
          if (scheduler.isRunning()) {
            scheduler.schedule(this, period, TimeUnit.MILLISECONDS);
          }
        }
      }, period, TimeUnit.MILLISECONDS);
    }

    /** Closes the connections whose request headers are taking longer than the header timeout. */
    void sweep() {
      long now = System.nanoTime();
      for (Map.Entry<HttpConnection, Long> e : inHeaders.entrySet()) {
        HttpConnection c = e.getKey();
        boolean midHeaders = !c.getParser().isStart() && c.getParser().inHeaderState();
        if (!midHeaders) {
          e.setValue(0L);
        } else if (e.getValue() == 0L) {
          e.setValue(now);
        } else if (now - e.getValue() > TimeUnit.MILLISECONDS.toNanos(headerTimeoutMillis)) {
          inHeaders.remove(c);
          c.getEndPoint().close();
        }
      }
    }
  }

  /**
   * Holds handlers to {@code maxBytes} of request body, counted while the body streams in, whether
   * or not it declared its length: a longer body is refused (413) without being read further. A
   * declared length over the limit is refused before a byte of the body is read. And a handler that
   * died of an {@link Error} (which Javalin answers with a bare 500) still answers problem+json.
   */
  private static final class BodyLimit implements Filter {
    private final long maxBytes;
    private final Predicate<HttpServletRequest> exempt;

    BodyLimit(long maxBytes, Predicate<HttpServletRequest> exempt) {
      this.maxBytes = maxBytes;
      this.exempt = exempt;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
      HttpServletRequest http = (HttpServletRequest) request;
      boolean bounded = !exempt.test(http);
      if (bounded && http.getContentLengthLong() > maxBytes) {
        HttpServletResponse res = (HttpServletResponse) response;
        res.setHeader(HttpHeader.CONNECTION.asString(), "close");
        writeProblem(res, 413, RejectionCode.TOO_LARGE.name(), tooLarge(maxBytes));
        return;
      }
      try {
        chain.doFilter(bounded ? new LimitedRequest(http, maxBytes) : http, response);
      } finally {
        HttpServletResponse res = (HttpServletResponse) response;
        if (!res.isCommitted() && res.getStatus() >= 500 && !HttpApi.PROBLEM_JSON.equals(res.getContentType()) && !request.isAsyncStarted()) {
          res.resetBuffer();
          writeProblem(res, res.getStatus(), code(res.getStatus()), "the node failed to answer: " + HttpStatus.getMessage(res.getStatus()));
        }
      }
    }
  }

  static String tooLarge(long maxBytes) {
    return "request body exceeds " + maxBytes + " bytes";
  }

  /** Thrown by a bounded body when a handler reads past the limit; answered 413 TOO_LARGE. */
  static final class BodyTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge(long maxBytes) {
      super(tooLarge(maxBytes));
    }
  }

  private static final class LimitedRequest extends HttpServletRequestWrapper {
    private final long maxBytes;
    private ServletInputStream limited;

    LimitedRequest(HttpServletRequest request, long maxBytes) {
      super(request);
      this.maxBytes = maxBytes;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (limited == null) {
        limited = new LimitedInput(super.getInputStream(), maxBytes);
      }
      return limited;
    }
  }

  private static final class LimitedInput extends ServletInputStream {
    private final ServletInputStream in;
    private final long maxBytes;
    private long read;

    LimitedInput(ServletInputStream in, long maxBytes) {
      this.in = in;
      this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, (int) Math.min(length, maxBytes + 1 - read));
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > maxBytes) {
        throw new BodyTooLarge(maxBytes);
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  static void writeProblem(HttpServletResponse res, int status, String code, String detail) throws IOException {
    byte[] body = problemBytes(status, code, detail);
    res.setStatus(status);
    res.setContentType(HttpApi.PROBLEM_JSON);
    res.setContentLength(body.length);
    res.getOutputStream().write(body);
  }

  static byte[] problemBytes(int status, String code, String detail) {
    return Json.write(Problem.of(status, code, HttpApi.title(code), detail)).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Jetty's error pages as problem+json: the refusals Jetty makes before any handler runs (a bad
   * request line or header: 400; a request line too long: 414; headers too large: 431) and the
   * errors a handler left without a body.
   */
  static final class ProblemErrors extends ErrorHandler {
    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response) throws IOException {
      int status = response.getStatus() >= 400 ? response.getStatus() : 500;
      Object message = request.getAttribute("jakarta.servlet.error.message");
      String detail = message == null ? HttpStatus.getMessage(status) : message.toString();
      baseRequest.setHandled(true);
      if (response.isCommitted()) {
        return;
      }
      response.resetBuffer();
      writeProblem(response, status, code(status), detail);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(HttpHeader.CONTENT_TYPE, HttpApi.PROBLEM_JSON);
      String detail = reason == null ? HttpStatus.getMessage(status) : reason;
      return ByteBuffer.wrap(problemBytes(status, code(status), detail));
    }
  }
}
