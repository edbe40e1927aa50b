package org.veriflow.it.ledger;

import org.veriflow.contracts.TestChain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.veriflow.contracts.TestChain.ADMIN;

import org.veriflow.contracts.credits.Credits;
import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.SignedTx;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.TransferCredits;
import org.veriflow.ledger.Ledger;
import org.veriflow.ledger.Mempool;
import org.veriflow.ledger.Rejection;
import org.veriflow.ledger.RejectionCode;
import org.veriflow.ledger.VerifiedTx;
import org.veriflow.ledger.store.Column;

/**
 * One refused transaction per admission rejection code: the code is the expected one, the message
 * says something, and nothing in the store (every column) changed. Where a boundary exists, the
 * transaction just inside it is admitted.
 */
class AdmissionRejectionTest {
  /** Order of the P-256 group. */
  private static final BigInteger P256_N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private static final SigningKey ORG = TestChain.key(10);
  private static final SigningKey MEMBER = TestChain.key(11);
  private static final SigningKey REVOKED_MEMBER = TestChain.key(12);
  private static final SigningKey DEVICE = TestChain.p256Key(1);
  private static final SigningKey STRANGER = TestChain.key(50);

  private TestChain chain;
  private byte[] orgRegistration;

  @BeforeEach
  void chainWithOrganisationMembersAndDevice() {
    chain = TestChain.open();
    orgRegistration = TestChain.register(ADMIN, 0, ORG.publicKey(), IdentityKind.ORGANISATION, "hospital");
    chain.commit(orgRegistration);
    chain.commit(
        TestChain.register(ORG, 0, MEMBER.publicKey(), IdentityKind.MEMBER, "alice"),
        TestChain.register(ORG, 1, DEVICE.publicKey(), IdentityKind.DEVICE, "sensor-1"),
        TestChain.register(ORG, 2, REVOKED_MEMBER.publicKey(), IdentityKind.MEMBER, "bob"));
    chain.commit(TestChain.revoke(ORG, 3, REVOKED_MEMBER.id(), "left"));
    assertThat(chain.ledger.head().height()).isEqualTo(3);
  }

  @AfterEach
  void close() {
    chain.close();
  }

  /** Admits {@code signedTx}, expecting {@code code} and no change to any column of the store. */
  private Rejection assertRejected(byte[] signedTx, RejectionCode code) {
    Map<Column, TreeMap<String, String>> before = chain.snapshot();
    Ledger.Admission admission = chain.ledger.admit(signedTx);
    assertThat(admission.accepted()).isFalse();
    assertThat(admission.tx()).isNull();
    assertThat(admission.rejection().code()).as("rejection %s", admission.rejection()).isEqualTo(code);
    assertThat(admission.rejection().message()).isNotBlank();
    assertThat(chain.snapshot()).isEqualTo(before);
    return admission.rejection();
  }

  private void assertAdmitted(byte[] signedTx) {
    Map<Column, TreeMap<String, String>> before = chain.snapshot();
    Ledger.Admission admission = chain.ledger.admit(signedTx);
    assertThat(admission.rejection()).isNull();
    assertThat(admission.tx().id()).isEqualTo(TestChain.txId(signedTx));
    assertThat(chain.snapshot()).isEqualTo(before);
  }

  private static byte[] adminTransfer(long nonce) {
    return TestChain.transfer(ADMIN, nonce, MEMBER.id(), 10);
  }

  @Test
  void admit_validTransaction_acceptedAndStoreUnchanged() {
    assertAdmitted(adminTransfer(1));
  }

  @Test
  void admit_truncatedProtobuf_malformed() {
    assertRejected(new byte[] {0x0a, 0x7f, 0x01}, RejectionCode.MALFORMED);
  }

  @Test
  void admit_payloadWithoutSenderAlgorithm_malformed() {
    TxPayload.Builder p = TestChain.payload(ADMIN, 1, Credits.NAME, "transfer", TestChain.transferArgs(MEMBER.id(), 10))
        .setSenderAlgorithm(KeyAlgorithm.KEY_ALGORITHM_UNSPECIFIED);
    assertRejected(TestChain.sign(ADMIN, p), RejectionCode.MALFORMED);
  }

  @Test
  void admit_senderKeyOfWrongLength_malformed() {
    TxPayload.Builder p = TestChain.payload(ADMIN, 1, Credits.NAME, "transfer", TestChain.transferArgs(MEMBER.id(), 10))
        .setSenderKey(ByteString.copyFrom(new byte[31]));
    assertRejected(TestChain.sign(ADMIN, p), RejectionCode.MALFORMED);
  }

  @Test
  void admit_signedTransactionAboveMaxTxBytes_tooLarge() {
    TransferCredits args = TestChain.transferArgs(MEMBER.id(), 10).toBuilder().setMemo("x".repeat(TestChain.MAX_TX_BYTES)).build();
    byte[] big = TestChain.tx(ADMIN, 1, Credits.NAME, "transfer", args);
    assertThat(big.length).isGreaterThan(TestChain.MAX_TX_BYTES);
    assertRejected(big, RejectionCode.TOO_LARGE);
  }

  @Test
  void admit_sizeBoundary_maxTxBytesPassesSizeCheckOneMoreDoesNot() {
    byte[] atLimit = new byte[TestChain.MAX_TX_BYTES];
    Arrays.fill(atLimit, (byte) 0xff);
    byte[] aboveLimit = Arrays.copyOf(atLimit, TestChain.MAX_TX_BYTES + 1);
    assertRejected(atLimit, RejectionCode.MALFORMED);
    assertRejected(aboveLimit, RejectionCode.TOO_LARGE);
  }

  @Test
  void admit_otherChainId_wrongChainId() {
    TxPayload.Builder p = TestChain.payload(ADMIN, 1, Credits.NAME, "transfer", TestChain.transferArgs(MEMBER.id(), 10))
        .setChainId("other-chain");
    Rejection r = assertRejected(TestChain.sign(ADMIN, p), RejectionCode.WRONG_CHAIN_ID);
    assertThat(r.message()).contains("other-chain").contains(TestChain.CHAIN_ID);
  }

  @Test
  void admit_signedByAnotherKey_badSignature() {
    TxPayload.Builder p = TestChain.payload(ADMIN, 1, Credits.NAME, "transfer", TestChain.transferArgs(MEMBER.id(), 10));
    assertRejected(TestChain.sign(STRANGER, p), RejectionCode.BAD_SIGNATURE);
  }

  @Test
  void admit_oneSignatureBitFlipped_badSignature() throws Exception {
    SignedTx good = SignedTx.parseFrom(adminTransfer(1));
    byte[] sig = good.getSignature().toByteArray();
    sig[10] ^= 0x01;
    assertRejected(good.toBuilder().setSignature(ByteString.copyFrom(sig)).build().toByteArray(), RejectionCode.BAD_SIGNATURE);
  }

  @Test
  void admit_oneSignedPayloadBitFlipped_badSignature() throws Exception {
    SignedTx good = SignedTx.parseFrom(adminTransfer(1));
    TxPayload changed = TxPayload.parseFrom(good.getPayload()).toBuilder().setNonce(2).build();
    assertRejected(good.toBuilder().setPayload(changed.toByteString()).build().toByteArray(), RejectionCode.BAD_SIGNATURE);
  }

  @Test
  void admit_registeredP256DeviceWithHighS_highSSignatureButLowSAdmitted() throws Exception {
    byte[] lowS = TestChain.transfer(DEVICE, 0, MEMBER.id(), 1);
    SignedTx signed = SignedTx.parseFrom(lowS);
    byte[] sig = signed.getSignature().toByteArray();
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
    byte[] highS = P256_N.subtract(s).toByteArray();
    byte[] flipped = Arrays.copyOf(sig, 64);
    Arrays.fill(flipped, 32, 64, (byte) 0);
    int len = Math.min(highS.length, 32);
    System.arraycopy(highS, highS.length - len, flipped, 64 - len, len);
    byte[] highSTx = signed.toBuilder().setSignature(ByteString.copyFrom(flipped)).build().toByteArray();

    assertRejected(highSTx, RejectionCode.HIGH_S_SIGNATURE);
    assertAdmitted(lowS);
  }

  @Test
  void admit_unregisteredSender_unknownSender() {
    Rejection r = assertRejected(TestChain.transfer(STRANGER, 0, MEMBER.id(), 1), RejectionCode.UNKNOWN_SENDER);
    assertThat(r.message()).contains(STRANGER.id().value());
  }

  @Test
  void admit_revokedSender_revokedSender() {
    assertRejected(TestChain.transfer(REVOKED_MEMBER, 0, MEMBER.id(), 1), RejectionCode.REVOKED_SENDER);
  }

  @Test
  void admit_nonceAlreadyConsumed_nonceTooLow() {
    assertThat(chain.nextNonce(ADMIN)).isEqualTo(1);
    assertRejected(adminTransfer(0), RejectionCode.NONCE_TOO_LOW);
  }

  @Test
  void admit_nonceBeyondWindow_nonceTooHighButWindowEdgeAdmitted() {
    long next = chain.nextNonce(ADMIN);
    assertRejected(adminTransfer(next + Ledger.DEFAULT_NONCE_WINDOW + 1), RejectionCode.NONCE_TOO_HIGH);
    assertAdmitted(adminTransfer(next + Ledger.DEFAULT_NONCE_WINDOW));
  }

  @Test
  void admit_nonceTwoToThe64MinusOne_nonceTooHigh_printedUnsigned() {
    // The largest uint64, which a signed 64-bit integer holds as -1.
    Rejection r = assertRejected(adminTransfer(-1L), RejectionCode.NONCE_TOO_HIGH);
    assertThat(r.message()).contains("nonce 18446744073709551615 ").doesNotContain("-1");
  }

  @Test
  void admit_alreadyCommitted_duplicateTx() {
    assertRejected(orgRegistration, RejectionCode.DUPLICATE_TX);
  }

  @Test
  void mempoolAdd_alreadyPending_duplicateTxAndPoolUnchanged() {
    Mempool pool = new Mempool(chain.ledger, 10);
    VerifiedTx tx = chain.admitted(adminTransfer(1));
    assertThat(pool.add(tx)).isEmpty();
    Map<Column, TreeMap<String, String>> before = chain.snapshot();

    Optional<Rejection> again = pool.add(chain.admitted(adminTransfer(1)));

    assertThat(again).hasValueSatisfying(r -> assertThat(r.code()).isEqualTo(RejectionCode.DUPLICATE_TX));
    assertThat(pool.size()).isEqualTo(1);
    assertThat(pool.contains(tx.id())).isTrue();
    assertThat(chain.snapshot()).isEqualTo(before);
  }

  @Test
  void admit_validUntilBelowNextHeight_expiredButNextHeightAdmitted() {
    long next = chain.ledger.head().height() + 1;
    TxPayload.Builder stale = TestChain.payload(ADMIN, 1, Credits.NAME, "transfer", TestChain.transferArgs(MEMBER.id(), 10))
        .setValidUntilHeight(next - 1);
    TxPayload.Builder fresh = stale.clone().setValidUntilHeight(next);
    assertRejected(TestChain.sign(ADMIN, stale), RejectionCode.EXPIRED);
    assertAdmitted(TestChain.sign(ADMIN, fresh));
  }

  @Test
  void admit_unknownContract_unknownContract() {
    Rejection r = assertRejected(TestChain.tx(ADMIN, 1, "no-such-contract", "transfer", TestChain.transferArgs(MEMBER.id(), 1)),
        RejectionCode.UNKNOWN_CONTRACT);
    assertThat(r.message()).contains("no-such-contract");
  }

  @Test
  void admit_unknownMethod_unknownMethodListingTheMethods() {
    Rejection r = assertRejected(TestChain.tx(ADMIN, 1, Credits.NAME, "mint", TestChain.transferArgs(MEMBER.id(), 1)),
        RejectionCode.UNKNOWN_METHOD);
    assertThat(r.message()).contains("mint").contains("transfer");
  }

  @Test
  void admit_zeroAmount_badArguments() {
    assertRejected(TestChain.transfer(ADMIN, 1, MEMBER.id(), 0), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void admit_recipientNotAnIdentityId_badArguments() {
    TransferCredits args = TransferCredits.newBuilder().setTo("alice").setAmount(5).build();
    assertRejected(TestChain.tx(ADMIN, 1, Credits.NAME, "transfer", args), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void admit_amountAboveLongMax_badArguments() {
    TransferCredits args = TestChain.transferArgs(MEMBER.id(), 1).toBuilder().setAmount(-1L).build();
    assertRejected(TestChain.tx(ADMIN, 1, Credits.NAME, "transfer", args), RejectionCode.BAD_ARGUMENTS);
  }

  @Test
  void admit_memberRegistersDevice_notAuthorised() {
    assertRejected(TestChain.register(MEMBER, 0, TestChain.key(60).publicKey(), IdentityKind.DEVICE, "thermometer"),
        RejectionCode.NOT_AUTHORISED);
  }

  @Test
  void mempoolAdd_poolFull_mempoolFullAndPoolUnchanged() {
    Mempool pool = new Mempool(chain.ledger, 1);
    VerifiedTx first = chain.admitted(adminTransfer(1));
    assertThat(pool.add(first)).isEmpty();
    VerifiedTx second = chain.admitted(TestChain.transfer(ORG, 4, MEMBER.id(), 1));
    Map<Column, TreeMap<String, String>> before = chain.snapshot();

    Optional<Rejection> r = pool.add(second);

    assertThat(r).hasValueSatisfying(x -> assertThat(x.code()).isEqualTo(RejectionCode.MEMPOOL_FULL));
    assertThat(pool.size()).isEqualTo(1);
    assertThat(pool.contains(second.id())).isFalse();
    assertThat(chain.snapshot()).isEqualTo(before);
  }

  /** {@code message} followed by field 99 (a varint its schema does not declare). */
  private static byte[] withUnknownField(byte[] message) {
    byte[] out = Arrays.copyOf(message, message.length + 3);
    out[message.length] = (byte) 0x98; // tag (99 << 3 | 0) as a varint: 0x98 0x06
    out[message.length + 1] = 0x06;
    out[message.length + 2] = 0x01;
    return out;
  }

  /** Signs {@code payloadBytes} exactly as given. */
  private static byte[] signRaw(SigningKey signer, byte[] payloadBytes) {
    return SignedTx.newBuilder().setPayload(ByteString.copyFrom(payloadBytes))
        .setSignature(ByteString.copyFrom(signer.sign(payloadBytes))).build().toByteArray();
  }

  @Test
  void admit_payloadPaddedWithUnknownField_nonCanonicalButCanonicalAdmitted() {
    byte[] payload = TestChain.payload(ADMIN, 1, Credits.NAME, "transfer", TestChain.transferArgs(MEMBER.id(), 10)).build().toByteArray();
    Rejection r = assertRejected(signRaw(ADMIN, withUnknownField(payload)), RejectionCode.NON_CANONICAL);
    assertThat(r.message()).contains("99");
    assertAdmitted(signRaw(ADMIN, payload));
  }

  @Test
  void admit_payloadFieldsOutOfOrder_nonCanonical() {
    TxPayload p = TestChain.payload(ADMIN, 1, Credits.NAME, "transfer", TestChain.transferArgs(MEMBER.id(), 10)).build();
    // The same fields, the arguments (field 8) written first: decodes to the same payload.
    byte[] args = p.toBuilder().clearChainId().clearSenderKey().clearSenderAlgorithm().clearNonce().clearValidUntilHeight()
        .clearContract().clearMethod().build().toByteArray();
    byte[] rest = p.toBuilder().clearArguments().build().toByteArray();
    byte[] reordered = new byte[args.length + rest.length];
    System.arraycopy(args, 0, reordered, 0, args.length);
    System.arraycopy(rest, 0, reordered, args.length, rest.length);
    assertRejected(signRaw(ADMIN, reordered), RejectionCode.NON_CANONICAL);
  }

  @Test
  void admit_argumentsPaddedWithUnknownField_nonCanonical() {
    byte[] args = withUnknownField(TestChain.transferArgs(MEMBER.id(), 10).toByteArray());
    TxPayload.Builder p = TestChain.payload(ADMIN, 1, Credits.NAME, "transfer", TestChain.transferArgs(MEMBER.id(), 10))
        .setArguments(ByteString.copyFrom(args));
    Rejection r = assertRejected(TestChain.sign(ADMIN, p), RejectionCode.NON_CANONICAL);
    assertThat(r.message()).contains("TransferCredits");
  }

  @Test
  void admit_argumentsWithDefaultValueWrittenOut_nonCanonical() {
    // memo (field 3) written as an empty string: decodes to the same call, in another byte form.
    byte[] canonical = TestChain.transferArgs(MEMBER.id(), 10).toByteArray();
    byte[] args = Arrays.copyOf(canonical, canonical.length + 2);
    args[canonical.length] = 0x1a;
    TxPayload.Builder p = TestChain.payload(ADMIN, 1, Credits.NAME, "transfer", TestChain.transferArgs(MEMBER.id(), 10))
        .setArguments(ByteString.copyFrom(args));
    assertRejected(TestChain.sign(ADMIN, p), RejectionCode.NON_CANONICAL);
  }

  @Test
  void admit_envelopeWithUnknownField_nonCanonical() {
    assertRejected(withUnknownField(adminTransfer(1)), RejectionCode.NON_CANONICAL);
  }

  @Test
  void mempoolAdd_senderAboveItsBytes_senderPoolFullWhileOtherSenderAdmitted() {
    VerifiedTx first = chain.admitted(adminTransfer(1));
    Mempool pool = new Mempool(chain.ledger, new Mempool.Bounds(100, 1 << 20, first.sizeBytes() + 1, 1000));
    assertThat(pool.add(first)).isEmpty();
    VerifiedTx second = chain.admitted(adminTransfer(2));
    Map<Column, TreeMap<String, String>> before = chain.snapshot();

    Optional<Rejection> r = pool.add(second);

    assertThat(r).hasValueSatisfying(x -> assertThat(x.code()).isEqualTo(RejectionCode.SENDER_POOL_FULL));
    assertThat(pool.size()).isEqualTo(1);
    assertThat(pool.bytes()).isEqualTo(first.sizeBytes());
    assertThat(chain.snapshot()).isEqualTo(before);
    assertThat(pool.add(chain.admitted(TestChain.transfer(ORG, 4, MEMBER.id(), 1)))).isEmpty();
  }

  @Test
  void mempoolAdd_validUntilBeyondWindow_validUntilTooFarButWindowEdgeAdded() {
    long next = chain.ledger.head().height() + 1;
    Mempool pool = new Mempool(chain.ledger, new Mempool.Bounds(100, 1 << 20, 1 << 20, 50));
    TxPayload.Builder far = TestChain.payload(ADMIN, 1, Credits.NAME, "transfer", TestChain.transferArgs(MEMBER.id(), 10))
        .setValidUntilHeight(next + 51);
    TxPayload.Builder edge = far.clone().setValidUntilHeight(next + 50);
    TxPayload.Builder max = far.clone().setValidUntilHeight(Long.MAX_VALUE);
    Map<Column, TreeMap<String, String>> before = chain.snapshot();

    assertThat(pool.add(chain.admitted(TestChain.sign(ADMIN, far))))
        .hasValueSatisfying(x -> assertThat(x.code()).isEqualTo(RejectionCode.VALID_UNTIL_TOO_FAR));
    assertThat(pool.add(chain.admitted(TestChain.sign(ADMIN, max))))
        .hasValueSatisfying(x -> assertThat(x.code()).isEqualTo(RejectionCode.VALID_UNTIL_TOO_FAR));
    assertThat(pool.size()).isZero();
    assertThat(chain.snapshot()).isEqualTo(before);
    assertThat(pool.add(chain.admitted(TestChain.sign(ADMIN, edge)))).isEmpty();
  }

  @Test
  void rejectionCodes_allValues_eachHasATestInThisClass() {
    // Guards the one-test-per-code rule: a new code must get its own test here. The cluster
    // orderer's two refusals need a cluster and are tested in veriflow-node's RaftClusterTest
    // (NO_QUORUM with two of three members down, LEADER_UNREACHABLE for a relayed submission that
    // reaches a member that does not lead) and in RaftClusterIT.
    assertThat(RejectionCode.values()).extracting(Enum::name).containsExactly(
        "MALFORMED", "TOO_LARGE", "WRONG_CHAIN_ID", "BAD_SIGNATURE", "HIGH_S_SIGNATURE", "UNKNOWN_SENDER",
        "REVOKED_SENDER", "NONCE_TOO_LOW", "NONCE_TOO_HIGH", "DUPLICATE_TX", "EXPIRED", "UNKNOWN_CONTRACT",
        "UNKNOWN_METHOD", "BAD_ARGUMENTS", "NOT_AUTHORISED", "MEMPOOL_FULL", "NO_QUORUM", "LEADER_UNREACHABLE",
        "NON_CANONICAL", "SENDER_POOL_FULL", "VALID_UNTIL_TOO_FAR");
  }
}
