package org.veriflow.client.audit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.veriflow.client.ClientException;
import org.veriflow.client.ProofChecks;
import org.veriflow.client.Responses;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.protocol.proto.BlockHeader;

/**
 * Inclusion of transactions in the orderer-signed log, each block header fetched and checked (hash,
 * orderer signature) once per audit. Thread-safe.
 */
final class LogChecks {
  /** A block's header once checked, or why it failed. */
  private record Header(BlockHeader header, String failure) {}

  private final VeriflowClient client;
  private final List<Responses.Orderer> orderers;
  private final Map<Long, Header> headers = new ConcurrentHashMap<>();

  LogChecks(VeriflowClient client, List<Responses.Orderer> orderers) {
    this.client = client;
    this.orderers = List.copyOf(orderers);
  }

  /** Fetches the transaction's proof and checks it; see {@link #included(String, String, Responses.TxInfo)}. */
  Check included(String section, String name, String txId) {
    Responses.TxInfo tx;
    try {
      tx = client.transaction(txId);
    } catch (ClientException e) {
      return Check.failed(section, name, AuditCode.NOT_IN_LOG, "transaction " + txId + ": " + e.code() + ": " + e.getMessage());
    }
    return included(section, name, tx);
  }

  /**
   * Checks that the transaction committed and that its inclusion proof leads to the log root of its
   * block's header, whose hash and orderer signature verify.
   */
  Check included(String section, String name, Responses.TxInfo tx) {
    if (tx.proof().isEmpty()) {
      return Check.failed(section, name, AuditCode.NOT_IN_LOG, "transaction " + tx.id() + " is " + tx.status() + ", not in a block");
    }
    Responses.InclusionProof p = tx.proof().get();
    Header h = headers.computeIfAbsent(p.blockHeight(), this::header);
    if (h.failure() != null) {
      return Check.failed(section, name, AuditCode.NOT_IN_LOG, "transaction " + tx.id() + ": " + h.failure());
    }
    try {
      ProofChecks.checkInclusion(tx.id(), p, h.header());
    } catch (ProofException e) {
      return Check.failed(section, name, AuditCode.NOT_IN_LOG, "transaction " + tx.id() + ": " + e.failure() + ": " + e.getMessage());
    }
    if (!tx.committed()) {
      return Check.failed(section, name, AuditCode.TX_FAILED, "transaction " + tx.id() + " is in block " + p.blockHeight() + " but " + tx.status()
          + " with " + tx.code().orElse("?") + ": " + tx.message().orElse(""));
    }
    return Check.ok(section, name, "transaction " + tx.id() + " committed in block " + p.blockHeight() + ", leaf " + p.leafIndex() + " of a log of "
        + p.logSize() + ", proof checked against the orderer-signed header");
  }

  private Header header(long height) {
    try {
      return new Header(ProofChecks.checkBlock(client.block(height), orderers), null);
    } catch (ProofException e) {
      return new Header(null, "block " + height + ": " + e.failure() + ": " + e.getMessage());
    } catch (ClientException e) {
      return new Header(null, "block " + height + ": " + e.code() + ": " + e.getMessage());
    }
  }
}
