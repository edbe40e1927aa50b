package org.veriflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.veriflow.contracts.credits.Credits;
import org.veriflow.contracts.datasets.Datasets;
import org.veriflow.contracts.decisions.Decisions;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.contracts.models.Models;
import org.veriflow.contracts.streams.Streams;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.core.merkle.MerkleHashes;
import org.veriflow.core.merkle.MerkleVerifier;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.protocol.proto.BlockHeader;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.OrdererSignature;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.contracts.RegisterIdentity;
import org.veriflow.protocol.proto.contracts.RevokeIdentity;
import org.veriflow.protocol.proto.contracts.SetEncryptionKey;
import org.veriflow.protocol.proto.contracts.TransferCredits;
import org.veriflow.protocol.proto.decisions.LogDecisions;
import org.veriflow.protocol.proto.streams.CreateSnapshot;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.RegisterDevice;
import org.veriflow.protocol.proto.streams.RevokeDevice;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.SubmitReadings;
import org.veriflow.protocol.proto.streams.Verdict;
import org.veriflow.protocol.proto.streams.Verdicts;
import org.veriflow.ledger.BlockRecord;
import org.veriflow.ledger.ExecutedBlock;
import org.veriflow.ledger.GenesisState;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.VerifiedTx;
import org.veriflow.ledger.exec.Contract;
import org.veriflow.ledger.exec.ContractRegistry;
import org.veriflow.ledger.exec.StateView;
import org.veriflow.ledger.store.Column;
import org.veriflow.ledger.store.InMemoryStore;
import org.veriflow.ledger.store.KeyValueStore;

/**
 * A chain for tests: a fixed genesis (one Ed25519 administrator and one Ed25519 validator from fixed
 * seeds, with credits), a {@link Ledger} on a store, and helpers that build and sign transactions
 * (the streams contract's and device-signed readings included) and execute and commit blocks
 * directly, signed by the validator as orderer.
 */
public final class TestChain implements AutoCloseable {
  public static final String CHAIN_ID = "veriflow-test";
  public static final long GENESIS_MILLIS = 1_700_000_000_000L;
  public static final int MAX_TX_BYTES = 1024;
  public static final long ADMIN_CREDITS = 1_000_000;
  public static final long VALIDATOR_CREDITS = 500;
  /** Blocks the fixture cuts are this far apart in time. */
  public static final long BLOCK_INTERVAL_MILLIS = 1_000;
  /** Default valid-until height of the fixture's transactions. */
  public static final long VALID_UNTIL = 1_000;

  public static final SigningKey ADMIN = key(1);
  public static final SigningKey VALIDATOR = key(2);

  public final KeyValueStore store;
  public final Ledger ledger;
  public final ContractRegistry contracts;
  public final Identities identities;
  public final GenesisState genesis;

  private TestChain(KeyValueStore store, GenesisState genesis, List<Contract> extraContracts) {
    this.store = store;
    this.genesis = genesis;
    this.identities = new Identities();
    List<Contract> all = new ArrayList<>(List.of(identities, new Credits()));
    all.addAll(extraContracts);
    this.contracts = new ContractRegistry(all);
    this.ledger = Ledger.open(store, contracts, identities, genesis);
  }

  /** The fixed genesis on a new in-memory store. */
  public static TestChain open() {
    return open(new InMemoryStore());
  }

  public static TestChain open(KeyValueStore store) {
    return new TestChain(store, spec().toState(), List.of());
  }

  public static TestChain open(KeyValueStore store, GenesisState genesis, List<Contract> extraContracts) {
    return new TestChain(store, genesis, extraContracts);
  }

  /** The fixed genesis: administrator, validator, their credits. */
  public static GenesisSpec spec() {
    return spec(MAX_TX_BYTES);
  }

  /** The fixed genesis with another transaction size limit. */
  public static GenesisSpec spec(int maxTxBytes) {
    return spec(maxTxBytes, 1, List.of());
  }

  /**
   * The fixed genesis with another transaction size limit, {@code requiredAttestations}, and {@code
   * moreValidators} (named validator-2, validator-3, ...) after the fixed validator. Blocks are
   * still signed by the fixed validator alone.
   */
  public static GenesisSpec spec(int maxTxBytes, int requiredAttestations, List<SigningKey> moreValidators) {
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(ADMIN.id(), ADMIN_CREDITS);
    balances.put(VALIDATOR.id(), VALIDATOR_CREDITS);
    List<GenesisSpec.Member> validators = new ArrayList<>();
    validators.add(new GenesisSpec.Member("validator-1", VALIDATOR.publicKey()));
    for (SigningKey k : moreValidators) {
      validators.add(new GenesisSpec.Member("validator-" + (validators.size() + 1), k.publicKey()));
    }
    return new GenesisSpec(CHAIN_ID, GENESIS_MILLIS, maxTxBytes, requiredAttestations,
        List.of(new GenesisSpec.Member("admin", ADMIN.publicKey())),
        validators,
        balances);
  }

  /** An Ed25519 key from the seed 32 x {@code n}. */
  public static SigningKey key(int n) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) n);
    return SigningKey.ed25519FromSeed(seed);
  }

  /** A P-256 key derived deterministically from {@code n}. */
  public static SigningKey p256Key(int n) {
    try {
      SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
      random.setSeed(("veriflow test p256 key " + n).getBytes(StandardCharsets.UTF_8));
      return SigningKey.generate(SignatureAlgorithm.P256, random);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA1PRNG", e);
    }
  }

  // ------------------------------------------------------------------ transactions

  public static KeyAlgorithm algorithm(SigningKey key) {
    return key.algorithm() == SignatureAlgorithm.ED25519 ? KeyAlgorithm.ED25519 : KeyAlgorithm.P256;
  }

  /** A payload on this chain from {@code sender}, valid until {@link #VALID_UNTIL}. */
  public static TxPayload.Builder payload(SigningKey sender, long nonce, String contract, String method, MessageLite arguments) {
    return TxPayload.newBuilder()
        .setChainId(CHAIN_ID)
        .setSenderKey(ByteString.copyFrom(sender.publicKey().encoded()))
        .setSenderAlgorithm(algorithm(sender))
        .setNonce(nonce)
        .setValidUntilHeight(VALID_UNTIL)
        .setContract(contract)
        .setMethod(method)
        .setArguments(arguments.toByteString());
  }

  /** Serialises {@code payload}, signs those bytes with {@code signer} and returns the SignedTx bytes. */
  public static byte[] sign(SigningKey signer, TxPayload.Builder payload) {
    byte[] payloadBytes = payload.build().toByteArray();
    return SignedTx.newBuilder()
        .setPayload(ByteString.copyFrom(payloadBytes))
        .setSignature(ByteString.copyFrom(signer.sign(payloadBytes)))
        .build()
        .toByteArray();
  }

  public static byte[] tx(SigningKey sender, long nonce, String contract, String method, MessageLite arguments) {
    return sign(sender, payload(sender, nonce, contract, method, arguments));
  }

  public static TransferCredits transferArgs(IdentityId to, long amount) {
    return TransferCredits.newBuilder().setTo(to.value()).setAmount(amount).build();
  }

  public static byte[] transfer(SigningKey from, long nonce, IdentityId to, long amount) {
    return tx(from, nonce, Credits.NAME, "transfer", transferArgs(to, amount));
  }

  public static RegisterIdentity registerArgs(PublicKey key, IdentityKind kind, String name) {
    return RegisterIdentity.newBuilder()
        .setPublicKey(ByteString.copyFrom(key.encoded()))
        .setAlgorithm(key.algorithm() == SignatureAlgorithm.ED25519 ? KeyAlgorithm.ED25519 : KeyAlgorithm.P256)
        .setKind(kind)
        .setName(name)
        .build();
  }

  public static byte[] register(SigningKey by, long nonce, PublicKey key, IdentityKind kind, String name) {
    return tx(by, nonce, Identities.NAME, "register", registerArgs(key, kind, name));
  }

  public static byte[] revoke(SigningKey by, long nonce, IdentityId id, String reason) {
    return tx(by, nonce, Identities.NAME, "revoke", RevokeIdentity.newBuilder().setId(id.value()).setReason(reason).build());
  }

  /** A 32-byte stand-in for an X25519 public key: every byte {@code n}. */
  public static byte[] x25519(int n) {
    byte[] k = new byte[Identities.ENCRYPTION_KEY_BYTES];
    Arrays.fill(k, (byte) n);
    return k;
  }

  public static byte[] setEncryptionKey(SigningKey by, long nonce, byte[] publicKey) {
    return tx(by, nonce, Identities.NAME, "set_encryption_key",
        SetEncryptionKey.newBuilder().setPublicKey(ByteString.copyFrom(publicKey)).build());
  }

  public static Hash txId(byte[] signedTx) {
    try {
      return Hash.sha256(SignedTx.parseFrom(signedTx).getPayload().toByteArray());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a SignedTx", e);
    }
  }

  // ------------------------------------------------------------------ blocks

  /** Admits {@code signedTx}, failing the test with the rejection if it is refused. */
  public VerifiedTx admitted(byte[] signedTx) {
    Ledger.Admission a = ledger.admit(signedTx);
    assertThat(a.rejection()).as("admission of transaction %s", txId(signedTx)).isNull();
    return a.tx();
  }

  /** The timestamp the fixture gives the next block. */
  public long nextTimestamp() {
    return ledger.head().header().getTimestampMillis() + BLOCK_INTERVAL_MILLIS;
  }

  /** Admits every transaction and executes them as the next block, uncommitted. */
  public ExecutedBlock execute(byte[]... signedTxs) {
    List<VerifiedTx> txs = new ArrayList<>();
    for (byte[] t : signedTxs) {
      txs.add(admitted(t));
    }
    return ledger.execute(nextTimestamp(), txs);
  }

  /** Admits, executes and commits the transactions as the next block, signed by the validator. */
  public BlockRecord commit(byte[]... signedTxs) {
    ExecutedBlock block = execute(signedTxs);
    return ledger.commit(block, List.of(ordererSignature(block.headerBytes())));
  }

  /** Commits {@code txs} as the next block and returns their results. */
  public List<TxResult> commitResults(byte[]... signedTxs) {
    return ledger.results(commit(signedTxs).height());
  }

  /** Executes the transactions of {@code stored} at its timestamp and commits them with its signatures. */
  public BlockRecord replay(BlockRecord stored) {
    List<VerifiedTx> txs = new ArrayList<>();
    for (SignedTx t : stored.transactions()) {
      txs.add(admitted(t.toByteArray()));
    }
    ExecutedBlock again = ledger.execute(stored.header().getTimestampMillis(), txs);
    assertThat(again.headerBytes()).as("replayed header of block %d", stored.height())
        .isEqualTo(stored.block().getHeader().toByteArray());
    return ledger.commit(again, stored.block().getSignaturesList());
  }

  public static OrdererSignature ordererSignature(byte[] headerBytes) {
    return OrdererSignature.newBuilder()
        .setPublicKey(ByteString.copyFrom(VALIDATOR.publicKey().encoded()))
        .setAlgorithm(KeyAlgorithm.ED25519)
        .setSignature(ByteString.copyFrom(VALIDATOR.sign(headerBytes)))
        .build();
  }

  /**
   * Checks, as a client would offline, that {@code txId} is leaf {@code leafIndex} of the log whose
   * size and root {@code header} commits to, with the proof the ledger serves.
   */
  public void verifyInclusion(Hash txId, long leafIndex, BlockHeader header) throws ProofException {
    long size = header.getLogSize();
    MerkleVerifier.verifyInclusion(leafIndex, size, MerkleHashes.leafHash(txId.bytes()),
        ledger.inclusionProof(leafIndex, size), Hash.of(header.getLogRoot().toByteArray()));
  }

  // ------------------------------------------------------------------ streams

  /** Transaction size limit of a streams chain: room for a batch of more than {@link Streams#MAX_BATCH} readings. */
  public static final int STREAMS_MAX_TX_BYTES = 1 << 20;

  /** The fixed genesis with {@link #STREAMS_MAX_TX_BYTES}, and the streams contract on the common pool. */
  public static TestChain openWithStreams() {
    return openWithStreams(new Streams());
  }

  /** The fixed genesis with {@link #STREAMS_MAX_TX_BYTES}, and {@code streams} next to identities and credits. */
  public static TestChain openWithStreams(Streams streams) {
    return open(new InMemoryStore(), spec(STREAMS_MAX_TX_BYTES).toState(), List.of(streams));
  }

  public static FieldSpec field(String name, String unit, double min, double max, int decimals) {
    return FieldSpec.newBuilder().setName(name).setUnit(unit).setMin(min).setMax(max).setDecimals(decimals).build();
  }

  /**
   * A room stream: {@code temperature} in °C within [-40, 85] with 2 decimals, {@code humidity} in %
   * within [0, 100] with 1 decimal, one reading every 30 s, device time within {@code windowMillis}
   * of block time (0: any time).
   */
  public static CreateStream roomStream(String streamId, long windowMillis) {
    return CreateStream.newBuilder()
        .setStreamId(streamId)
        .setDescription("room " + streamId)
        .addFields(field("temperature", "°C", -40, 85, 2))
        .addFields(field("humidity", "%", 0, 100, 1))
        .setSamplingIntervalMillis(30_000)
        .setTimeWindowMillis(windowMillis)
        .build();
  }

  public static byte[] createStream(SigningKey owner, long nonce, CreateStream args) {
    return tx(owner, nonce, Streams.NAME, "create", args);
  }

  public static RegisterDevice deviceArgs(String streamId, PublicKey key, String name) {
    return RegisterDevice.newBuilder()
        .setStreamId(streamId)
        .setPublicKey(ByteString.copyFrom(key.encoded()))
        .setAlgorithm(key.algorithm() == SignatureAlgorithm.ED25519 ? KeyAlgorithm.ED25519 : KeyAlgorithm.P256)
        .setName(name)
        .build();
  }

  public static byte[] registerDevice(SigningKey owner, long nonce, String streamId, PublicKey key, String name) {
    return tx(owner, nonce, Streams.NAME, "register_device", deviceArgs(streamId, key, name));
  }

  public static byte[] revokeDevice(SigningKey owner, long nonce, String streamId, String deviceId, String reason) {
    return tx(owner, nonce, Streams.NAME, "revoke_device",
        RevokeDevice.newBuilder().setStreamId(streamId).setDeviceId(deviceId).setReason(reason).build());
  }

  /** A reading of {@code device} (its key's identity id) for {@code streamId}. */
  public static Reading reading(String streamId, SigningKey device, long sequence, long timestampMillis, double... values) {
    Reading.Builder r = Reading.newBuilder()
        .setStreamId(streamId)
        .setDeviceId(device.id().value())
        .setSequence(sequence)
        .setTimestampMillis(timestampMillis);
    for (double v : values) {
      r.addValues(v);
    }
    return r.build();
  }

  /** {@code reading} serialised and signed by {@code signer} over exactly those bytes. */
  public static SignedReading signed(SigningKey signer, Reading reading) {
    byte[] bytes = reading.toByteArray();
    return SignedReading.newBuilder()
        .setReading(ByteString.copyFrom(bytes))
        .setSignature(ByteString.copyFrom(signer.sign(bytes)))
        .build();
  }

  /** SHA-256 of the signed reading bytes: the digest the chain indexes and keeps as evidence. */
  public static Hash digest(SignedReading r) {
    return Hash.sha256(r.getReading().toByteArray());
  }

  public static SubmitReadings batch(String streamId, List<SignedReading> readings) {
    return SubmitReadings.newBuilder().setStreamId(streamId).addAllReadings(readings).build();
  }

  public static byte[] submit(SigningKey gateway, long nonce, String streamId, List<SignedReading> readings) {
    return tx(gateway, nonce, Streams.NAME, "submit", batch(streamId, readings));
  }

  public static byte[] snapshot(SigningKey by, long nonce, String streamId, long fromMillis, long toMillis, String title) {
    return tx(by, nonce, Streams.NAME, "snapshot", CreateSnapshot.newBuilder()
        .setStreamId(streamId).setFromMillis(fromMillis).setToMillis(toMillis).setTitle(title).build());
  }

  /** A call of {@code contract.method} whose argument bytes are {@code arguments}, exactly. */
  public static byte[] rawCall(SigningKey sender, long nonce, String contract, String method, byte[] arguments) {
    return sign(sender, payload(sender, nonce, contract, method, TransferCredits.getDefaultInstance())
        .setArguments(ByteString.copyFrom(arguments)));
  }

  // ------------------------------------------------------------------ models

  /** The fixed genesis with {@link #STREAMS_MAX_TX_BYTES}, with the streams, models and decisions contracts. */
  public static TestChain openWithModels() {
    return openWithModels(spec(STREAMS_MAX_TX_BYTES));
  }

  /** The chain of {@code spec}, with the streams, models and decisions contracts. */
  public static TestChain openWithModels(GenesisSpec spec) {
    return open(new InMemoryStore(), spec.toState(), List.of(new Streams(), new Models(), new Decisions()));
  }

  /** The chain of {@code spec}, with the streams, models, decisions and datasets contracts. */
  public static TestChain openWithDatasets(GenesisSpec spec) {
    return open(new InMemoryStore(), spec.toState(), List.of(new Streams(), new Models(), new Decisions(), new Datasets()));
  }

  /** A call of {@code datasets.method} by {@code sender}. */
  public static byte[] datasets(SigningKey sender, long nonce, String method, MessageLite arguments) {
    return tx(sender, nonce, Datasets.NAME, method, arguments);
  }

  /** The datasets contract's committed state. */
  public StateView datasetsState() {
    return ledger.state(Datasets.NAME);
  }

  /** Every credit on the chain: all balances and all escrows in the credits namespace. */
  public long totalCredits() {
    long total = 0;
    for (String prefix : List.of("bal/", "esc/")) {
      for (StateView.Entry e : ledger.state(Credits.NAME).scan(prefix.getBytes(StandardCharsets.UTF_8), null, Integer.MAX_VALUE)) {
        total = Math.addExact(total, ByteBuffer.wrap(e.value()).getLong());
      }
    }
    return total;
  }

  /** A registration of {@code key} as {@code kind} holding {@code roles}. */
  public static byte[] registerWithRoles(SigningKey by, long nonce, PublicKey key, IdentityKind kind, String name, List<String> roles) {
    return tx(by, nonce, Identities.NAME, "register", registerArgs(key, kind, name).toBuilder().addAllRoles(roles).build());
  }

  /** A call of {@code models.method} by {@code sender}. */
  public static byte[] models(SigningKey sender, long nonce, String method, MessageLite arguments) {
    return tx(sender, nonce, Models.NAME, method, arguments);
  }

  /** A call of {@code decisions.log} by {@code agent}. */
  public static byte[] logDecisions(SigningKey agent, long nonce, LogDecisions arguments) {
    return tx(agent, nonce, Decisions.NAME, "log", arguments);
  }

  /** The verdicts a committed {@code submit} recorded as its output. */
  public static List<Verdict> verdicts(TxResult result) {
    assertThat(result.getStatus()).as("submit result %s", result).isEqualTo(TxStatus.COMMITTED);
    try {
      return Verdicts.parseFrom(result.getOutput()).getVerdictsList();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("submit output is not a Verdicts message", e);
    }
  }

  /** Checks that {@code result} failed with {@code code}, a message, no events and no output. */
  public static void assertFailed(TxResult result, String code) {
    assertThat(result.getStatus()).as("result %s", result).isEqualTo(TxStatus.FAILED);
    assertThat(result.getCode()).isEqualTo(code);
    assertThat(result.getMessage()).isNotBlank();
    assertThat(result.getEventsList()).isEmpty();
    assertThat(result.getOutput().isEmpty()).isTrue();
  }

  /** The streams contract's committed state. */
  public StateView streams() {
    return ledger.state(Streams.NAME);
  }

  /** Admits {@code signedTx}, expecting {@code code}, a message, and no change to any column of the store. */
  public Rejection rejected(byte[] signedTx, RejectionCode code) {
    Map<Column, TreeMap<String, String>> before = snapshot();
    Ledger.Admission a = ledger.admit(signedTx);
    assertThat(a.accepted()).as("admission of transaction %s", txId(signedTx)).isFalse();
    assertThat(a.rejection().code()).as("rejection %s", a.rejection()).isEqualTo(code);
    assertThat(a.rejection().message()).isNotBlank();
    assertThat(snapshot()).isEqualTo(before);
    return a.rejection();
  }

  // ------------------------------------------------------------------ state

  public long balance(IdentityId id) {
    return Credits.balance(ledger.state(Credits.NAME), id.value());
  }

  public Optional<IdentityRecord> identity(IdentityId id) {
    return Identities.find(ledger.state(Identities.NAME), id.value());
  }

  public long nextNonce(SigningKey key) {
    return ledger.nextNonce(key.id());
  }

  /** Every entry of every column of {@code store}, as hex, for before/after comparisons. */
  public static Map<Column, TreeMap<String, String>> snapshot(KeyValueStore store) {
    Map<Column, TreeMap<String, String>> out = new EnumMap<>(Column.class);
    for (Column c : Column.values()) {
      TreeMap<String, String> entries = new TreeMap<>();
      store.scan(c, new byte[0], null, Integer.MAX_VALUE)
          .forEach((k, v) -> entries.put(HexFormat.of().formatHex(k), HexFormat.of().formatHex(v)));
      out.put(c, entries);
    }
    return out;
  }

  public Map<Column, TreeMap<String, String>> snapshot() {
    return snapshot(store);
  }

  // ------------------------------------------------------------------ the storage format

  /** Key of a block row and of 8-byte heights in META: the height, 8 bytes big-endian. */
  public static byte[] heightKey(long height) {
    return ByteBuffer.allocate(8).putLong(height).array();
  }

  /** META key of the highest stored block. */
  public static final byte[] META_HEAD = "head".getBytes(StandardCharsets.UTF_8);
  /** META key of the highest block whose writes are applied. */
  public static final byte[] META_APPLIED = "applied".getBytes(StandardCharsets.UTF_8);

  /** A STATE key: namespace, 0x00, key. */
  public static byte[] stateKey(String namespace, String key) {
    byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(ns, ns.length + 1 + k.length);
    System.arraycopy(k, 0, out, ns.length + 1, k.length);
    return out;
  }

  /** A RESULTS key: height (8 bytes) and index (4 bytes), big-endian. */
  public static byte[] resultKey(long height, int index) {
    return ByteBuffer.allocate(12).putLong(height).putInt(index).array();
  }

  /** A LOG_NODES key: level (1 byte) and index (8 bytes, big-endian). */
  public static byte[] logNodeKey(int level, long index) {
    return ByteBuffer.allocate(9).put((byte) level).putLong(index).array();
  }

  @Override
  public void close() {
    ledger.close();
  }
}
