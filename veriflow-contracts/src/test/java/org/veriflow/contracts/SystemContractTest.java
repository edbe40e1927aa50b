package org.veriflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.protocol.FailureCode;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.contracts.TransferCredits;

/** The shared base: the method table, and the argument checks failing with the calling contract's code. */
class SystemContractTest {
  private enum ProbeFailure implements FailureCode {
    BAD_ARGUMENTS
  }

  private static final class Noop implements ContractMethod<byte[]> {
    @Override
    public byte[] decode(byte[] arguments) {
      return arguments;
    }

    @Override
    public void authorise(ContractContext context, byte[] arguments) {}

    @Override
    public void execute(ExecutionContext context, byte[] arguments) {}
  }

  private static final class Probe extends SystemContract {
    Probe(Map<String, ContractMethod<?>> methods, Set<String> writesTo) {
      super("probe", methods, writesTo);
    }

    static TransferCredits decode(byte[] arguments) throws ContractException {
      return parse(TransferCredits.getDefaultInstance(), arguments, ProbeFailure.BAD_ARGUMENTS);
    }

    static void id(String id) throws ContractException {
      requireId(id, "stream", ProbeFailure.BAD_ARGUMENTS);
    }

    static void hash(ByteString b) throws ContractException {
      requireHash(b, "artifact hash", ProbeFailure.BAD_ARGUMENTS);
    }

    static SignatureAlgorithm keyAlgorithm(KeyAlgorithm a) throws ContractException {
      return algorithm(a, ProbeFailure.BAD_ARGUMENTS);
    }
  }

  @Test
  void methods_givenInAnyOrder_namesSortedAndEachFoundOnce() {
    Noop b = new Noop();
    Noop a = new Noop();
    Probe p = new Probe(Map.of("b", b, "a", a), Set.of("credits"));

    assertThat(p.name()).isEqualTo("probe");
    assertThat(p.methodNames()).containsExactly("a", "b");
    assertThat(p.method("a")).containsSame(a);
    assertThat(p.method("b")).containsSame(b);
    assertThat(p.method("c")).isEmpty();
    assertThat(p.writesTo()).containsExactly("credits");
  }

  @Test
  void methodNamesAndWritesTo_cannotBeChanged() {
    Probe p = new Probe(Map.of("a", new Noop()), Set.of());

    assertThat(p.methodNames()).isUnmodifiable();
    assertThat(p.writesTo()).isUnmodifiable();
    assertThat(p.writesTo()).isEmpty();
  }

  @Test
  void parse_undecodableArguments_failsWithTheCallersCodeNamingTheMessage() {
    assertThatThrownBy(() -> Probe.decode(new byte[] {(byte) 0xff}))
        .isInstanceOfSatisfying(ContractException.class, e -> {
          assertThat(e.failure()).isSameAs(ProbeFailure.BAD_ARGUMENTS);
          assertThat(e.code()).isEqualTo("BAD_ARGUMENTS");
          assertThat(e.getMessage()).isEqualTo("arguments are not a TransferCredits message");
        });
  }

  @Test
  void parse_validArguments_decoded() throws ContractException {
    TransferCredits m = TransferCredits.newBuilder().setTo("x").setAmount(3).build();

    assertThat(Probe.decode(m.toByteArray())).isEqualTo(m);
  }

  @Test
  void requireId_badId_failsWithMessageNamingTheKind() throws ContractException {
    Probe.id("room-1");
    for (String bad : List.of("", "-room", "Room", "a".repeat(64))) {
      assertThatThrownBy(() -> Probe.id(bad)).isInstanceOf(ContractException.class)
          .hasMessage("stream id '" + bad + "' must be 1-63 lower-case letters, digits or '-'");
    }
  }

  @Test
  void requireHash_not32Bytes_fails() throws ContractException {
    Probe.hash(ByteString.copyFrom(new byte[32]));
    assertThatThrownBy(() -> Probe.hash(ByteString.copyFrom(new byte[31]))).isInstanceOf(ContractException.class)
        .hasMessage("artifact hash must be a 32-byte SHA-256, not 31 bytes");
  }

  @Test
  void algorithm_unspecified_fails() throws ContractException {
    assertThat(Probe.keyAlgorithm(KeyAlgorithm.ED25519)).isEqualTo(SignatureAlgorithm.ED25519);
    assertThat(Probe.keyAlgorithm(KeyAlgorithm.P256)).isEqualTo(SignatureAlgorithm.P256);
    assertThatThrownBy(() -> Probe.keyAlgorithm(KeyAlgorithm.KEY_ALGORITHM_UNSPECIFIED)).isInstanceOf(ContractException.class)
        .hasMessage("key algorithm must be ED25519 or P256");
  }
}
