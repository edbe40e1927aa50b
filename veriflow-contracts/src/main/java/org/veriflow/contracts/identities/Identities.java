package org.veriflow.contracts.identities;

import static org.veriflow.protocol.identities.IdentitiesFailure.ALREADY_REVOKED;
import static org.veriflow.protocol.identities.IdentitiesFailure.BAD_ARGUMENTS;
import static org.veriflow.protocol.identities.IdentitiesFailure.IDENTITY_EXISTS;
import static org.veriflow.protocol.identities.IdentitiesFailure.NOT_AUTHORISED;
import static org.veriflow.protocol.identities.IdentitiesFailure.UNKNOWN_IDENTITY;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.veriflow.contracts.SystemContract;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.ledger.GenesisState;
import org.veriflow.protocol.FailureCode;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.contracts.IdentityStatus;
import org.veriflow.protocol.proto.contracts.RegisterIdentity;
import org.veriflow.protocol.proto.contracts.RevokeIdentity;
import org.veriflow.protocol.proto.contracts.SetEncryptionKey;
import org.veriflow.ledger.exec.ContractContext;
import org.veriflow.ledger.exec.ContractException;
import org.veriflow.ledger.exec.ContractMethod;
import org.veriflow.ledger.exec.ExecutionContext;
import org.veriflow.ledger.exec.SenderRegistry;
import org.veriflow.ledger.exec.StateView;

/**
 * The identities contract: the registry of every key that may act on the chain.
 *
 * <ul>
 *   <li>Administrators (named in the genesis file) register organisations, validators, auditors and
 *       further administrators.
 *   <li>An organisation registers its members, devices and agents; it is their owner.
 *   <li>An administrator may revoke any identity; an owner may revoke what it owns. A revoked
 *       identity can no longer send transactions.
 *   <li>An active identity sets or replaces its own X25519 encryption key ({@code
 *       set_encryption_key}, RFC 7748): the key that data keys are wrapped for (HPKE) when a dataset
 *       is shared with it, or deposited with it as a custodian.
 * </ul>
 *
 * State: {@code id/<identity id>} → {@link IdentityRecord}; {@code owner/<owner id>/<id>} → empty,
 * an index of what each identity vouches for.
 */
public final class Identities extends SystemContract implements SenderRegistry {
  public static final String NAME = "identities";
  private static final int MAX_NAME = 128;
  private static final int MAX_ROLES = 16;
  /** Length of an X25519 public key (RFC 7748, section 5). */
  public static final int ENCRYPTION_KEY_BYTES = 32;

  public Identities() {
    super(NAME, Map.of("register", new Register(), "revoke", new Revoke(), "set_encryption_key", new SetEncryptionKeyMethod()));
  }

  // ------------------------------------------------------------------ SenderRegistry

  @Override
  public String namespace() {
    return NAME;
  }

  @Override
  public Status status(StateView registry, IdentityId sender) {
    return find(registry, sender.value())
        .map(r -> r.getStatus() == IdentityStatus.ACTIVE ? Status.ACTIVE : Status.REVOKED)
        .orElse(Status.UNKNOWN);
  }

  // ------------------------------------------------------------------ state

  static byte[] idKey(String id) {
    return ("id/" + id).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] ownerKey(String owner, String id) {
    return ("owner/" + owner + "/" + id).getBytes(StandardCharsets.UTF_8);
  }

  /** The record of {@code id} in {@code state} (the identities namespace). */
  public static Optional<IdentityRecord> find(StateView state, String id) {
    return state.get(idKey(id)).map(Identities::parse);
  }

  private static IdentityRecord parse(byte[] bytes) {
    try {
      return IdentityRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored identity record does not decode", e);
    }
  }

  /**
   * The genesis write that registers {@code record}.
   *
   * @param record an identity named in the genesis file
   * @return the write of block 0
   */
  public static GenesisState.Write genesisIdentity(IdentityRecord record) {
    return new GenesisState.Write(NAME, idKey(record.getId()), record.toByteArray());
  }

  /**
   * The sender's record, for a contract's authorisation check.
   *
   * @param ctx the calling contract's context
   * @param notAuthorised the calling contract's {@code NOT_AUTHORISED}
   * @return the sender's record, active
   * @throws ContractException {@code notAuthorised} unless the sender is an active identity
   */
  public static IdentityRecord activeSender(ContractContext ctx, FailureCode notAuthorised) throws ContractException {
    return find(ctx.state(NAME), ctx.sender().value())
        .filter(r -> r.getStatus() == IdentityStatus.ACTIVE)
        .orElseThrow(() -> new ContractException(notAuthorised, "sender " + ctx.sender() + " is not an active identity"));
  }

  static boolean registeredByAdministrator(IdentityKind kind) {
    return kind == IdentityKind.ADMINISTRATOR || kind == IdentityKind.ORGANISATION
        || kind == IdentityKind.VALIDATOR || kind == IdentityKind.AUDITOR;
  }

  /** Decoded arguments of {@code register}, with the key validated and the id derived. */
  record RegisterArgs(RegisterIdentity message, PublicKey key, IdentityId id, SortedSet<String> roles) {}

  static final class Register implements ContractMethod<RegisterArgs> {
    @Override
    public RegisterArgs decode(byte[] arguments) throws ContractException {
      RegisterIdentity m = parse(RegisterIdentity.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      PublicKey key;
      try {
        key = PublicKey.decode(algorithm(m.getAlgorithm(), BAD_ARGUMENTS), m.getPublicKey().toByteArray());
      } catch (IllegalArgumentException e) {
        throw new ContractException(BAD_ARGUMENTS, "public key: " + e.getMessage());
      }
      if (m.getKind() == IdentityKind.IDENTITY_KIND_UNSPECIFIED || m.getKind() == IdentityKind.UNRECOGNIZED) {
        throw new ContractException(BAD_ARGUMENTS, "identity kind is missing or unknown");
      }
      if (m.getName().length() > MAX_NAME) {
        throw new ContractException(BAD_ARGUMENTS, "name is longer than " + MAX_NAME + " characters");
      }
      SortedSet<String> roles = new TreeSet<>(m.getRolesList());
      if (roles.size() > MAX_ROLES) {
        throw new ContractException(BAD_ARGUMENTS, "at most " + MAX_ROLES + " roles");
      }
      for (String role : roles) {
        if (!role.matches("[a-z][a-z0-9-]{0,31}")) {
          throw new ContractException(BAD_ARGUMENTS, "role '" + role + "' must be lower-case letters, digits and dashes");
        }
      }
      return new RegisterArgs(m, key, key.id(), roles);
    }

    @Override
    public void authorise(ContractContext ctx, RegisterArgs args) throws ContractException {
      IdentityRecord sender = activeSender(ctx, NOT_AUTHORISED);
      IdentityKind kind = args.message().getKind();
      if (registeredByAdministrator(kind)) {
        if (sender.getKind() != IdentityKind.ADMINISTRATOR) {
          throw new ContractException(NOT_AUTHORISED, "only an administrator may register identities of kind " + kind.name().toLowerCase(java.util.Locale.ROOT));
        }
      } else if (sender.getKind() != IdentityKind.ORGANISATION) {
        throw new ContractException(NOT_AUTHORISED, "only an organisation may register identities of kind " + kind.name().toLowerCase(java.util.Locale.ROOT));
      }
    }

    @Override
    public void execute(ExecutionContext ctx, RegisterArgs args) throws ContractException {
      String id = args.id().value();
      if (ctx.state().get(idKey(id)).isPresent()) {
        throw new ContractException(IDENTITY_EXISTS, "identity " + id + " is already registered");
      }
      IdentityRecord record = IdentityRecord.newBuilder()
          .setId(id)
          .setPublicKey(args.message().getPublicKey())
          .setAlgorithm(args.message().getAlgorithm())
          .setKind(args.message().getKind())
          .setName(args.message().getName())
          .setOwner(ctx.sender().value())
          .addAllRoles(args.roles())
          .setStatus(IdentityStatus.ACTIVE)
          .setRegisteredHeight(ctx.height())
          .build();
      ctx.put(idKey(id), record.toByteArray());
      ctx.put(ownerKey(ctx.sender().value(), id), new byte[0]);
      ctx.emit("registered", id.getBytes(StandardCharsets.UTF_8));
      ctx.output(id.getBytes(StandardCharsets.UTF_8));
    }
  }

  static final class Revoke implements ContractMethod<RevokeIdentity> {
    @Override
    public RevokeIdentity decode(byte[] arguments) throws ContractException {
      RevokeIdentity m = parse(RevokeIdentity.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      if (!IdentityId.isWellFormed(m.getId())) {
        throw new ContractException(BAD_ARGUMENTS, "'" + m.getId() + "' is not an identity id");
      }
      if (m.getReason().length() > 256) {
        throw new ContractException(BAD_ARGUMENTS, "reason is longer than 256 characters");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, RevokeIdentity args) throws ContractException {
      IdentityRecord sender = activeSender(ctx, NOT_AUTHORISED);
      if (sender.getKind() == IdentityKind.ADMINISTRATOR) {
        return;
      }
      Optional<IdentityRecord> target = find(ctx.state(), args.getId());
      if (target.isEmpty() || !target.get().getOwner().equals(sender.getId())) {
        throw new ContractException(NOT_AUTHORISED, "only an administrator or the identity's owner may revoke " + args.getId());
      }
    }

    @Override
    public void execute(ExecutionContext ctx, RevokeIdentity args) throws ContractException {
      IdentityRecord target = find(ctx.state(), args.getId())
          .orElseThrow(() -> new ContractException(UNKNOWN_IDENTITY, "no identity " + args.getId()));
      if (target.getStatus() == IdentityStatus.REVOKED) {
        throw new ContractException(ALREADY_REVOKED, "identity " + args.getId() + " was revoked at height " + target.getRevokedHeight());
      }
      IdentityRecord revoked = target.toBuilder()
          .setStatus(IdentityStatus.REVOKED)
          .setRevokedHeight(ctx.height())
          .setRevocationReason(args.getReason())
          .build();
      ctx.put(idKey(args.getId()), revoked.toByteArray());
      ctx.emit("revoked", args.getId().getBytes(StandardCharsets.UTF_8));
    }
  }

  static final class SetEncryptionKeyMethod implements ContractMethod<SetEncryptionKey> {
    @Override
    public SetEncryptionKey decode(byte[] arguments) throws ContractException {
      SetEncryptionKey m = parse(SetEncryptionKey.getDefaultInstance(), arguments, BAD_ARGUMENTS);
      if (m.getPublicKey().size() != ENCRYPTION_KEY_BYTES) {
        throw new ContractException(BAD_ARGUMENTS, "an X25519 public key is " + ENCRYPTION_KEY_BYTES + " bytes, not " + m.getPublicKey().size());
      }
      boolean allZero = true;
      for (int i = 0; i < ENCRYPTION_KEY_BYTES; i++) {
        allZero &= m.getPublicKey().byteAt(i) == 0;
      }
      if (allZero) {
        throw new ContractException(BAD_ARGUMENTS, "the X25519 public key is all zero");
      }
      return m;
    }

    @Override
    public void authorise(ContractContext ctx, SetEncryptionKey args) throws ContractException {
      activeSender(ctx, NOT_AUTHORISED);
    }

    @Override
    public void execute(ExecutionContext ctx, SetEncryptionKey args) throws ContractException {
      IdentityRecord sender = activeSender(ctx, NOT_AUTHORISED);
      ctx.put(idKey(sender.getId()), sender.toBuilder().setEncryptionKey(args.getPublicKey()).build().toByteArray());
      ctx.emit("encryption_key_set", sender.getId().getBytes(StandardCharsets.UTF_8));
    }
  }
}
