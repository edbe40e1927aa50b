package org.veriflow.contracts;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.exec.Contract;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.protocol.Canonical;
import org.veriflow.protocol.FailureCode;
import org.veriflow.protocol.proto.KeyAlgorithm;

/**
 * What every system contract shares: its name, its methods by name, the other namespaces it
 * writes, and the argument checks several contracts make (decoding a method's protobuf arguments,
 * ids, hashes, key algorithms), each failing with the calling contract's own {@code BAD_ARGUMENTS}.
 *
 * <p>A subclass passes its methods to the constructor; each is created once and must be stateless,
 * since the ledger may call it for many transactions, from several threads. Immutable and
 * thread-safe.
 */
public abstract class SystemContract implements Contract {
  private final String name;
  private final SortedMap<String, ContractMethod<?>> methods;
  private final SortedSet<String> methodNames;
  private final SortedSet<String> writesTo;

  /**
   * @param name the contract's name, also its state namespace
   * @param methods the contract's methods by name
   * @param writesTo the other contracts' namespaces its methods write ({@link Contract#writesTo()})
   * @throws NullPointerException if an argument, a method name or a method is {@code null}
   */
  protected SystemContract(String name, Map<String, ? extends ContractMethod<?>> methods, Set<String> writesTo) {
    this.name = Objects.requireNonNull(name, "name");
    SortedMap<String, ContractMethod<?>> m = new TreeMap<>();
    methods.forEach((method, impl) -> m.put(Objects.requireNonNull(method, "method name"), Objects.requireNonNull(impl, method)));
    this.methods = Collections.unmodifiableSortedMap(m);
    this.methodNames = Collections.unmodifiableSortedSet(new TreeSet<>(m.keySet()));
    this.writesTo = Collections.unmodifiableSortedSet(new TreeSet<>(writesTo));
  }

  /**
   * A contract that writes only its own namespace.
   *
   * @param name the contract's name, also its state namespace
   * @param methods the contract's methods by name
   * @throws NullPointerException if an argument, a method name or a method is {@code null}
   */
  protected SystemContract(String name, Map<String, ? extends ContractMethod<?>> methods) {
    this(name, methods, Set.of());
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Optional<ContractMethod<?>> method(String name) {
    return Optional.ofNullable(methods.get(name));
  }

  @Override
  public final SortedSet<String> methodNames() {
    return methodNames;
  }

  @Override
  public final SortedSet<String> writesTo() {
    return writesTo;
  }

  // ------------------------------------------------------------------ argument checks

  /**
   * Decodes a method's arguments as the message type of {@code prototype}.
   *
   * @param prototype the message type's default instance, e.g. {@code TransferCredits.getDefaultInstance()}
   * @param arguments the transaction's arguments
   * @param badArguments the calling contract's {@code BAD_ARGUMENTS}
   * @return the decoded message
   * @throws ContractException {@code badArguments}, "arguments are not a TransferCredits message", if
   *     they do not decode; {@link RejectionCode#NON_CANONICAL} if they decode but are not the
   *     message's canonical encoding or hold a field its schema does not declare ({@link Canonical})
   */
  protected static <M extends Message> M parse(M prototype, byte[] arguments, FailureCode badArguments) throws ContractException {
    M m;
    try {
      @SuppressWarnings("unchecked")
      M parsed = (M) prototype.getParserForType().parseFrom(arguments);
      m = parsed;
    } catch (InvalidProtocolBufferException e) {
      throw new ContractException(badArguments, "arguments are not a " + prototype.getDescriptorForType().getName() + " message");
    }
    Optional<String> nonCanonical = Canonical.problem(m, arguments);
    if (nonCanonical.isPresent()) {
      throw new ContractException(RejectionCode.NON_CANONICAL, "arguments: " + nonCanonical.get());
    }
    return m;
  }

  /**
   * Decodes a record that a contract stored; a failure means the store is damaged.
   *
   * @param parser the record's parser
   * @param bytes the stored bytes
   * @return the record
   * @throws IllegalStateException if the bytes do not decode
   */
  public static <T> T parseStored(Parser<T> parser, byte[] bytes) {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored record does not decode", e);
    }
  }

  /**
   * Checks the id of a stream, model or dataset: 1 to 63 lower-case letters, digits or '-', starting
   * with a letter or digit.
   *
   * @param id the id
   * @param kind what it names, for the message: "stream", "model", "dataset"
   * @param badArguments the calling contract's {@code BAD_ARGUMENTS}
   * @throws ContractException {@code badArguments} if {@code id} is not such an id
   */
  protected static void requireId(String id, String kind, FailureCode badArguments) throws ContractException {
    if (!id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new ContractException(badArguments, kind + " id '" + id + "' must be 1-63 lower-case letters, digits or '-'");
    }
  }

  /**
   * Checks that {@code b} holds a SHA-256.
   *
   * @param b the bytes
   * @param what what they are, for the message
   * @param badArguments the calling contract's {@code BAD_ARGUMENTS}
   * @throws ContractException {@code badArguments} unless {@code b} is 32 bytes long
   */
  protected static void requireHash(ByteString b, String what, FailureCode badArguments) throws ContractException {
    if (b.size() != Hash.LENGTH) {
      throw new ContractException(badArguments, what + " must be a 32-byte SHA-256, not " + b.size() + " bytes");
    }
  }

  /**
   * The signature algorithm of a key given in arguments.
   *
   * @param a the algorithm as the arguments name it
   * @param badArguments the calling contract's {@code BAD_ARGUMENTS}
   * @return Ed25519 or P-256
   * @throws ContractException {@code badArguments} if {@code a} is neither
   */
  protected static SignatureAlgorithm algorithm(KeyAlgorithm a, FailureCode badArguments) throws ContractException {
    return switch (a) {
      case ED25519 -> SignatureAlgorithm.ED25519;
      case P256 -> SignatureAlgorithm.P256;
      default -> throw new ContractException(badArguments, "key algorithm must be ED25519 or P256");
    };
  }

  /**
   * Checks a list of names given in arguments: at most {@code max}, sorted, distinct, each an identity
   * id ({@code pattern} null) or matching {@code pattern}.
   *
   * @param values the names
   * @param max the most there may be
   * @param pattern the regular expression each must match, or null for identity ids
   * @param what what they are, for the message: "policy roles"
   * @param badArguments the calling contract's {@code BAD_ARGUMENTS}
   * @throws ContractException {@code badArguments} naming the first name that breaks a rule
   */
  protected static void requireSortedNames(List<String> values, int max, String pattern, String what, FailureCode badArguments)
      throws ContractException {
    if (values.size() > max) {
      throw new ContractException(badArguments, "at most " + max + " " + what + ", not " + values.size());
    }
    String previous = null;
    for (String v : values) {
      if (pattern == null ? !IdentityId.isWellFormed(v) : !v.matches(pattern)) {
        throw new ContractException(badArguments, what + ": '" + v + "' is not "
            + (pattern == null ? "an identity id" : "lower-case letters, digits and '-'"));
      }
      if (previous != null && v.compareTo(previous) <= 0) {
        throw new ContractException(badArguments, what + " must be sorted and distinct");
      }
      previous = v;
    }
  }
}
