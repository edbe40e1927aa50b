package org.veriflow.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.veriflow.client.KeyFiles;
import org.veriflow.client.ClientException;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.Session;
import org.veriflow.client.VeriflowClient;
import org.veriflow.contracts.SystemContracts;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.ledger.ChainVerifier;
import org.veriflow.ledger.store.rocksdb.RocksDbStore;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.Node;
import org.veriflow.node.NodeConfig;
import org.veriflow.demo.SensorDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The end-to-end tour on a fresh embedded node: genesis, an organisation and a member registered,
 * credit transfers (one of them an overdraft that fails on chain), a transaction's inclusion proof
 * printed and checked offline, a consistency proof, a sensor stream under attack with the ledger's
 * verdicts and a dataset snapshot, and the whole chain re-verified from genesis.
 */
@Command(name = "ledger", description = "A tour of the ledger on a fresh embedded node in --out DIR (default ./veriflow-tour): identities, credits, proofs, a sensor stream under attack, chain verification.")
final class LedgerTourCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", defaultValue = "veriflow-tour", paramLabel = "DIR", description = "Output directory; its node/ is made afresh (default: ${DEFAULT-VALUE}).")
  Path outDir;

  @Option(names = "--verbose", description = "Print stack traces with errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path nodeDir = outDir.resolve("node").toAbsolutePath();
    wipe(nodeDir);
    step(out, 1, "genesis: a new chain in " + nodeDir);
    // Plain HTTP on purpose: the node lives only for this run, in this process, bound to 127.0.0.1 on a free port,
    // and its only client is this command; no one else can reach it.
    NodeSetup.Result setup = NodeSetup.init(nodeDir, "veriflow-demo", 0, SignatureAlgorithm.ED25519, Instant.now(), NodeSetup.Transport.INSECURE);
    out.println("   administrator " + setup.admin().id() + " holds " + NodeSetup.GENESIS_CREDITS + " credits");

    NodeConfig config = NodeConfig.load(nodeDir, Map.of(), Map.of());
    try (Node node = Node.start(config, Clock.systemUTC(), e -> {
      out.println("error: the demo node stopped: " + Veriflow.message(e));
      Runtime.getRuntime().halt(NodeCommand.FATAL);
    })) {
      VeriflowClient client = new VeriflowClient(java.net.URI.create("http://127.0.0.1:" + node.httpPort()));
      Responses.ChainInfo chain = client.chain();
      out.println("   node serving chain '" + chain.chainId() + "' on " + client.base() + ", genesis " + chain.genesisHash().substring(0, 16) + "...");

      SigningKey org = SigningKey.generate(SignatureAlgorithm.ED25519);
      SigningKey member = SigningKey.generate(SignatureAlgorithm.P256);
      KeyFiles.write(nodeDir.resolve("keys/org.key"), org);
      KeyFiles.write(nodeDir.resolve("keys/member.key"), member);
      Session admin = new Session(client, setup.admin());

      step(out, 2, "the administrator registers an organisation");
      show(out, admin.submit(b -> b.registerIdentity(org.publicKey(), IdentityKind.ORGANISATION, "Acme Sensors", List.of()), true), "organisation " + org.id());

      step(out, 3, "the organisation registers a member (a P-256 key, as secure elements use)");
      Session orgSession = new Session(client, org);
      show(out, orgSession.submit(b -> b.registerIdentity(member.publicKey(), IdentityKind.MEMBER, "Data scientist", List.of("trainer")), true), "member " + member.id());

      step(out, 4, "credit transfers");
      show(out, admin.submit(b -> b.transfer(org.id().value(), 5_000, "seed funding"), true), "admin -> organisation: 5000");
      show(out, orgSession.submit(b -> b.transfer(member.id().value(), 1_200, "compute budget"), true), "organisation -> member: 1200");
      Session memberSession = new Session(client, member);
      // Signed, kept, then submitted: the same bytes are replayed in step 5.
      SignedTransaction refund = memberSession.sign(b -> b.transfer(org.id().value(), 200, "refund"));
      Responses.TxInfo pay = client.submit(refund, true);
      show(out, pay, "member -> organisation: 200");
      Responses.TxInfo overdraft = memberSession.submit(b -> b.transfer(org.id().value(), 1_000_000, "too much"), true);
      show(out, overdraft, "member -> organisation: 1000000 (an overdraft: fails on chain, consumes its nonce)");
      for (SigningKey k : List.of(setup.admin(), org, member)) {
        Responses.Account a = client.account(k.id().value());
        out.println("   balance of " + k.id() + ": " + a.balance() + " (next nonce " + Long.toUnsignedString(a.nonce()) + ")");
      }

      step(out, 5, "a rejected transaction changes nothing: a replay of the refund");
      try {
        client.submit(refund, true);
        throw new IllegalStateException("the node accepted a replayed transaction");
      } catch (ClientException e) {
        out.println("   refused: " + e.code() + " - " + e.getMessage());
      }

      step(out, 6, "inclusion proof of the refund, checked offline against its block's signed header");
      Responses.TxInfo proven = client.verifyInclusion(pay.id());
      Responses.InclusionProof p = proven.proof().orElseThrow();
      Responses.BlockInfo block = client.block(p.blockHeight());
      out.println("   transaction " + pay.id());
      out.println("   block " + block.height() + " " + block.hash() + ", log root " + block.logRoot());
      out.println("   leaf " + p.leafIndex() + " of " + p.logSize() + ", audit path:");
      for (String h : p.hashes()) {
        out.println("     " + h);
      }
      out.println("   verified: RFC 6962 inclusion proof matches the log root in the orderer-signed header");

      Responses.BlockInfo head = client.latestBlock();
      Responses.ConsistencyProof c = client.verifyConsistency(1, head.height());
      out.println("   verified: the log at block " + head.height() + " (size " + c.to() + ") extends the log at block 1 (size " + c.from() + ")");

      step(out, 7, "a sensor stream: readings signed by two devices, judged one by one, under attack");
      SensorDemo.run(client, org, nodeDir, out);
    }

    step(out, 8, "ledger verify: re-execute the whole chain from genesis");
    SystemContracts contracts = new SystemContracts();
    try (RocksDbStore store = RocksDbStore.openReadOnly(config.path(NodeConfig.DATA_DIR))) {
      ChainVerifier.Report r = ChainVerifier.verify(store, contracts.registry(), contracts.identities(),
          GenesisFile.read(config.path(NodeConfig.GENESIS_FILE)).toState(), ChainVerifier.noProgress());
      if (!r.ok()) {
        throw new IllegalStateException("the demo chain does not verify: " + r.problem().get());
      }
      out.println("   " + r.blocksChecked() + " blocks and " + r.transactionsChecked() + " transactions re-executed; everything matches");
    }
    out.println();
    out.println("The node's data is kept in " + nodeDir + ". Explore it:");
    out.println("  veriflow node start --dir " + nodeDir + " --http-port 7070");
    out.println("  veriflow block get latest");
    out.println("  veriflow stream stats room-1");
    out.println("  veriflow stream readings room-1 --limit 5");
    out.println("  veriflow ledger verify --dir " + nodeDir);
    return Veriflow.OK;
  }

  private static void step(PrintWriter out, int n, String what) {
    out.println("[" + n + "] " + what);
  }

  private static void show(PrintWriter out, Responses.TxInfo tx, String what) {
    out.println("   " + tx.status() + " at height " + tx.height().orElse(-1L) + "  " + what);
    tx.code().ifPresent(code -> out.println("   " + code + ": " + tx.message().orElse("")));
    out.println("   tx " + tx.id());
  }

  static void wipe(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.exists(dir.resolve(NodeConfig.FILE_NAME))) {
      throw new IllegalArgumentException(dir + " exists and is not a Veriflow node directory; choose another --out");
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
