package org.veriflow.node.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.veriflow.ledger.Rejection;
import org.veriflow.protocol.Limits;
import org.veriflow.protocol.http.BatchResults;
import org.veriflow.protocol.http.CommittedBlock;
import org.veriflow.protocol.http.CommittedBlocks;
import org.veriflow.protocol.http.Problem;
import org.veriflow.protocol.http.SubmitBatch;
import org.veriflow.protocol.http.SubmitTransaction;
import org.veriflow.protocol.http.TxStatusAnswer;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.VerifiedTx;
import org.veriflow.raft.ClusterMember;
import org.veriflow.raft.LeaderLink;

/**
 * Reaches other members through their HTTP API: relays transactions to the leader's batch
 * submission (marked as relayed, so that it is not relayed again) and fetches committed blocks for
 * a member catching up past the leader's Raft log.
 */
public final class HttpLeaderLink implements LeaderLink {
  /** The header by which a node marks a submission it relays to the leader; the leader must not relay it again. */
  public static final String RELAYED_BY = "Veriflow-Relayed-By";
  /** Reads and writes the API's bodies (the records of {@code org.veriflow.protocol.http}). */
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration RELAY_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(60);

  private final String selfId;
  private final HttpClient http;

  /**
   * A link with the JDK's default trust for {@code https} members and no certificate of its own.
   *
   * @param selfId this member's id, sent with the transactions it relays
   */
  public HttpLeaderLink(String selfId) {
    this.selfId = selfId;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
  }

  /**
   * A link whose {@code https} connections use {@code tls}: it trusts the cluster's CA (verifying
   * each member's host name) and presents this member's certificate to a member that asks for one.
   *
   * @param selfId this member's id, sent with the transactions it relays
   * @param tls the TLS context, trusting the cluster's CA and holding this member's certificate
   */
  public HttpLeaderLink(String selfId, javax.net.ssl.SSLContext tls) {
    this.selfId = selfId;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
  }

  @Override
  public List<Optional<Rejection>> relay(ClusterMember leader, List<VerifiedTx> txs) {
    List<Optional<Rejection>> out = new ArrayList<>(txs.size());
    for (int from = 0; from < txs.size(); from += Limits.TRANSACTIONS_PER_REQUEST) {
      out.addAll(relayChunk(leader, txs.subList(from, Math.min(txs.size(), from + Limits.TRANSACTIONS_PER_REQUEST))));
    }
    return out;
  }

  private List<Optional<Rejection>> relayChunk(ClusterMember leader, List<VerifiedTx> txs) {
    Base64.Encoder b64 = Base64.getEncoder();
    SubmitBatch body = new SubmitBatch(txs.stream().map(tx -> new SubmitTransaction(b64.encodeToString(tx.signed().getPayload().toByteArray()),
        b64.encodeToString(tx.signed().getSignature().toByteArray()))).toList());
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a relayed batch", e);
    }
    HttpRequest request = HttpRequest.newBuilder(leader.apiUrl().resolve("/v1/transactions/batch"))
        .timeout(RELAY_TIMEOUT)
        .header("Content-Type", "application/json")
        .header(RELAYED_BY, selfId)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      return all(txs, unreachable(leader, e.toString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return all(txs, unreachable(leader, "interrupted"));
    }
    JsonNode answer;
    try {
      answer = MAPPER.readTree(response.body());
    } catch (IOException e) {
      return all(txs, unreachable(leader, "answered HTTP " + response.statusCode() + " with a body that is not JSON"));
    }
    if (response.statusCode() != 200) {
      Problem problem;
      try {
        problem = MAPPER.treeToValue(answer, Problem.class);
      } catch (IOException | IllegalArgumentException e) {
        return all(txs, unreachable(leader, "answered HTTP " + response.statusCode() + " with a body that is not a problem"));
      }
      return all(txs, rejection(String.valueOf(problem.code()), problem.detail() != null ? problem.detail() : "HTTP " + response.statusCode(), leader));
    }
    List<TxStatusAnswer> results;
    try {
      results = MAPPER.treeToValue(answer, BatchResults.class).results();
    } catch (IOException | IllegalArgumentException e) {
      return all(txs, unreachable(leader, "answered 0 results for " + txs.size() + " transactions"));
    }
    if (results.size() != txs.size()) {
      return all(txs, unreachable(leader, "answered " + results.size() + " results for " + txs.size() + " transactions"));
    }
    List<Optional<Rejection>> out = new ArrayList<>(txs.size());
    for (TxStatusAnswer r : results) {
      out.add(TxOutcome.Status.REJECTED.name().equals(r.status())
          ? Optional.of(rejection(String.valueOf(r.code()), r.message() == null ? "" : r.message(), leader)) : Optional.empty());
    }
    return out;
  }

  private static Rejection rejection(String code, String message, ClusterMember leader) {
    for (RejectionCode c : RejectionCode.values()) {
      if (c.name().equals(code)) {
        return new Rejection(c, message);
      }
    }
    return unreachable(leader, "refused with " + code + ": " + message);
  }

  private static Rejection unreachable(ClusterMember leader, String why) {
    return new Rejection(RejectionCode.LEADER_UNREACHABLE, "cannot hand the transaction to the leader " + leader.id() + " at " + leader.apiUrl() + ": " + why);
  }

  private static List<Optional<Rejection>> all(List<VerifiedTx> txs, Rejection r) {
    return txs.stream().map(tx -> Optional.of(r)).toList();
  }

  @Override
  public List<PositionedBlock> blocksAfter(ClusterMember member, long afterHeight, int max) throws IOException {
    URI uri = member.apiUrl().resolve("/v1/cluster/blocks?after=" + afterHeight + "&max=" + max);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).GET().build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching blocks from " + member.id(), e);
    }
    if (response.statusCode() != 200) {
      throw new IOException(member.id() + " answered HTTP " + response.statusCode() + " to " + uri);
    }
    CommittedBlocks answer;
    try {
      answer = MAPPER.readValue(response.body(), CommittedBlocks.class);
    } catch (IllegalArgumentException e) {
      throw new IOException(member.id() + " answered blocks that do not read: " + e.getMessage(), e);
    }
    List<PositionedBlock> out = new ArrayList<>();
    Base64.Decoder b64 = Base64.getDecoder();
    for (CommittedBlock b : answer.blocks()) {
      if (b.block() == null) {
        throw new IOException(member.id() + " answered a block at height " + b.height() + " without its bytes");
      }
      out.add(new PositionedBlock(b64.decode(b.block()), b.position() != null ? b64.decode(b.position()) : null));
    }
    return out;
  }
}
