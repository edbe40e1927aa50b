package org.veriflow.client.streams;

import com.google.protobuf.MessageLite;
import java.util.Objects;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.Session;
import org.veriflow.client.TransactionStatus;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.SigningKey;

/**
 * Signs and submits one sender's transactions one after another, each waiting for its block, so
 * that nonces and reading sequences reach the ledger in order. Not thread-safe.
 */
final class Sender {
  private final VeriflowClient client;
  private final SigningKey key;
  private final Session session;
  private final int maxTxBytes;

  Sender(VeriflowClient client, SigningKey key) {
    this.client = Objects.requireNonNull(client, "client");
    this.key = Objects.requireNonNull(key, "key");
    this.session = new Session(client, key);
    this.maxTxBytes = client.chain().maxTxBytes();
  }

  SigningKey key() {
    return key;
  }

  /** The chain's limit on a transaction's size, in bytes. */
  int maxTxBytes() {
    return maxTxBytes;
  }

  /** Signs {@code contract.method(arguments)} with the next nonce, without submitting it. */
  SignedTransaction sign(String contract, String method, MessageLite arguments) {
    return session.sign(b -> b.call(contract, method, arguments));
  }

  /**
   * Submits a signed transaction and waits for its block.
   *
   * @throws IllegalStateException if it failed on chain or is still pending when the node stops waiting
   * @throws org.veriflow.client.ClientException if the node refused it
   */
  Responses.TxInfo submit(SignedTransaction tx, String what) {
    Responses.TxInfo info = client.submit(tx, true);
    if (TransactionStatus.failed(info)) {
      throw new IllegalStateException(what + " failed on chain in transaction " + info.id() + ": " + info.code().orElse("")
          + ": " + info.message().orElse(""));
    }
    if (!info.committed()) {
      throw new IllegalStateException(what + ": transaction " + info.id() + " is still " + info.status()
          + "; check it later with 'veriflow tx get " + info.id() + "'");
    }
    return info;
  }

  Responses.TxInfo send(String contract, String method, MessageLite arguments, String what) {
    return submit(sign(contract, method, arguments), what);
  }
}
