package org.veriflow.cli.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.TlsOptions;
import org.veriflow.client.VeriflowClient;

/** Asks every member of a cluster the same question at once, each at its own API URL, within a deadline. */
public final class Members {
  /** Extra time past the request timeout before a member's answer is given up on. */
  private static final Duration GRACE = Duration.ofSeconds(1);

  private Members() {}

  /**
   * Asks {@code question} of every member in parallel, each through a client on its {@code apiUrl}
   * whose requests time out after {@code timeout}. A member that fails to answer, answers with an
   * error or does not answer within {@code timeout} (plus a second) gets an {@link Answer} with the
   * problem instead of a value. Blocks until every member answered or the deadline passed.
   *
   * @param tls the TLS options of every member's client
   * @return one answer per member, in the order given
   */
  public static <T> List<Answer<T>> ask(List<Responses.ClusterMember> members, Duration timeout, TlsOptions tls,
      BiFunction<Responses.ClusterMember, VeriflowClient, T> question) {
    if (members.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(members.size(), 16), r -> {
      Thread t = new Thread(r, "cluster-ask");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Responses.ClusterMember m : members) {
        futures.add(pool.submit(() -> question.apply(m, new VeriflowClient(URI.create(m.apiUrl()), timeout, tls))));
      }
      long deadline = System.nanoTime() + timeout.plus(GRACE).toNanos();
      List<Answer<T>> out = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        out.add(await(members.get(i), futures.get(i), deadline, timeout));
      }
      return List.copyOf(out);
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> Answer<T> await(Responses.ClusterMember m, Future<T> f, long deadline, Duration timeout) {
    try {
      return Answer.of(m, f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      f.cancel(true);
      return Answer.none(m, "unreachable: no answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      return Answer.none(m, problem(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the cluster's members", e);
    }
  }

  private static String problem(Throwable e) {
    if (e instanceof ClientException ce) {
      return ce.code().equals("UNREACHABLE") ? "unreachable: " + ce.getMessage() : Problems.of(ce);
    }
    if (e instanceof IllegalArgumentException) {
      return "bad member entry: " + e.getMessage();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + Problems.withoutExceptionText(e.getMessage()));
  }
}
