package org.veriflow.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A handler that fails, even with an {@link Error} such as {@link OutOfMemoryError}, still gets a
 * problem+json 500 {@code INTERNAL} answer from the node's listener set-up.
 */
class HandlerFailureTest {
  private Javalin app;

  @BeforeEach
  void start() {
    ServerSettings settings = new ServerSettings("127.0.0.1", 0, 16, Duration.ofSeconds(5), Duration.ofSeconds(5), 100, 20, null,
        new ServerSettings.Ops(false, "127.0.0.1", 0));
    app = JettyListeners.create(settings, BoundPorts.bind(settings).api(), 16, "test-http", 1024, r -> false);
    app.get("/oom", ctx -> {
      throw new OutOfMemoryError("Java heap space (thrown by the test)");
    });
    app.get("/stack", ctx -> {
      throw new StackOverflowError();
    });
    app.get("/bug", ctx -> {
      throw new IllegalStateException("a bug");
    });
    // The same failures in an answer given later, as the routes that wait for a block give theirs.
    app.get("/async-oom", ctx -> ctx.future(() -> java.util.concurrent.CompletableFuture.supplyAsync(() -> 1).thenAccept(v -> {
      throw new OutOfMemoryError("Java heap space (thrown by the test)");
    })));
    app.get("/async-bug", ctx -> ctx.future(() -> java.util.concurrent.CompletableFuture.supplyAsync(() -> 1).thenAccept(v -> {
      throw new IllegalStateException("a bug");
    })));
    HttpApi.errors(app);
    app.start();
  }

  @AfterEach
  void stop() {
    app.stop();
  }

  @Test
  void handlerThrowsOutOfMemoryError_answers500ProblemJson() throws Exception {
    for (String path : new String[] {"/oom", "/stack", "/bug", "/async-oom", "/async-bug"}) {
      RawHttp.Answer a = RawHttp.exchange(app.port(), "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      assertThat(a.status()).as(path).isEqualTo(500);
      assertThat(a.problemJson()).as(path).isTrue();
      assertThat(a.body()).as(path).contains("\"code\":\"INTERNAL\"");
    }
  }

  @Test
  void bodyPastTheLimit_answers413_evenWithoutADeclaredLength() throws Exception {
    app.post("/echo", ctx -> ctx.result(ctx.bodyAsBytes()));
    StringBuilder chunked = new StringBuilder("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    for (int i = 0; i < 4; i++) {
      chunked.append("200\r\n").append("x".repeat(512)).append("\r\n");
    }
    chunked.append("0\r\n\r\n");
    RawHttp.Answer a = RawHttp.exchange(app.port(), chunked.toString());
    assertThat(a.status()).isEqualTo(413);
    assertThat(a.body()).contains("\"code\":\"TOO_LARGE\"");
    RawHttp.Answer small = RawHttp.exchange(app.port(), "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n");
    assertThat(small.status()).isEqualTo(200);
    assertThat(small.body()).isEqualTo("hello");
  }
}
