package org.veriflow.client;

/**
 * Why a TLS connection to a node failed: the {@link ClientException#code()} of such a failure.
 * Stable names.
 */
public enum TlsFailure {
  /**
   * The node's certificate is not signed by a trusted CA (see {@link TlsOptions#caFile()}), has
   * expired, or does not name the host in the node's URL.
   */
  TLS_UNTRUSTED,
  /**
   * The node ended the handshake: typically it requires a client certificate and none, or one it
   * does not trust, was presented.
   */
  TLS_REFUSED,
  /** The client's own TLS files cannot be used: unreadable, malformed, or a key not matching its certificate. */
  TLS_CONFIG
}
