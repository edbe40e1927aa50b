package org.veriflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.ledger.ChainParams;
import org.veriflow.node.GenesisFile;
import org.veriflow.node.NodeConfig;

/** Writes a ready-to-start node directory: keys, genesis file and configuration. */
final class NodeSetup {
  /** Credits minted for the first administrator at genesis. */
  static final long GENESIS_CREDITS = 1_000_000_000L;

  record Result(Path dir, SigningKey admin, SigningKey node, String chainId) {}

  private NodeSetup() {}

  static Result init(Path dir, String chainId, int httpPort, SignatureAlgorithm keyType, Instant genesisTime) throws IOException {
    if (Files.exists(dir.resolve(NodeConfig.FILE_NAME)) || Files.exists(dir.resolve("genesis.json"))) {
      throw new IllegalArgumentException(dir + " already holds a node; choose another directory");
    }
    SigningKey admin = SigningKey.generate(keyType);
    SigningKey node = SigningKey.generate(SignatureAlgorithm.ED25519);
    writeKey(dir.resolve("keys/admin.key"), admin);
    writeKey(dir.resolve("keys/node.key"), node);
    // The node publishes it on chain at its first start; dataset custody keys are wrapped for it.
    EncryptionKeyPair encryption = EncryptionKeyPair.generate();
    encryption.writePem(dir.resolve("keys/node-encryption.key"));
    encryption.destroy();
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(admin.id(), GENESIS_CREDITS);
    GenesisSpec spec = new GenesisSpec(chainId, genesisTime.toEpochMilli(), ChainParams.DEFAULT_MAX_TX_BYTES,
        List.of(new GenesisSpec.Member("admin", admin.publicKey())),
        List.of(new GenesisSpec.Member("node1", node.publicKey())), balances);
    GenesisFile.write(dir.resolve("genesis.json"), spec);
    NodeConfig.write(dir, Map.of(
        NodeConfig.GENESIS_FILE.name(), "genesis.json",
        NodeConfig.NODE_KEY.name(), "keys/node.key",
        NodeConfig.NODE_ENCRYPTION_KEY.name(), "keys/node-encryption.key",
        NodeConfig.DATA_DIR.name(), "data",
        NodeConfig.HTTP_PORT.name(), Integer.toString(httpPort)));
    return new Result(dir, admin, node, chainId);
  }

  static void writeKey(Path file, SigningKey key) throws IOException {
    KeyFiles.write(file, key);
  }
}
