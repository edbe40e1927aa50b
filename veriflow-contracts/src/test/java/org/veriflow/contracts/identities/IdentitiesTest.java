package org.veriflow.contracts.identities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;
import static org.veriflow.contracts.TestChain.VALIDATOR;

import org.veriflow.contracts.TestChain;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.TxResult;
import org.veriflow.protocol.proto.TxStatus;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.contracts.IdentityStatus;
import org.veriflow.protocol.proto.contracts.RegisterIdentity;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.exec.SenderRegistry;

class IdentitiesTest {
  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey OTHER_ORG = TestChain.key(20);
  private static final SigningKey MEMBER = TestChain.key(11);
  private static final SigningKey AGENT = TestChain.key(13);
  private static final SigningKey DEVICE = TestChain.p256Key(1);

  private TestChain chain;

  @BeforeEach
  void chainWithTwoOrganisations() {
    chain = TestChain.open();
    List<TxResult> results = chain.commitResults(
        TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital"),
        TestChain.register(ADMIN, 1, OTHER_ORG.publicKey(), IdentityKind.ORGANISATION, "bank"));
    assertThat(results).extracting(TxResult::getStatus).containsOnly(TxStatus.COMMITTED);
  }

  @AfterEach
  void close() {
    chain.close();
  }

  private RejectionCode admissionCode(byte[] tx) {
    Ledger.Admission a = chain.ledger.admit(tx);
    return a.accepted() ? null : a.rejection().code();
  }

  private void registerMember() {
    assertThat(chain.commitResults(TestChain.register(ORG, 0, MEMBER.publicKey(), IdentityKind.MEMBER, "alice")).get(0).getStatus())
        .isEqualTo(TxStatus.COMMITTED);
  }

  @Test
  void genesis_administratorAndValidatorRegisteredActiveWithoutOwner() {
    IdentityRecord admin = chain.identity(ADMIN.id()).orElseThrow();
    IdentityRecord validator = chain.identity(VALIDATOR.id()).orElseThrow();
    assertThat(admin.getKind()).isEqualTo(IdentityKind.ADMINISTRATOR);
    assertThat(admin.getName()).isEqualTo("admin");
    assertThat(admin.getOwner()).isEmpty();
    assertThat(admin.getStatus()).isEqualTo(IdentityStatus.ACTIVE);
    assertThat(admin.getPublicKey().toByteArray()).isEqualTo(ADMIN.publicKey().encoded());
    assertThat(validator.getKind()).isEqualTo(IdentityKind.VALIDATOR);
    assertThat(validator.getRegisteredHeight()).isZero();
  }

  @Test
  void register_adminRegistersOrganisation_activeRecordOwnedByAdmin() {
    IdentityRecord org = chain.identity(ORG.id()).orElseThrow();
    assertThat(org.getId()).isEqualTo(ORG.id().value());
    assertThat(org.getKind()).isEqualTo(IdentityKind.ORGANISATION);
    assertThat(org.getName()).isEqualTo("hospital");
    assertThat(org.getOwner()).isEqualTo(ADMIN.id().value());
    assertThat(org.getStatus()).isEqualTo(IdentityStatus.ACTIVE);
    assertThat(org.getRegisteredHeight()).isEqualTo(1);
    assertThat(org.getAlgorithm()).isEqualTo(KeyAlgorithm.ED25519);
    assertThat(org.getPublicKey().toByteArray()).isEqualTo(ORG.publicKey().encoded());
    TxResult result = chain.ledger.results(1).get(0);
    assertThat(result.getOutput().toStringUtf8()).isEqualTo(ORG.id().value());
    assertThat(result.getEvents(0).getContract()).isEqualTo(Identities.NAME);
    assertThat(result.getEvents(0).getName()).isEqualTo("registered");
    assertThat(chain.ledger.state(Identities.NAME)
        .scan(("owner/" + ADMIN.id().value() + "/").getBytes(StandardCharsets.UTF_8), null, 10))
        .extracting(e -> new String(e.key(), StandardCharsets.UTF_8))
        .containsExactlyInAnyOrder("owner/" + ADMIN.id().value() + "/" + ORG.id().value(),
            "owner/" + ADMIN.id().value() + "/" + OTHER_ORG.id().value());
  }

  @Test
  void register_organisationRegistersMemberDeviceAndAgent_ownedByOrganisation() {
    List<TxResult> results = chain.commitResults(
        TestChain.register(ORG, 0, MEMBER.publicKey(), IdentityKind.MEMBER, "alice"),
        TestChain.register(ORG, 1, DEVICE.publicKey(), IdentityKind.DEVICE, "sensor-1"),
        TestChain.register(ORG, 2, AGENT.publicKey(), IdentityKind.AGENT, "scheduler"));

    assertThat(results).extracting(TxResult::getStatus).containsOnly(TxStatus.COMMITTED);
    for (SigningKey k : List.of(MEMBER, DEVICE, AGENT)) {
      IdentityRecord r = chain.identity(k.id()).orElseThrow();
      assertThat(r.getOwner()).as("owner of %s", r.getName()).isEqualTo(ORG.id().value());
      assertThat(r.getStatus()).isEqualTo(IdentityStatus.ACTIVE);
      assertThat(r.getRegisteredHeight()).isEqualTo(2);
    }
    assertThat(chain.identity(DEVICE.id()).orElseThrow().getAlgorithm()).isEqualTo(KeyAlgorithm.P256);
    assertThat(chain.identity(DEVICE.id()).orElseThrow().getKind()).isEqualTo(IdentityKind.DEVICE);
  }

  @Test
  void register_p256Device_canSendItsOwnTransactions() {
    chain.commit(TestChain.register(ORG, 0, DEVICE.publicKey(), IdentityKind.DEVICE, "sensor-1"));
    chain.commit(TestChain.transfer(ADMIN, 2, DEVICE.id(), 10));
    List<TxResult> results = chain.commitResults(TestChain.transfer(DEVICE, 0, ORG.id(), 4));
    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(chain.balance(DEVICE.id())).isEqualTo(6);
  }

  @Test
  void register_rolesSortedAndDeduplicated() {
    RegisterIdentity args = TestChain.registerArgs(MEMBER.publicKey(), IdentityKind.MEMBER, "alice").toBuilder()
        .addAllRoles(List.of("nurse", "data-scientist", "nurse")).build();
    chain.commit(TestChain.tx(ORG, 0, Identities.NAME, "register", args));
    assertThat(chain.identity(MEMBER.id()).orElseThrow().getRolesList()).containsExactly("data-scientist", "nurse");
  }

  @Test
  void register_invalidRoleOrMissingKindOrBadKey_badArguments() {
    RegisterIdentity good = TestChain.registerArgs(MEMBER.publicKey(), IdentityKind.MEMBER, "alice");
    assertThat(admissionCode(TestChain.tx(ORG, 0, Identities.NAME, "register", good.toBuilder().addRoles("Head Nurse").build())))
        .isEqualTo(RejectionCode.BAD_ARGUMENTS);
    assertThat(admissionCode(TestChain.tx(ORG, 0, Identities.NAME, "register", good.toBuilder().setKind(IdentityKind.IDENTITY_KIND_UNSPECIFIED).build())))
        .isEqualTo(RejectionCode.BAD_ARGUMENTS);
    assertThat(admissionCode(TestChain.tx(ORG, 0, Identities.NAME, "register", good.toBuilder().setPublicKey(ByteString.copyFrom(new byte[32])).build())))
        .isEqualTo(RejectionCode.BAD_ARGUMENTS);
    assertThat(admissionCode(TestChain.tx(ORG, 0, Identities.NAME, "register", good))).isNull();
  }

  @Test
  void register_memberRegistersAnything_notAuthorised() {
    registerMember();
    for (IdentityKind kind : List.of(IdentityKind.MEMBER, IdentityKind.DEVICE, IdentityKind.AGENT, IdentityKind.ORGANISATION)) {
      assertThat(admissionCode(TestChain.register(MEMBER, 0, TestChain.key(30).publicKey(), kind, "x")))
          .as("member registers a %s", kind).isEqualTo(RejectionCode.NOT_AUTHORISED);
    }
  }

  @Test
  void register_organisationRegistersOrganisationValidatorAuditorOrAdministrator_notAuthorised() {
    for (IdentityKind kind : List.of(IdentityKind.ORGANISATION, IdentityKind.VALIDATOR, IdentityKind.AUDITOR, IdentityKind.ADMINISTRATOR)) {
      assertThat(admissionCode(TestChain.register(ORG, 0, TestChain.key(30).publicKey(), kind, "x")))
          .as("organisation registers a %s", kind).isEqualTo(RejectionCode.NOT_AUTHORISED);
    }
  }

  @Test
  void register_administratorRegistersMember_notAuthorisedMembersBelongToOrganisations() {
    assertThat(admissionCode(TestChain.register(ADMIN, 2, MEMBER.publicKey(), IdentityKind.MEMBER, "alice")))
        .isEqualTo(RejectionCode.NOT_AUTHORISED);
    assertThat(admissionCode(TestChain.register(ADMIN, 2, MEMBER.publicKey(), IdentityKind.AUDITOR, "regulator"))).isNull();
  }

  @Test
  void revoke_ownerRevokesItsMember_revokedWithHeightAndReason() {
    registerMember();
    List<TxResult> results = chain.commitResults(TestChain.revoke(ORG, 1, MEMBER.id(), "left the hospital"));

    assertThat(results.get(0).getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(results.get(0).getEvents(0).getName()).isEqualTo("revoked");
    IdentityRecord r = chain.identity(MEMBER.id()).orElseThrow();
    assertThat(r.getStatus()).isEqualTo(IdentityStatus.REVOKED);
    assertThat(r.getRevokedHeight()).isEqualTo(3);
    assertThat(r.getRevocationReason()).isEqualTo("left the hospital");
    assertThat(r.getOwner()).isEqualTo(ORG.id().value());
  }

  @Test
  void revoke_administratorRevokesAnOrganisationsMember_revoked() {
    registerMember();
    assertThat(chain.commitResults(TestChain.revoke(ADMIN, 2, MEMBER.id(), "compromised key")).get(0).getStatus())
        .isEqualTo(TxStatus.COMMITTED);
    assertThat(chain.identity(MEMBER.id()).orElseThrow().getStatus()).isEqualTo(IdentityStatus.REVOKED);
  }

  @Test
  void revoke_otherOrganisationOrMemberRevokes_notAuthorised() {
    registerMember();
    chain.commit(TestChain.register(ORG, 1, AGENT.publicKey(), IdentityKind.AGENT, "scheduler"));
    assertThat(admissionCode(TestChain.revoke(OTHER_ORG, 0, MEMBER.id(), "hostile"))).isEqualTo(RejectionCode.NOT_AUTHORISED);
    assertThat(admissionCode(TestChain.revoke(MEMBER, 0, AGENT.id(), "colleague"))).isEqualTo(RejectionCode.NOT_AUTHORISED);
    assertThat(admissionCode(TestChain.revoke(ORG, 2, ADMIN.id(), "coup"))).isEqualTo(RejectionCode.NOT_AUTHORISED);
    assertThat(admissionCode(TestChain.revoke(ORG, 2, MEMBER.id(), "owner may"))).isNull();
  }

  @Test
  void revokedSender_refusedAtAdmissionAndSenderRegistrySaysRevoked() {
    registerMember();
    byte[] before = TestChain.transfer(MEMBER, 0, ORG.id(), 1);
    assertThat(admissionCode(before)).isNull();
    chain.commit(TestChain.revoke(ORG, 1, MEMBER.id(), "left"));

    assertThat(admissionCode(before)).isEqualTo(RejectionCode.REVOKED_SENDER);
    assertThat(admissionCode(TestChain.register(ORG, 2, TestChain.key(31).publicKey(), IdentityKind.DEVICE, "still fine"))).isNull();
    Identities identities = chain.identities;
    assertThat(identities.status(chain.ledger.state(Identities.NAME), MEMBER.id())).isEqualTo(SenderRegistry.Status.REVOKED);
    assertThat(identities.status(chain.ledger.state(Identities.NAME), ORG.id())).isEqualTo(SenderRegistry.Status.ACTIVE);
    assertThat(identities.status(chain.ledger.state(Identities.NAME), TestChain.key(99).id())).isEqualTo(SenderRegistry.Status.UNKNOWN);
  }

  @Test
  void revokedOrganisation_canNoLongerRegisterMembers() {
    chain.commit(TestChain.revoke(ADMIN, 2, ORG.id(), "dissolved"));
    assertThat(admissionCode(TestChain.register(ORG, 0, MEMBER.publicKey(), IdentityKind.MEMBER, "alice")))
        .isEqualTo(RejectionCode.REVOKED_SENDER);
  }

  // ------------------------------------------------------------------ set_encryption_key

  @Test
  void setEncryptionKey_ownKey_storedWithEventOtherFieldsKept() {
    registerMember();
    IdentityRecord before = chain.identity(MEMBER.id()).orElseThrow();
    assertThat(before.getEncryptionKey().isEmpty()).isTrue();

    TxResult result = chain.commitResults(TestChain.setEncryptionKey(MEMBER, 0, TestChain.x25519(7))).get(0);

    assertThat(result.getStatus()).isEqualTo(TxStatus.COMMITTED);
    assertThat(result.getEvents(0).getName()).isEqualTo("encryption_key_set");
    assertThat(result.getEvents(0).getData().toStringUtf8()).isEqualTo(MEMBER.id().value());
    IdentityRecord after = chain.identity(MEMBER.id()).orElseThrow();
    assertThat(after.getEncryptionKey().toByteArray()).isEqualTo(TestChain.x25519(7));
    assertThat(after.toBuilder().clearEncryptionKey().build()).isEqualTo(before);
  }

  @Test
  void setEncryptionKey_again_replacesKey() {
    chain.commit(TestChain.setEncryptionKey(ORG, 0, TestChain.x25519(7)));

    chain.commit(TestChain.setEncryptionKey(ORG, 1, TestChain.x25519(8)));

    assertThat(chain.identity(ORG.id()).orElseThrow().getEncryptionKey().toByteArray()).isEqualTo(TestChain.x25519(8));
    assertThat(chain.identity(OTHER_ORG.id()).orElseThrow().getEncryptionKey().isEmpty()).isTrue();
  }

  @Test
  void setEncryptionKey_genesisValidator_storedForCustody() {
    chain.commit(TestChain.setEncryptionKey(VALIDATOR, 0, TestChain.x25519(9)));

    assertThat(chain.identity(VALIDATOR.id()).orElseThrow().getEncryptionKey().toByteArray()).isEqualTo(TestChain.x25519(9));
  }

  @Test
  void setEncryptionKey_wrongLengthOrAllZero_rejectedBadArgumentsStoreUnchanged() {
    chain.rejected(TestChain.setEncryptionKey(ORG, 0, java.util.Arrays.copyOf(TestChain.x25519(7), 31)), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(TestChain.setEncryptionKey(ORG, 0, java.util.Arrays.copyOf(TestChain.x25519(7), 33)), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(TestChain.setEncryptionKey(ORG, 0, new byte[0]), RejectionCode.BAD_ARGUMENTS);
    chain.rejected(TestChain.setEncryptionKey(ORG, 0, new byte[32]), RejectionCode.BAD_ARGUMENTS);

    assertThat(chain.identity(ORG.id()).orElseThrow().getEncryptionKey().isEmpty()).isTrue();
    // The positive sibling: one non-zero byte makes the same key acceptable.
    byte[] oneBit = new byte[32];
    oneBit[31] = 1;
    assertThat(admissionCode(TestChain.setEncryptionKey(ORG, 0, oneBit))).isNull();
  }

  @Test
  void setEncryptionKey_revokedIdentity_refusedKeyKept() {
    registerMember();
    chain.commit(TestChain.setEncryptionKey(MEMBER, 0, TestChain.x25519(7)));
    chain.commit(TestChain.revoke(ORG, 1, MEMBER.id(), "left"));

    assertThat(admissionCode(TestChain.setEncryptionKey(MEMBER, 1, TestChain.x25519(8)))).isEqualTo(RejectionCode.REVOKED_SENDER);

    assertThat(chain.identity(MEMBER.id()).orElseThrow().getEncryptionKey().toByteArray()).isEqualTo(TestChain.x25519(7));
  }
}
