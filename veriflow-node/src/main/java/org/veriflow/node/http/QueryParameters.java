package org.veriflow.node.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.List;
import java.util.Set;

/**
 * Reading routes declared with the query parameters they accept. A request naming any other
 * parameter is refused with 400 {@code UNKNOWN_PARAMETER} naming it, before the route's handler
 * runs, so that a misspelt filter ({@code ?tags=} for {@code ?tag=}) is an error rather than a
 * silently unfiltered answer. Every GET (and HEAD) route of both listeners is declared here.
 */
final class QueryParameters {
  /** The problem+json code of the refusal. */
  static final String UNKNOWN_PARAMETER = "UNKNOWN_PARAMETER";

  private QueryParameters() {
  }

  /**
   * Declares {@code GET path} answering with {@code handler} and accepting only {@code accepted}.
   *
   * @param app the listener
   * @param path the route, as Javalin spells it
   * @param handler what answers once the parameters are known
   * @param accepted the query parameters the route reads; none when empty
   */
  static void get(Javalin app, String path, Handler handler, String... accepted) {
    app.get(path, only(path, handler, accepted));
  }

  /**
   * Declares {@code HEAD path} like {@link #get}.
   *
   * @param app the listener
   * @param path the route, as Javalin spells it
   * @param handler what answers once the parameters are known
   * @param accepted the query parameters the route reads; none when empty
   */
  static void head(Javalin app, String path, Handler handler, String... accepted) {
    app.head(path, only(path, handler, accepted));
  }

  /** {@code handler}, run only when every query parameter of the request is in {@code accepted}. */
  private static Handler only(String path, Handler handler, String... accepted) {
    Set<String> allowed = Set.of(accepted);
    List<String> listed = List.of(accepted);
    return ctx -> {
      check(ctx, path, allowed, listed);
      handler.handle(ctx);
    };
  }

  private static void check(Context ctx, String path, Set<String> allowed, List<String> listed) {
    for (String name : ctx.queryParamMap().keySet()) {
      if (!allowed.contains(name)) {
        throw new HttpApi.BadRequest(UNKNOWN_PARAMETER, "unknown query parameter '" + name + "' on " + ctx.method() + " " + path + "; "
            + (listed.isEmpty() ? "it takes none" : "it takes " + String.join(", ", listed)));
      }
    }
  }
}
