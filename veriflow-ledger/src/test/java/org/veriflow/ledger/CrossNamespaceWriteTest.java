package org.veriflow.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.FailureCode;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.OrdererSignature;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.ledger.exec.Contract;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ContractRegistry;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ledger.exec.SenderRegistry;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.ledger.store.InMemoryStore;

/**
 * Writes into another contract's namespace ({@link Contract#writesTo()}): allowed only where
 * declared, visible to the transaction's own reads, reverted with the transaction, and covered by the
 * block's state hash. Runs a real {@link Ledger} with two small contracts.
 */
class CrossNamespaceWriteTest {
  private static final String CHAIN = "cross-ns-test";
  private static final SigningKey SENDER = key(1);
  private static final SigningKey ORDERER = key(2);
  /** A contract with no methods: only a namespace that {@link Probe} declares it writes. */
  private static final String TARGET = "target";
  /** A contract neither declares. */
  private static final String BYSTANDER = "bystander";

  /** The probe contract's one failure. */
  private enum ProbeFailure implements FailureCode {
    PROBE_FAILED
  }

  private Ledger ledger = open();

  @AfterEach
  void close() {
    ledger.close();
  }

  private static SigningKey key(int n) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) n);
    return SigningKey.ed25519FromSeed(seed);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A contract without methods. */
  private static class Passive implements Contract {
    private final String name;

    Passive(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Optional<ContractMethod<?>> method(String method) {
      return Optional.empty();
    }

    @Override
    public SortedSet<String> methodNames() {
      return new TreeSet<>();
    }
  }

  /**
   * Declares that it writes {@link #TARGET}. Each method's argument is a key (UTF-8):
   * <ul>
   *   <li>{@code write}: puts key → "v" in TARGET, deletes "gone" there, and outputs what its own
   *       read of TARGET then sees under the key;
   *   <li>{@code write-then-fail}: puts key → "v" in TARGET and its own namespace, then fails;
   *   <li>{@code write-undeclared}: puts key → "v" in {@link #BYSTANDER}.
   *   <li>{@code delete-undeclared}: deletes key from {@link #BYSTANDER}.
   * </ul>
   */
  static final class Probe implements Contract {
    @Override
    public String name() {
      return "probe";
    }

    @Override
    public SortedSet<String> writesTo() {
      return new TreeSet<>(List.of(TARGET));
    }

    @Override
    public SortedSet<String> methodNames() {
      return new TreeSet<>(List.of("delete-undeclared", "write", "write-then-fail", "write-undeclared"));
    }

    @Override
    public Optional<ContractMethod<?>> method(String name) {
      return methodNames().contains(name) ? Optional.of(new Call(name)) : Optional.empty();
    }

    private record Call(String method) implements ContractMethod<byte[]> {
      @Override
      public byte[] decode(byte[] arguments) {
        return arguments.clone();
      }

      @Override
      public void authorise(ContractContext context, byte[] key) {}

      @Override
      public void execute(ExecutionContext ctx, byte[] key) throws ContractException {
        switch (method) {
          case "write" -> {
            ctx.put(TARGET, key, b("v"));
            ctx.delete(TARGET, b("gone"));
            ctx.output(ctx.state(TARGET).get(key).orElse(b("nothing")));
          }
          case "write-then-fail" -> {
            ctx.put(TARGET, key, b("v"));
            ctx.put(key, b("v"));
            throw new ContractException(ProbeFailure.PROBE_FAILED, "failing after writing " + new String(key, StandardCharsets.UTF_8));
          }
          case "write-undeclared" -> ctx.put(BYSTANDER, key, b("v"));
          case "delete-undeclared" -> ctx.delete(BYSTANDER, key);
          default -> throw new IllegalStateException(method);
        }
      }
    }
  }

  private static Ledger open() {
    ContractRegistry contracts = new ContractRegistry(List.of(new Probe(), new Passive(TARGET), new Passive(BYSTANDER)));
    SenderRegistry everyone = new SenderRegistry() {
      @Override
      public String namespace() {
        return TARGET;
      }

      @Override
      public Status status(StateView registry, IdentityId sender) {
        return Status.ACTIVE;
      }
    };
    GenesisState genesis = new GenesisState(new ChainParams(CHAIN, 4096, List.of(ORDERER.publicKey())), 1_000,
        List.of(new GenesisState.Write(TARGET, b("gone"), b("was here"))));
    return Ledger.open(new InMemoryStore(), contracts, everyone, genesis);
  }

  private static byte[] tx(long nonce, String method, String key) {
    byte[] payload = TxPayload.newBuilder()
        .setChainId(CHAIN)
        .setSenderKey(ByteString.copyFrom(SENDER.publicKey().encoded()))
        .setSenderAlgorithm(KeyAlgorithm.ED25519)
        .setNonce(nonce)
        .setValidUntilHeight(100)
        .setContract("probe")
        .setMethod(method)
        .setArguments(ByteString.copyFrom(b(key)))
        .build().toByteArray();
    return SignedTx.newBuilder().setPayload(ByteString.copyFrom(payload)).setSignature(ByteString.copyFrom(SENDER.sign(payload)))
        .build().toByteArray();
  }

  private ExecutedBlock execute(byte[]... txs) {
    List<VerifiedTx> verified = Arrays.stream(txs).map(t -> {
      Ledger.Admission a = ledger.admit(t);
      assertThat(a.rejection()).isNull();
      return a.tx();
    }).toList();
    return ledger.execute(ledger.head().header().getTimestampMillis() + 1_000, verified);
  }

  private BlockRecord commit(byte[]... txs) {
    ExecutedBlock block = execute(txs);
    return ledger.commit(block, List.of(OrdererSignature.newBuilder()
        .setPublicKey(ByteString.copyFrom(ORDERER.publicKey().encoded()))
        .setAlgorithm(KeyAlgorithm.ED25519)
        .setSignature(ByteString.copyFrom(ORDERER.sign(block.headerBytes())))
        .build()));
  }

  @Test
  void put_declaredNamespace_writtenAndSeenByOwnReads() {
    List<TxResult> results = ledger.results(commit(tx(0, "write", "k")).height());

    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(results.get(0).getOutput().toStringUtf8()).isEqualTo("v");
    assertThat(ledger.state(TARGET).get(b("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(b("v")));
    assertThat(ledger.state(TARGET).get(b("gone"))).isEmpty();
    assertThat(ledger.state("probe").get(b("k"))).isEmpty();
  }

  @Test
  void put_declaredNamespaceThenFails_writesRevertedNonceConsumed() {
    List<TxResult> results = ledger.results(commit(tx(0, "write-then-fail", "k"), tx(1, "write", "other")).height());

    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.FAILED);
    assertThat(results.get(0).getCode()).isEqualTo("PROBE_FAILED");
    assertThat(ledger.state(TARGET).get(b("k"))).isEmpty();
    assertThat(ledger.state("probe").get(b("k"))).isEmpty();
    assertThat(results.get(1).getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(ledger.state(TARGET).get(b("other"))).isPresent();
    assertThat(ledger.nextNonce(SENDER.id())).isEqualTo(2);
  }

  @Test
  void put_undeclaredNamespace_throwsAndNothingIsCommitted() {
    BlockRecord head = ledger.head();

    assertThatThrownBy(() -> execute(tx(0, "write-undeclared", "k")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'probe'").hasMessageContaining("'" + BYSTANDER + "'");

    assertThat(ledger.head()).isEqualTo(head);
    assertThat(ledger.state(BYSTANDER).get(b("k"))).isEmpty();
    assertThat(ledger.nextNonce(SENDER.id())).isZero();
  }

  @Test
  void delete_undeclaredNamespace_throws() {
    assertThatThrownBy(() -> execute(tx(0, "delete-undeclared", "k"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void put_declaredNamespace_coveredByStateHash() {
    Hash before = Hash.of(ledger.head().header().getStateHash().toByteArray());

    BlockRecord block = commit(tx(0, "write", "k"));

    NavigableMap<byte[], byte[]> expected = new TreeMap<>(Arrays::compareUnsigned);
    expected.put(TxRules.nonceKey(SENDER.id()), Keys.height(1));
    expected.put(Keys.state(TARGET, b("k")), b("v"));
    expected.put(Keys.state(TARGET, b("gone")), null);
    assertThat(Hash.of(block.header().getStateHash().toByteArray())).isEqualTo(BlockExecutor.stateHash(before, expected));
    expected.remove(Keys.state(TARGET, b("k")));
    assertThat(Hash.of(block.header().getStateHash().toByteArray())).isNotEqualTo(BlockExecutor.stateHash(before, expected));
  }

  @Test
  void readOnlyContext_writeToDeclaredNamespace_throws() {
    TxContext checking = TxContext.readOnly(new StoreState(new InMemoryStore()), "probe", null, CHAIN, 1, 0);

    assertThatThrownBy(() -> checking.put(TARGET, b("k"), b("v"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> checking.delete(TARGET, b("k"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void writableContext_ownNamespaceByName_allowedLikePut() {
    StateLayer layer = new StateLayer(new StoreState(new InMemoryStore()));
    TxContext ctx = TxContext.writable(layer, "probe", new TreeSet<>(), null, CHAIN, 1, 0);

    ctx.put("probe", b("k"), b("v"));

    assertThat(layer.get(Keys.state("probe", b("k")))).isPresent();
    assertThatThrownBy(() -> ctx.put(TARGET, b("k"), b("v"))).isInstanceOf(IllegalStateException.class);
    assertThat(layer.writes()).hasSize(1);
  }

  @Test
  void registry_writesToUnknownOwnOrSystemNamespace_refused() {
    Contract declaresUnknown = new Probe();
    assertThatThrownBy(() -> new ContractRegistry(List.of(declaresUnknown, new Passive(BYSTANDER))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + TARGET + "'");
    for (String bad : List.of("self", ContractRegistry.SYSTEM_NAMESPACE)) {
      Contract c = new Passive("self") {
        @Override
        public SortedSet<String> writesTo() {
          return new TreeSet<>(List.of(bad));
        }
      };
      assertThatThrownBy(() -> new ContractRegistry(List.of(c))).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
