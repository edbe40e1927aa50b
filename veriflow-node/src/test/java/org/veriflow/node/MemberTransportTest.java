package org.veriflow.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.contracts.SystemContracts;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.ledger.ChainParams;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.store.InMemoryStore;
import org.veriflow.protocol.MemberCertificateProfile;
import org.veriflow.raft.NodeKeyCheck;

/** The node key a member certificate names must be that member's validator key on chain. */
class MemberTransportTest {
  private final SigningKey admin = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final SigningKey k1 = SigningKey.generate(SignatureAlgorithm.ED25519);
  private final SigningKey k2 = SigningKey.generate(SignatureAlgorithm.P256);
  private final GenesisSpec genesis = new GenesisSpec("tls-test", 1_000L, ChainParams.DEFAULT_MAX_TX_BYTES,
      List.of(new GenesisSpec.Member("admin", admin.publicKey())),
      List.of(new GenesisSpec.Member("node1", k1.publicKey()), new GenesisSpec.Member("node2", k2.publicKey())), new TreeMap<IdentityId, Long>());
  private final SystemContracts contracts = new SystemContracts();
  private final Ledger ledger = Ledger.open(new InMemoryStore(), contracts.registry(), contracts.identities(), genesis.toState());
  private final NodeKeyCheck check = MemberTransport.nodeKeys(genesis, ledger);

  @AfterEach
  void close() {
    ledger.close();
  }

  @Test
  void membersOwnValidatorKey_accepted() {
    assertThat(check.refusal("node1", MemberCertificateProfile.nodeKeyUri(k1.publicKey()))).isEmpty();
    assertThat(check.refusal("node2", MemberCertificateProfile.nodeKeyUri(k2.publicKey()))).isEmpty();
  }

  @Test
  void anotherValidatorsKey_refused() {
    assertThat(check.refusal("node1", MemberCertificateProfile.nodeKeyUri(k2.publicKey()))).get().asString()
        .contains("is not the key of validator 'node1'");
  }

  @Test
  void keyOfNoValidator_refused() {
    String stranger = MemberCertificateProfile.nodeKeyUri(SigningKey.generate(SignatureAlgorithm.ED25519).publicKey());
    assertThat(check.refusal("node3", stranger)).get().asString().contains("is not a validator of chain 'tls-test'");
    assertThat(check.refusal("node1", stranger)).isPresent();
  }
}
