package org.veriflow.node.http;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * The node's listening sockets (the API's and, when on, the operations listener's), bound before
 * the node opens its ledger or executes anything, so that a port held by another process stops the
 * start before a block is committed. {@link HttpApi#start} serves on them; until then a client's
 * connection waits in the socket's backlog. Thread-safe; {@link #close()} is idempotent.
 */
public final class BoundPorts implements AutoCloseable {
  private final ServerSettings settings;
  private final ServerSocketChannel api;
  /** The operations listener's socket, or null when it is off. */
  private final ServerSocketChannel ops;

  private BoundPorts(ServerSettings settings, ServerSocketChannel api, ServerSocketChannel ops) {
    this.settings = settings;
    this.api = api;
    this.ops = ops;
  }

  /**
   * Binds the API's address and, if the settings turn it on, the operations listener's.
   *
   * @param settings the listeners' addresses (and the rest of their settings, kept for {@link HttpApi#start})
   * @return the bound sockets; the caller closes them if it does not hand them to {@link HttpApi#start}
   * @throws IllegalStateException if an address is in use or cannot be bound; the message names the
   *     listener, the address and the configuration key to change; nothing stays bound
   */
  public static BoundPorts bind(ServerSettings settings) {
    ServerSocketChannel api = bind("the HTTP API", "http.port", settings.host(), settings.port());
    ServerSocketChannel ops = null;
    if (settings.ops().enabled()) {
      try {
        ops = bind("the operations listener", "ops.port", settings.ops().host(), settings.ops().port());
      } catch (RuntimeException e) {
        closeQuietly(api);
        throw e;
      }
    }
    return new BoundPorts(settings, api, ops);
  }

  private static ServerSocketChannel bind(String what, String key, String host, int port) {
    ServerSocketChannel channel = null;
    try {
      channel = ServerSocketChannel.open();
      // As Jetty does: a restart may bind while the previous run's connections are in TIME_WAIT.
      // Another socket listening on the port still makes the bind fail.
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(new InetSocketAddress(host, port), 0);
      return channel;
    } catch (BindException e) {
      closeQuietly(channel);
      throw new IllegalStateException("port in use: " + what + " cannot listen on " + host + ":" + port + " (" + e.getMessage()
          + "); stop the process that holds it or change '" + key + "'", e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw new IllegalStateException(what + " cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(ServerSocketChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing a socket that never served: nothing to recover
      }
    }
  }

  ServerSettings settings() {
    return settings;
  }

  ServerSocketChannel api() {
    return api;
  }

  /** The operations listener's socket, or null when it is off. */
  ServerSocketChannel ops() {
    return ops;
  }

  /**
   * The API's bound port.
   *
   * @return the port (the chosen one when the settings asked for 0)
   */
  public int port() {
    return api.socket().getLocalPort();
  }

  /** Closes both sockets (the listeners close them too when they stop). */
  @Override
  public void close() {
    closeQuietly(api);
    closeQuietly(ops);
  }
}
