package org.veriflow.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import java.util.Objects;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SigningKey;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.TxPayload;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.RegisterIdentity;
import org.veriflow.protocol.proto.contracts.RevokeIdentity;
import org.veriflow.protocol.proto.contracts.TransferCredits;
import org.veriflow.core.crypto.PublicKey;

/**
 * Builds and signs transactions for one chain and one sender. Serialises the payload once and signs
 * those bytes; they are submitted as they are. Not thread-safe (holds the next nonce), cheap to make.
 */
public final class TransactionBuilder {
  private final String chainId;
  private final SigningKey key;
  private long nonce;
  private long validUntilHeight;

  /**
   * @param nonce the sender's next nonce (see {@link VeriflowClient#account})
   * @param validUntilHeight last height at which the transactions may be included
   */
  public TransactionBuilder(String chainId, SigningKey key, long nonce, long validUntilHeight) {
    this.chainId = Objects.requireNonNull(chainId, "chainId");
    this.key = Objects.requireNonNull(key, "key");
    this.nonce = nonce;
    this.validUntilHeight = validUntilHeight;
  }

  /** The nonce the next built transaction will use. */
  public long nextNonce() {
    return nonce;
  }

  public TransactionBuilder validUntil(long height) {
    this.validUntilHeight = height;
    return this;
  }

  /** Signs a call of {@code contract.method} with serialised {@code arguments}, using the next nonce. */
  public SignedTransaction call(String contract, String method, byte[] arguments) {
    byte[] payload = TxPayload.newBuilder()
        .setChainId(chainId)
        .setSenderKey(ByteString.copyFrom(key.publicKey().encoded()))
        .setSenderAlgorithm(key.algorithm() == SignatureAlgorithm.ED25519 ? KeyAlgorithm.ED25519 : KeyAlgorithm.P256)
        .setNonce(nonce)
        .setValidUntilHeight(validUntilHeight)
        .setContract(contract)
        .setMethod(method)
        .setArguments(ByteString.copyFrom(arguments))
        .build()
        .toByteArray();
    nonce++;
    return new SignedTransaction(payload, key.sign(payload));
  }

  public SignedTransaction call(String contract, String method, MessageLite arguments) {
    return call(contract, method, arguments.toByteArray());
  }

  /** {@code identities.register}. */
  public SignedTransaction registerIdentity(PublicKey publicKey, IdentityKind kind, String name, Iterable<String> roles) {
    return call("identities", "register", RegisterIdentity.newBuilder()
        .setPublicKey(ByteString.copyFrom(publicKey.encoded()))
        .setAlgorithm(publicKey.algorithm() == SignatureAlgorithm.ED25519 ? KeyAlgorithm.ED25519 : KeyAlgorithm.P256)
        .setKind(kind)
        .setName(name)
        .addAllRoles(roles)
        .build());
  }

  /** {@code identities.revoke}. */
  public SignedTransaction revokeIdentity(String id, String reason) {
    return call("identities", "revoke", RevokeIdentity.newBuilder().setId(id).setReason(reason).build());
  }

  /** {@code streams.create}. */
  public SignedTransaction createStream(org.veriflow.protocol.proto.streams.CreateStream stream) {
    return call("streams", "create", stream);
  }

  /** {@code streams.register_device}: registers a device's own key in a stream. */
  public SignedTransaction registerDevice(String streamId, PublicKey deviceKey, String name) {
    return call("streams", "register_device", org.veriflow.protocol.proto.streams.RegisterDevice.newBuilder()
        .setStreamId(streamId)
        .setPublicKey(ByteString.copyFrom(deviceKey.encoded()))
        .setAlgorithm(deviceKey.algorithm() == SignatureAlgorithm.ED25519 ? KeyAlgorithm.ED25519 : KeyAlgorithm.P256)
        .setName(name)
        .build());
  }

  /** {@code streams.revoke_device}. */
  public SignedTransaction revokeDevice(String streamId, String deviceId, String reason) {
    return call("streams", "revoke_device", org.veriflow.protocol.proto.streams.RevokeDevice.newBuilder()
        .setStreamId(streamId).setDeviceId(deviceId).setReason(reason).build());
  }

  /** {@code streams.submit}: a gateway forwards readings signed by their devices. */
  public SignedTransaction submitReadings(String streamId, Iterable<org.veriflow.protocol.proto.streams.SignedReading> readings) {
    return call("streams", "submit", org.veriflow.protocol.proto.streams.SubmitReadings.newBuilder()
        .setStreamId(streamId).addAllReadings(readings).build());
  }

  /** {@code streams.snapshot}: freezes the legal readings with {@code from <= time < to} as a dataset. */
  public SignedTransaction snapshot(String streamId, long fromMillis, long toMillis, String title) {
    return call("streams", "snapshot", org.veriflow.protocol.proto.streams.CreateSnapshot.newBuilder()
        .setStreamId(streamId).setFromMillis(fromMillis).setToMillis(toMillis).setTitle(title).build());
  }

  /** {@code models.register}: a model's training provenance. */
  public SignedTransaction registerModel(org.veriflow.protocol.proto.models.RegisterModel model) {
    return call("models", "register", model);
  }

  /** {@code models.attest}: a validator reports the artifact hash its replay produced. */
  public SignedTransaction attestModel(String modelId, org.veriflow.core.crypto.Hash artifactSha256) {
    return call("models", "attest", org.veriflow.protocol.proto.models.Attest.newBuilder().setModelId(modelId)
        .setArtifactSha256(ByteString.copyFrom(artifactSha256.bytes())).build());
  }

  /** {@code models.change_stage}. */
  public SignedTransaction changeModelStage(String modelId, org.veriflow.protocol.proto.models.ModelStage stage, String reason) {
    return call("models", "change_stage", org.veriflow.protocol.proto.models.ChangeStage.newBuilder().setModelId(modelId)
        .setStage(stage).setReason(reason).build());
  }

  /** {@code credits.transfer}. */
  public SignedTransaction transfer(String to, long amount, String memo) {
    return call("credits", "transfer", TransferCredits.newBuilder().setTo(to).setAmount(amount).setMemo(memo).build());
  }

  // --- datasets

  /** {@code identities.set_encryption_key}: sets or replaces the sender's own X25519 public key. */
  public SignedTransaction setEncryptionKey(org.veriflow.crypto.EncryptionPublicKey key) {
    return call("identities", "set_encryption_key", org.veriflow.protocol.proto.contracts.SetEncryptionKey.newBuilder()
        .setPublicKey(ByteString.copyFrom(key.bytes())).build());
  }

  /** {@code datasets.publish}: a version of a dataset, owned by the sender. */
  public SignedTransaction publishDataset(org.veriflow.protocol.proto.datasets.PublishDataset dataset) {
    return call("datasets", "publish", dataset);
  }

  /** {@code datasets.request}: asks for a version for a purpose; the transaction's id is the grant's id. */
  public SignedTransaction requestDataset(String datasetId, long version, String purpose) {
    return call("datasets", "request", org.veriflow.protocol.proto.datasets.RequestAccess.newBuilder()
        .setDatasetId(datasetId).setVersion(version).setPurpose(purpose).build());
  }

  /** {@code datasets.grant}: the owner approves a pending request. */
  public SignedTransaction grantDataset(String grantId, String reason) {
    return call("datasets", "grant", decide(grantId, reason));
  }

  /** {@code datasets.deny}: the owner refuses a pending request. */
  public SignedTransaction denyDataset(String grantId, String reason) {
    return call("datasets", "deny", decide(grantId, reason));
  }

  /** {@code datasets.revoke}: the owner stops a grant's further releases. */
  public SignedTransaction revokeGrant(String grantId, String reason) {
    return call("datasets", "revoke", decide(grantId, reason));
  }

  /** {@code datasets.cancel}: the grantee withdraws a request, or a grant whose key was never released. */
  public SignedTransaction cancelGrant(String grantId, String reason) {
    return call("datasets", "cancel", decide(grantId, reason));
  }

  /** {@code datasets.record_access}: the custodian records a key release or a ciphertext download. */
  public SignedTransaction recordAccess(org.veriflow.protocol.proto.datasets.RecordAccess access) {
    return call("datasets", "record_access", access);
  }

  /** {@code datasets.deprecate}: no new requests or approvals for the version. */
  public SignedTransaction deprecateDataset(String datasetId, long version, String reason) {
    return call("datasets", "deprecate", changeStatus(datasetId, version, reason));
  }

  /** {@code datasets.erase}: removes the version's wrapped data key from the chain's state. */
  public SignedTransaction eraseDataset(String datasetId, long version, String reason) {
    return call("datasets", "erase", changeStatus(datasetId, version, reason));
  }

  private static org.veriflow.protocol.proto.datasets.DecideGrant decide(String grantId, String reason) {
    return org.veriflow.protocol.proto.datasets.DecideGrant.newBuilder().setGrantId(grantId).setReason(reason).build();
  }

  private static org.veriflow.protocol.proto.datasets.ChangeDatasetStatus changeStatus(String datasetId, long version, String reason) {
    return org.veriflow.protocol.proto.datasets.ChangeDatasetStatus.newBuilder().setDatasetId(datasetId).setVersion(version)
        .setReason(reason).build();
  }
}
