package org.veriflow.demo.load;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.veriflow.client.ProgressListener;

/**
 * Holds slow connections against a node, the way a slow-loris attacker does, and measures whether
 * the node still answers. Each slow connection sends the headers of a {@code POST} that announces a
 * 1,000,000-byte body, then one byte of it every {@code trickle}; the load grows in steps, and at
 * each step {@code /health} (on the address given, normally the operations listener) and a read on
 * the API ({@code GET /v1/chain}) are timed from a fresh connection.
 *
 * <p>Source addresses: on Linux every address of 127.0.0.0/8 is local, so a load against a loopback
 * node can spread its connections over {@code sources} addresses (127.0.0.1, .2, ...) to look like
 * that many clients; a per-address connection cap then does not refuse them all at accept, and what
 * protects the node is its read timeouts and minimum data rate.
 */
public final class SlowClientsLoad {
  /** The announced body length of each slow request. */
  static final int ANNOUNCED_BYTES = 1_000_000;
  /** The liveness bound: {@code /health} must answer within this. */
  public static final Duration HEALTH_BOUND = Duration.ofSeconds(1);

  /**
   * One step of the load.
   *
   * @param target slow connections the step asked for
   * @param opened of those (counted since the first step), how many connected (TCP and, with TLS, the handshake)
   * @param openAtProbe how many were still open when the probes ran
   * @param closedByNode of those opened, how many the node had ended (closed or answered) by the end of the step
   * @param healthMaxMillis the slowest {@code /health} answer of the step's probes; {@code -1} if one failed
   * @param healthP50Millis the median {@code /health} answer
   * @param apiMaxMillis the slowest {@code GET /v1/chain} answer; {@code -1} if one failed
   */
  public record Step(int target, int opened, int openAtProbe, int closedByNode, double healthMaxMillis, double healthP50Millis,
      double apiMaxMillis) {
    /** Whether every {@code /health} probe of the step answered within {@link #HEALTH_BOUND}. */
    public boolean healthy() {
      return healthMaxMillis >= 0 && healthMaxMillis <= HEALTH_BOUND.toMillis();
    }
  }

  /**
   * The whole run.
   *
   * @param steps each step in order
   * @param sources the source addresses the connections were spread over
   * @param trickleMillis the interval between two bytes of a slow body
   */
  public record Result(List<Step> steps, int sources, long trickleMillis) {
    public Result {
      steps = List.copyOf(steps);
    }

    /** The most slow connections asked for at a step where {@code /health} stayed within its bound. */
    public int survived() {
      return steps.stream().filter(Step::healthy).mapToInt(Step::target).max().orElse(0);
    }
  }

  private final URI api;
  private final URI health;
  private final Optional<SSLContext> tls;
  private final ProgressListener progress;

  /**
   * @param api the node's API base URL ({@code http} or {@code https})
   * @param health the full URL of the liveness endpoint to probe
   * @param tls the client TLS context for {@code https} URLs (trusting the node's CA), if any
   * @param progress receives one line per step
   */
  public SlowClientsLoad(URI api, URI health, Optional<SSLContext> tls, ProgressListener progress) {
    this.api = Objects.requireNonNull(api, "api");
    this.health = Objects.requireNonNull(health, "health");
    this.tls = Objects.requireNonNull(tls, "tls");
    this.progress = Objects.requireNonNull(progress, "progress");
    if ("https".equals(api.getScheme()) && tls.isEmpty()) {
      throw new IllegalArgumentException("an https API needs a TLS context that trusts the node's certificate");
    }
  }

  /**
   * Runs the steps.
   *
   * @param targets slow connections to hold at each step, increasing
   * @param sources source addresses to spread connections over (1 = the loopback address only)
   * @param trickle interval between two bytes of each slow body
   * @param hold how long each step holds its connections before probing
   * @param probes probes of {@code /health} and the API per step
   * @return the steps' figures
   * @throws IllegalArgumentException if the targets do not increase or another argument is out of range
   */
  public Result run(int[] targets, int sources, Duration trickle, Duration hold, int probes) throws InterruptedException {
    if (targets.length == 0 || sources < 1 || sources > 250 || probes < 1) {
      throw new IllegalArgumentException("need at least one step, 1..250 sources and at least one probe");
    }
    for (int i = 1; i < targets.length; i++) {
      if (targets[i] <= targets[i - 1]) {
        throw new IllegalArgumentException("the steps must increase: " + Arrays.toString(targets));
      }
    }
    HttpClient probe = probeClient();
    List<Slow> open = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    int everOpened = 0;
    try {
      for (int target : targets) {
        while (everOpened < target) {
          Slow.open(api, tls, source(everOpened, sources)).ifPresent(open::add);
          everOpened++;
        }
        long deadline = System.nanoTime() + hold.toNanos();
        while (System.nanoTime() < deadline) {
          trickleAll(open);
          Thread.sleep(Math.min(trickle.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        }
        trickleAll(open);
        int openAtProbe = (int) open.stream().filter(s -> !s.ended()).count();
        long[] healthNanos = new long[probes];
        long[] apiNanos = new long[probes];
        boolean healthFailed = false;
        boolean apiFailed = false;
        for (int i = 0; i < probes; i++) {
          healthNanos[i] = time(probe, health);
          apiNanos[i] = time(probe, api.resolve("/v1/chain"));
          healthFailed |= healthNanos[i] < 0;
          apiFailed |= apiNanos[i] < 0;
          trickleAll(open);
        }
        Arrays.sort(healthNanos);
        Arrays.sort(apiNanos);
        int closed = (int) open.stream().filter(Slow::ended).count();
        Step step = new Step(target, open.size(), openAtProbe, closed, healthFailed ? -1 : healthNanos[probes - 1] / 1e6,
            healthFailed ? -1 : LoadSupport.percentileMillis(healthNanos, 0.5), apiFailed ? -1 : apiNanos[probes - 1] / 1e6);
        steps.add(step);
        LoadSupport.step(progress, "slow connections: " + target, String.format(java.util.Locale.ROOT,
            "%d accepted, %d open at the probes, %d closed by the node; /health max %.0f ms (p50 %.0f ms), GET /v1/chain max %.0f ms",
            step.opened(), step.openAtProbe(), step.closedByNode(), step.healthMaxMillis(), step.healthP50Millis(), step.apiMaxMillis()));
      }
    } finally {
      for (Slow s : open) {
        s.close();
      }
    }
    return new Result(steps, sources, trickle.toMillis());
  }

  private HttpClient probeClient() {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    tls.ifPresent(b::sslContext);
    return b.build();
  }

  /** The time of one GET that answered 200, in nanoseconds; -1 if it failed or took over 10 s. */
  private static long time(HttpClient client, URI url) {
    long start = System.nanoTime();
    try {
      HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200 ? System.nanoTime() - start : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void trickleAll(List<Slow> open) {
    for (Slow s : open) {
      s.trickle();
    }
  }

  private static InetAddress source(int i, int sources) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (1 + i % sources)});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One slow request: headers sent, body trickled a byte at a time. */
  private static final class Slow {
    private final Socket socket;
    private final OutputStream out;
    private int sent;
    boolean closed;

    private Slow(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
    }

    static Optional<Slow> open(URI api, Optional<SSLContext> tls, InetAddress source) {
      boolean https = "https".equals(api.getScheme());
      int port = api.getPort() > 0 ? api.getPort() : https ? 443 : 80;
      Socket socket = null;
      try {
        socket = https ? tls.orElseThrow().getSocketFactory().createSocket() : new Socket();
        socket.bind(new InetSocketAddress(api.getHost().startsWith("127.") || "localhost".equals(api.getHost()) ? source
            : InetAddress.getByName("0.0.0.0"), 0));
        socket.connect(new InetSocketAddress(api.getHost(), port), 5_000);
        socket.setSoTimeout(5_000);
        if (socket instanceof SSLSocket ssl) {
          ssl.startHandshake();
        }
        Slow s = new Slow(socket);
        String head = "POST /v1/transactions HTTP/1.1\r\nHost: " + api.getHost() + ":" + port + "\r\nContent-Type: application/json\r\nContent-Length: "
            + ANNOUNCED_BYTES + "\r\n\r\n";
        s.out.write(head.getBytes(StandardCharsets.US_ASCII));
        s.out.flush();
        return Optional.of(s);
      } catch (IOException e) {
        if (socket != null) {
          try {
            socket.close();
          } catch (IOException ignored) {
            // already failed
          }
        }
        return Optional.empty();
      }
    }

    void trickle() {
      if (closed) {
        return;
      }
      if (sent >= ANNOUNCED_BYTES - 1) {
        return;
      }
      try {
        out.write('{');
        out.flush();
        sent++;
      } catch (IOException e) {
        close();
      }
    }

    /**
     * Whether the node has ended this request: it closed the connection, or answered (a timeout's
     * error, a refusal). A write alone does not tell, since a closed peer's socket takes writes into
     * its buffer until the reset arrives.
     */
    boolean ended() {
      if (closed) {
        return true;
      }
      try {
        socket.setSoTimeout(1);
        socket.getInputStream().read(); // end of stream or the first byte of an answer: either way, over
        close();
      } catch (java.net.SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        close();
      }
      return true;
    }

    void close() {
      closed = true;
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
