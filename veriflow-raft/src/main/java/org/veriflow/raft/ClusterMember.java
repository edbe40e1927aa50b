package org.veriflow.raft;

import java.net.URI;
import java.util.Objects;

/**
 * One node of a cluster: its name, the address its Raft server listens on ({@code host:port}) and
 * the base URL of its HTTP API (where other nodes relay transactions and fetch blocks).
 */
public record ClusterMember(String id, String raftAddress, URI apiUrl) {
  public ClusterMember {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(raftAddress, "raftAddress");
    Objects.requireNonNull(apiUrl, "apiUrl");
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,31}")) {
      throw new IllegalArgumentException("member id must be 1-32 letters, digits, '_' or '-', not '" + id + "'");
    }
    int colon = raftAddress.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("member " + id + ": raft address must be host:port, not '" + raftAddress + "'");
    }
    port(raftAddress.substring(colon + 1), id);
    if (!"http".equals(apiUrl.getScheme()) && !"https".equals(apiUrl.getScheme()) || apiUrl.getHost() == null) {
      throw new IllegalArgumentException("member " + id + ": API URL must be http(s)://host:port, not '" + apiUrl + "'");
    }
  }

  /**
   * Parses {@code id@host:port@http://host:port}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ClusterMember parse(String spec) {
    String[] parts = spec.trim().split("@", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException("a member is id@raft-host:raft-port@http://api-host:api-port, not '" + spec.trim() + "'");
    }
    URI api;
    try {
      api = URI.create(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("member " + parts[0] + ": API URL '" + parts[2] + "' is not a URL", e);
    }
    return new ClusterMember(parts[0], parts[1], api);
  }

  public String raftHost() {
    return raftAddress.substring(0, raftAddress.lastIndexOf(':'));
  }

  public int raftPort() {
    return port(raftAddress.substring(raftAddress.lastIndexOf(':') + 1), id);
  }

  /** The form {@link #parse} reads. */
  public String spec() {
    return id + "@" + raftAddress + "@" + apiUrl;
  }

  private static int port(String s, String id) {
    try {
      int p = Integer.parseInt(s);
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("member " + id + ": raft port must be 1..65535, not '" + s + "'");
    }
  }
}
