package org.veriflow.client.streams;

import com.google.protobuf.MessageLite;
import java.util.Objects;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.core.crypto.SigningKey;

/**
 * Signs and submits one sender's transactions one after another, each waiting for its block, so
 * that nonces and reading sequences reach the ledger in order. Not thread-safe.
 */
final class Sender {
  /** Transactions stay valid this many blocks past the last known height. */
  static final long VALIDITY_BLOCKS = 1000;

  private final VeriflowClient client;
  private final SigningKey key;
  private final int maxTxBytes;
  private TransactionBuilder builder;

  Sender(VeriflowClient client, SigningKey key) {
    this.client = Objects.requireNonNull(client, "client");
    this.key = Objects.requireNonNull(key, "key");
    Responses.ChainInfo chain = client.chain();
    this.maxTxBytes = chain.maxTxBytes();
    this.builder = new TransactionBuilder(chain.chainId(), key, client.account(key.id().value()).nonce(), chain.height() + VALIDITY_BLOCKS);
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
    return builder.call(contract, method, arguments);
  }

  /**
   * Submits a signed transaction and waits for its block.
   *
   * @throws IllegalStateException if it failed on chain or is still pending when the node stops waiting
   * @throws org.veriflow.client.ClientException if the node refused it
   */
  Responses.TxInfo submit(SignedTransaction tx, String what) {
    Responses.TxInfo info = client.submit(tx, true);
    if (info.status().equals("FAILED")) {
      throw new IllegalStateException(what + " failed on chain in transaction " + info.id() + ": " + info.code().orElse("")
          + ": " + info.message().orElse(""));
    }
    if (!info.committed()) {
      throw new IllegalStateException(what + ": transaction " + info.id() + " is still " + info.status()
          + "; check it later with 'veriflow tx get " + info.id() + "'");
    }
    info.height().ifPresent(h -> builder.validUntil(h + VALIDITY_BLOCKS));
    return info;
  }

  Responses.TxInfo send(String contract, String method, MessageLite arguments, String what) {
    return submit(sign(contract, method, arguments), what);
  }
}
