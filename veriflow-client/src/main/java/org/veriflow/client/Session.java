package org.veriflow.client;

import java.util.Objects;
import java.util.function.Function;
import org.veriflow.core.crypto.SigningKey;

/**
 * One identity's transactions on one node: owns the identity's next nonce and the validity of what
 * it signs, so that callers never count nonces by hand.
 *
 * <p>The first transaction fetches the chain's id and the account's nonce from the node; later ones
 * take consecutive nonces without asking. Each transaction stays valid until the chain height read
 * when it is built plus the validity window ({@value #DEFAULT_VALIDITY_BLOCKS} blocks unless given).
 * When the node refuses a submission because the nonce is stale ({@code NONCE_TOO_LOW} or {@code
 * NONCE_TOO_HIGH}: another client used the identity, or an earlier transaction was dropped), the
 * session fetches the account's nonce again and signs the call once more; after any other refusal
 * it fetches the nonce again before the next transaction, since a refused one consumed none.
 *
 * <p>Thread-safe: nonces are handed out under the session's lock, in the order callers sign; two
 * threads never get the same nonce.
 */
public final class Session {
  /** Blocks past the current head during which a transaction built by a session stays valid, by default. */
  public static final long DEFAULT_VALIDITY_BLOCKS = 1000;

  private final VeriflowClient client;
  private final SigningKey key;
  private final long validityBlocks;

  // Guarded by this.
  private String chainId;
  private long nextNonce = -1;

  /**
   * A session with the default validity window.
   *
   * @param client the node to talk to
   * @param key the identity's signing key
   * @throws NullPointerException if an argument is null
   */
  public Session(VeriflowClient client, SigningKey key) {
    this(client, key, DEFAULT_VALIDITY_BLOCKS);
  }

  /**
   * @param client the node to talk to
   * @param key the identity's signing key
   * @param validityBlocks how many blocks past the head at build time a transaction stays valid, at least 1
   * @throws NullPointerException if {@code client} or {@code key} is null
   * @throws IllegalArgumentException if {@code validityBlocks} is below 1
   */
  public Session(VeriflowClient client, SigningKey key, long validityBlocks) {
    this.client = Objects.requireNonNull(client, "client");
    this.key = Objects.requireNonNull(key, "key");
    if (validityBlocks < 1) {
      throw new IllegalArgumentException("a transaction must stay valid for at least 1 block, not " + validityBlocks);
    }
    this.validityBlocks = validityBlocks;
  }

  /** @return the node this session talks to */
  public VeriflowClient client() {
    return client;
  }

  /** @return the identity's signing key */
  public SigningKey key() {
    return key;
  }

  /**
   * Signs one transaction with the identity's next nonce, valid until the current height plus the
   * window. The nonce counts as used: the next call gets the one after, whether or not this
   * transaction is ever submitted (use {@link #resync} after dropping one).
   *
   * @param call builds exactly one transaction with the builder it is given, e.g. {@code b -> b.transfer(to, 5, "")}
   * @return the signed transaction
   * @throws ClientException if the node cannot tell the chain's height or the account's nonce
   * @throws IllegalArgumentException if {@code call} did not build exactly one transaction
   */
  public synchronized SignedTransaction sign(Function<TransactionBuilder, SignedTransaction> call) {
    Objects.requireNonNull(call, "call");
    Responses.ChainInfo chain = client.chain();
    if (nextNonce < 0 || !chain.chainId().equals(chainId)) {
      chainId = chain.chainId();
      nextNonce = client.account(key.id().value()).nonce();
    }
    TransactionBuilder builder = new TransactionBuilder(chainId, key, nextNonce, chain.height() + validityBlocks);
    SignedTransaction tx = Objects.requireNonNull(call.apply(builder), "the call built no transaction");
    if (builder.nextNonce() != nextNonce + 1) {
      throw new IllegalArgumentException("a session call must build exactly one transaction, not " + (builder.nextNonce() - nextNonce));
    }
    nextNonce = builder.nextNonce();
    return tx;
  }

  /**
   * Signs and submits one transaction; if the node refuses it for a stale nonce, re-reads the
   * account's nonce and signs and submits it once more.
   *
   * @param call builds exactly one transaction with the builder it is given
   * @param wait true: return once the transaction's block is durable (or the node's wait ended)
   * @return the node's answer: {@link TransactionStatus#COMMITTED}, {@link TransactionStatus#FAILED}
   *     with its code, or {@link TransactionStatus#PENDING}
   * @throws ClientException with the rejection code if the node refused the transaction for another
   *     reason, or refused the second attempt, or could not be reached
   * @throws IllegalArgumentException if {@code call} did not build exactly one transaction
   */
  public Responses.TxInfo submit(Function<TransactionBuilder, SignedTransaction> call, boolean wait) {
    Responses.TxInfo info;
    try {
      info = client.submit(sign(call), wait);
    } catch (ClientException e) {
      // A refused transaction did not consume its nonce; the next one reads the account's nonce again.
      resync();
      if (!staleNonce(e.code())) {
        throw e;
      }
      info = client.submit(sign(call), wait);
    }
    if (TransactionStatus.REJECTED.name().equals(info.status())) {
      resync();
    }
    return info;
  }

  /** Forgets the nonce held, so that the next transaction reads the account's nonce from the node again. */
  public synchronized void resync() {
    nextNonce = -1;
  }

  private static boolean staleNonce(String code) {
    return code.equals("NONCE_TOO_LOW") || code.equals("NONCE_TOO_HIGH");
  }
}
