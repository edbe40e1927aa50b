package org.veriflow.it.ledger;

import org.veriflow.contracts.TestChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import org.veriflow.protocol.FailureCode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.ledger.BlockRecord;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.ledger.exec.Contract;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ledger.store.InMemoryStore;

/**
 * Transactions admitted but failing during execution: each is in the block and the log, recorded as
 * FAILED with its code, consumes its nonce, and leaves no write behind.
 */
class ExecutionFailureTest {
  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey MEMBER = TestChain.key(11);

  private TestChain chain = TestChain.open();

  @AfterEach
  void close() {
    chain.close();
  }

  private void assertFailed(TxResult result, byte[] tx, String code) {
    assertThat(result.getStatus()).isEqualTo(TxStatus.FAILED);
    assertThat(result.getCode()).isEqualTo(code);
    assertThat(result.getMessage()).isNotBlank();
    assertThat(result.getEventsList()).isEmpty();
    assertThat(result.getOutput().isEmpty()).isTrue();
    assertThat(Hash.of(result.getTxId().toByteArray())).isEqualTo(TestChain.txId(tx));
  }

  @Test
  void transfer_overdraft_failedInsufficientFundsNonceConsumedBalancesKeptAndLogged() throws Exception {
    byte[] overdraft = TestChain.transfer(VALIDATOR, 0, ADMIN.id(), TestChain.VALIDATOR_CREDITS + 1);

    BlockRecord block = chain.commit(overdraft);

    List<TxResult> results = chain.ledger.results(block.height());
    assertThat(results).hasSize(1);
    assertFailed(results.get(0), overdraft, "INSUFFICIENT_FUNDS");
    assertThat(chain.nextNonce(VALIDATOR)).isEqualTo(1);
    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(TestChain.VALIDATOR_CREDITS);
    assertThat(chain.balance(ADMIN.id())).isEqualTo(TestChain.ADMIN_CREDITS);

    Ledger.TxRecord record = chain.ledger.transaction(TestChain.txId(overdraft)).orElseThrow();
    assertThat(record.result().getStatus()).isEqualTo(TxStatus.FAILED);
    assertThat(record.result().getCode()).isEqualTo("INSUFFICIENT_FUNDS");
    assertThat(record.height()).isEqualTo(block.height());
    assertThat(record.index()).isZero();
    assertThat(record.leafIndex()).isZero();
    assertThat(record.tx().toByteArray()).isEqualTo(overdraft);
    assertThat(block.header().getLogSize()).isEqualTo(1);
    chain.verifyInclusion(TestChain.txId(overdraft), record.leafIndex(), block.header());
  }

  @Test
  void transfer_overdraftNonceConsumed_sameNonceThenRefusedAndNextNonceWorks() {
    chain.commit(TestChain.transfer(VALIDATOR, 0, ADMIN.id(), TestChain.VALIDATOR_CREDITS + 1));
    assertThat(chain.ledger.admit(TestChain.transfer(VALIDATOR, 0, ADMIN.id(), 1)).rejection().code().name())
        .isEqualTo("NONCE_TOO_LOW");
    List<TxResult> results = chain.commitResults(TestChain.transfer(VALIDATOR, 1, ADMIN.id(), 1));
    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(TestChain.VALIDATOR_CREDITS - 1);
  }

  @Test
  void transfer_unregisteredRecipient_failedUnknownRecipient() {
    IdentityId nobody = TestChain.key(70).id();
    byte[] tx = TestChain.transfer(ADMIN, 0, nobody, 5);

    List<TxResult> results = chain.commitResults(tx);

    assertFailed(results.get(0), tx, "UNKNOWN_RECIPIENT");
    assertThat(chain.nextNonce(ADMIN)).isEqualTo(1);
    assertThat(chain.balance(ADMIN.id())).isEqualTo(TestChain.ADMIN_CREDITS);
    assertThat(chain.balance(nobody)).isZero();
  }

  @Test
  void register_sameKeyTwiceInOneBlock_secondFailsIdentityExistsFirstKept() {
    byte[] first = TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital");
    byte[] second = TestChain.register(ADMIN, 1, ORG.publicKey(), IdentityKind.ORGANISATION, "impostor");

    List<TxResult> results = chain.commitResults(first, second);

    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertFailed(results.get(1), second, "IDENTITY_EXISTS");
    assertThat(chain.identity(ORG.id()).orElseThrow().getName()).isEqualTo("hospital");
    assertThat(chain.nextNonce(ADMIN)).isEqualTo(2);
  }

  @Test
  void register_keyRegisteredInEarlierBlock_failedIdentityExists() {
    chain.commit(TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"));
    byte[] again = TestChain.register(ADMIN, 1, ORG.publicKey(), IdentityKind.AUDITOR, "again");

    assertFailed(chain.commitResults(again).get(0), again, "IDENTITY_EXISTS");
    assertThat(chain.identity(ORG.id()).orElseThrow().getKind()).isEqualTo(IdentityKind.ORGANISATION);
  }

  @Test
  void revoke_alreadyRevoked_failedAlreadyRevokedFirstRevocationKept() {
    chain.commit(TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"));
    chain.commit(TestChain.revoke(ADMIN, 1, ORG.id(), "first"));
    long revokedAt = chain.identity(ORG.id()).orElseThrow().getRevokedHeight();
    byte[] again = TestChain.revoke(ADMIN, 2, ORG.id(), "second");

    assertFailed(chain.commitResults(again).get(0), again, "ALREADY_REVOKED");
    assertThat(chain.identity(ORG.id()).orElseThrow().getRevocationReason()).isEqualTo("first");
    assertThat(chain.identity(ORG.id()).orElseThrow().getRevokedHeight()).isEqualTo(revokedAt);
    assertThat(chain.nextNonce(ADMIN)).isEqualTo(3);
  }

  @Test
  void revoke_unregisteredIdentity_failedUnknownIdentity() {
    byte[] tx = TestChain.revoke(ADMIN, 0, TestChain.key(71).id(), "who?");
    assertFailed(chain.commitResults(tx).get(0), tx, "UNKNOWN_IDENTITY");
    assertThat(chain.nextNonce(ADMIN)).isEqualTo(1);
  }

  @Test
  void execute_senderRevokedEarlierInSameBlock_failedRevokedSenderNonceConsumed() {
    chain.commit(TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"));
    chain.commit(TestChain.register(ORG, 0, MEMBER.publicKey(), IdentityKind.MEMBER, "alice"));
    byte[] revoke = TestChain.revoke(ORG, 1, MEMBER.id(), "left");
    byte[] byMember = TestChain.transfer(MEMBER, 0, ORG.id(), 1);

    BlockRecord block = chain.commit(revoke, byMember);

    List<TxResult> results = chain.ledger.results(block.height());
    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertFailed(results.get(1), byMember, "REVOKED_SENDER");
    // Ordered with the right nonce, so the nonce is spent although the sender lost its right to act.
    assertThat(chain.nextNonce(MEMBER)).isEqualTo(1);
    assertThat(chain.ledger.transaction(TestChain.txId(byMember))).isPresent();
    assertThat(block.header().getTxCount()).isEqualTo(2);
  }

  @Test
  void execute_wrongNonceInBlock_failedWithoutConsumingNonce() {
    byte[] ahead = TestChain.transfer(ADMIN, 5, VALIDATOR.id(), 1);
    assertFailed(chain.commitResults(ahead).get(0), ahead, "NONCE_TOO_HIGH");
    assertThat(chain.nextNonce(ADMIN)).isZero();
  }

  @Test
  void execute_sameTransactionTwiceInOneBlock_secondFailedDuplicate() {
    byte[] tx = TestChain.transfer(ADMIN, 0, VALIDATOR.id(), 7);
    List<TxResult> results = chain.commitResults(tx, tx);
    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertFailed(results.get(1), tx, "DUPLICATE_TX");
    assertThat(chain.balance(VALIDATOR.id())).isEqualTo(TestChain.VALIDATOR_CREDITS + 7);
    assertThat(chain.ledger.transaction(TestChain.txId(tx)).orElseThrow().index()).isZero();
  }

  // ------------------------------------------------------------------ reverting writes

  /** A contract that writes a key, and one method that writes, emits, outputs and then fails. */
  static final class Probe implements Contract {
    static final String NAME = "probe";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public SortedSet<String> methodNames() {
      return new TreeSet<>(List.of("put", "put-then-fail"));
    }

    @Override
    public Optional<ContractMethod<?>> method(String name) {
      return switch (name) {
        case "put" -> Optional.of(new Put(false));
        case "put-then-fail" -> Optional.of(new Put(true));
        default -> Optional.empty();
      };
    }

    /** The probe contract's failures. */
    private enum ProbeFailure implements FailureCode {
      BAD_ARGUMENTS,
      PROBE_FAILED
    }

    private record Put(boolean fail) implements ContractMethod<String> {
      @Override
      public String decode(byte[] arguments) throws ContractException {
        try {
          return StringValue.parseFrom(arguments).getValue();
        } catch (InvalidProtocolBufferException e) {
          throw new ContractException(ProbeFailure.BAD_ARGUMENTS, "not a StringValue");
        }
      }

      @Override
      public void authorise(ContractContext context, String key) {}

      @Override
      public void execute(ExecutionContext ctx, String key) throws ContractException {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        ctx.put(k, k);
        ctx.put("last".getBytes(StandardCharsets.UTF_8), k);
        ctx.emit("put", k);
        ctx.output(k);
        if (fail) {
          throw new ContractException(ProbeFailure.PROBE_FAILED, "failing after writing " + key);
        }
      }
    }
  }

  private static byte[] probe(long nonce, String method, String key) {
    return TestChain.tx(ADMIN, nonce, Probe.NAME, method, StringValue.of(key));
  }

  @Test
  void execute_contractFailsAfterWriting_itsWritesEventsAndOutputRevertedOthersKept() {
    chain.close();
    chain = TestChain.open(new InMemoryStore(), TestChain.spec().toState(), List.of(new Probe()));
    byte[] ok1 = probe(0, "put", "k1");
    byte[] failing = probe(1, "put-then-fail", "k2");
    byte[] ok3 = probe(2, "put", "k3");

    List<TxResult> results = chain.commitResults(ok1, failing, ok3);

    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(results.get(0).getEventsList()).hasSize(1);
    assertThat(results.get(0).getOutput().toStringUtf8()).isEqualTo("k1");
    assertFailed(results.get(1), failing, "PROBE_FAILED");
    assertThat(results.get(2).getStatus()).isEqualTo(TxStatus.COMMITTED);
    StateView state = chain.ledger.state(Probe.NAME);
    assertThat(state.get("k1".getBytes(StandardCharsets.UTF_8))).isPresent();
    assertThat(state.get("k2".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(state.get("k3".getBytes(StandardCharsets.UTF_8))).isPresent();
    assertThat(state.get("last".getBytes(StandardCharsets.UTF_8)))
        .hasValueSatisfying(v -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("k3"));
    assertThat(chain.nextNonce(ADMIN)).isEqualTo(3);
  }

  @Test
  void execute_failedWritesReverted_stateHashEqualsChainWithoutThem() {
    chain.close();
    chain = TestChain.open(new InMemoryStore(), TestChain.spec().toState(), List.of(new Probe()));
    BlockRecord withFailure = chain.commit(probe(0, "put", "k1"), probe(1, "put-then-fail", "k2"));

    try (TestChain other = TestChain.open(new InMemoryStore(), TestChain.spec().toState(), List.of(new Probe()))) {
      // Same effects: k1 written, two nonces consumed; but the second transaction fails for another reason.
      BlockRecord withoutWrites = other.commit(probe(0, "put", "k1"), TestChain.transfer(ADMIN, 1, TestChain.key(72).id(), 1));
      assertThat(other.ledger.results(1).get(1).getStatus()).isEqualTo(TxStatus.FAILED);
      assertThat(withFailure.header().getStateHash()).isEqualTo(withoutWrites.header().getStateHash());
    }
  }
}
