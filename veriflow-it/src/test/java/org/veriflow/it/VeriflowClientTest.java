package org.veriflow.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.ClientException;
import org.veriflow.client.ProofChecks;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.KeyPem;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.core.merkle.ProofFailure;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.protocol.http.Health;
import org.veriflow.protocol.proto.contracts.IdentityKind;

/**
 * The SDK against a real node started in this JVM on a loopback port: reading the chain and
 * accounts, submitting and waiting, batches, looking transactions and blocks up, checking inclusion
 * and consistency proofs offline, and the codes of refused and failed transactions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VeriflowClientTest {
  private static final String CHAIN = "veriflow-client-it";
  private static final long T0 = 1_700_000_000_000L;
  private static final long BALANCE = 1_000_000L;
  private static final long VALID_FOR = 10_000;

  @TempDir static Path dir;
  private final SigningKey admin = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final SigningKey nodeKey = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
  private Node node;
  private VeriflowClient client;
  /** The org's registration, committed before the tests run. */
  private Responses.TxInfo registered;

  @BeforeAll
  void startNodeAndRegister() throws Exception {
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/node.key"), KeyPem.encodePrivate(nodeKey));
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), BALANCE);
    GenesisFile.write(dir.resolve("genesis.json"), new GenesisSpec(CHAIN, T0, 1024 * 1024,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())), List.of(new GenesisSpec.Member("node1", nodeKey.publicKey())), balances));
    NodeConfig.write(dir, Map.of(NodeConfig.HTTP_HOST.name(), "127.0.0.1", NodeConfig.HTTP_PORT.name(), "0", NodeConfig.HTTP_INSECURE.name(), "true", NodeConfig.OPS_PORT.name(), "0",
        NodeConfig.VERIFIER_ENABLED.name(), "false"));
    node = Node.start(NodeConfig.load(dir, Map.of(), Map.of()), Clock.systemUTC(), e -> { });
    client = new VeriflowClient(URI.create("http://127.0.0.1:" + node.httpPort()), Duration.ofSeconds(20));
    registered = client.submit(adminTx().registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Lab", List.of()), true);
  }

  @AfterAll
  void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  /** A builder for the admin's next transaction, at the nonce the node reports. */
  private TransactionBuilder adminTx() {
    return new TransactionBuilder(CHAIN, admin, client.account(admin.id().value()).nonce(), VALID_FOR);
  }

  @Test
  void chain_freshNode_namesChainAndItsOrderer() {
    Responses.ChainInfo chain = client.chain();

    assertThat(chain.chainId()).isEqualTo(CHAIN);
    assertThat(chain.genesisHash()).hasSize(64);
    assertThat(chain.maxTxBytes()).isEqualTo(1024 * 1024);
    assertThat(chain.orderers()).extracting(Responses.Orderer::id).contains(nodeKey.id().value());
    assertThat(client.block(0).hash()).isEqualTo(chain.genesisHash());
  }

  @Test
  void health_servingNode_isUpAtTheHead() {
    Health health = client.health();

    assertThat(health.status()).isEqualTo("UP");
    assertThat(health.chainId()).isEqualTo(CHAIN);
    assertThat(health.height()).isGreaterThanOrEqualTo(registered.height().orElseThrow());
  }

  @Test
  void submit_withWait_committedInABlockAndFoundByIdentityAndTransaction() {
    assertThat(registered.committed()).isTrue();
    assertThat(registered.height()).isPresent();
    assertThat(registered.code()).isEmpty();

    Responses.Identity identity = client.identity(org.id().value());
    assertThat(identity.kind()).isEqualTo("ORGANISATION");
    assertThat(identity.name()).isEqualTo("Lab");
    assertThat(identity.revokedHeight()).isEmpty();

    Responses.TxInfo looked = client.transaction(registered.id());
    assertThat(looked.status()).isEqualTo("COMMITTED");
    assertThat(looked.height()).isEqualTo(registered.height());
    assertThat(looked.proof()).isPresent();
    assertThat(client.block(looked.height().orElseThrow()).transactions()).contains(registered.id());
  }

  @Test
  void submitBatch_withWait_eachCommittedInOrderAndAccountsMoved() {
    TransactionBuilder b = adminTx();
    long before = client.account(org.id().value()).balance();
    List<SignedTransaction> txs = List.of(b.transfer(org.id().value(), 10, "one"), b.transfer(org.id().value(), 5, "two"));

    List<Responses.TxInfo> results = client.submitBatch(txs, true);

    assertThat(results).extracting(Responses.TxInfo::id).containsExactly(txs.get(0).id().hex(), txs.get(1).id().hex());
    assertThat(results).allMatch(Responses.TxInfo::committed);
    assertThat(client.account(org.id().value()).balance()).isEqualTo(before + 15);
    assertThat(client.account(admin.id().value()).nonce()).isEqualTo(b.nextNonce());
  }

  @Test
  void submit_overdraft_failsInABlockWithTheContractsCode() {
    Responses.TxInfo failed = client.submit(adminTx().transfer(org.id().value(), BALANCE * 10, "too much"), true);

    assertThat(failed.status()).isEqualTo("FAILED");
    assertThat(failed.inBlock()).isTrue();
    assertThat(failed.code()).contains("INSUFFICIENT_FUNDS");
    assertThat(client.transaction(failed.id()).code()).contains("INSUFFICIENT_FUNDS");
  }

  @Test
  void submit_usedNonce_refusedWithItsCode() {
    SignedTransaction stale = new TransactionBuilder(CHAIN, admin, 0, VALID_FOR).transfer(org.id().value(), 1, "replayed nonce");

    assertThatThrownBy(() -> client.submit(stale, true))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.code()).isEqualTo("NONCE_TOO_LOW");
          assertThat(e.status()).isEqualTo(409);
        });
    List<Responses.TxInfo> batch = client.submitBatch(List.of(stale), false);
    assertThat(batch).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo("REJECTED");
      assertThat(r.code()).contains("NONCE_TOO_LOW");
    });
  }

  @Test
  void transaction_unknownId_isUnknown() {
    Responses.TxInfo unknown = client.transaction("00".repeat(32));

    assertThat(unknown.status()).isEqualTo("UNKNOWN");
    assertThat(unknown.proof()).isEmpty();
  }

  @Test
  void awaitBlock_aboveTheHead_emptyOnceTheWaitPasses() {
    long head = client.latestBlock().height();

    assertThat(client.awaitBlock(head + 1_000, Duration.ofMillis(50))).isEmpty();
    assertThat(client.awaitBlock(head, Duration.ofMillis(50))).hasValueSatisfying(b -> assertThat(b.height()).isEqualTo(head));
  }

  @Test
  void verifyInclusion_committedTransaction_checksOfflineAgainstTheSignedHeader() throws Exception {
    Responses.TxInfo checked = client.verifyInclusion(registered.id());

    assertThat(checked.id()).isEqualTo(registered.id());
    Responses.TxInfo moreRecent = client.submit(adminTx().transfer(org.id().value(), 1, "later"), true);
    Responses.ConsistencyProof proof = client.verifyConsistency(registered.height().orElseThrow(), moreRecent.height().orElseThrow());
    assertThat(proof.to()).isGreaterThan(proof.from());
  }

  @Test
  void checkBlock_headerNotTheHashed_refusedAsBlockHashMismatch() {
    Responses.BlockInfo block = client.block(registered.height().orElseThrow());
    byte[] header = Base64.getDecoder().decode(block.headerBase64());
    header[header.length - 1] ^= 1;
    Responses.BlockInfo forged = new Responses.BlockInfo(block.height(), block.hash(), block.previousHash(), block.timestamp(),
        block.logSize(), block.logRoot(), block.stateHash(), block.txCount(), Base64.getEncoder().encodeToString(header),
        block.transactions(), block.signatures());

    assertThatThrownBy(() -> ProofChecks.checkBlock(forged, client.chain().orderers()))
        .isInstanceOfSatisfying(ProofException.class, e -> assertThat(e.failure()).isEqualTo(ProofFailure.BLOCK_HASH_MISMATCH));
  }

  @Test
  void checkBlock_untrustedOrderers_refusedAsUnsigned() {
    Responses.BlockInfo block = client.block(registered.height().orElseThrow());
    SigningKey stranger = SigningKey.generate(SignatureAlgorithm.ED25519);
    List<Responses.Orderer> trusted = List.of(new Responses.Orderer(stranger.id().value(), "ED25519",
        Hex.encode(stranger.publicKey().encoded())));

    assertThatThrownBy(() -> ProofChecks.checkBlock(block, trusted))
        .isInstanceOfSatisfying(ProofException.class, e -> assertThat(e.failure()).isEqualTo(ProofFailure.NO_ORDERER_SIGNATURE));
  }
}
