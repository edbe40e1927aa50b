package org.veriflow.contracts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import com.google.protobuf.ByteString;
import org.veriflow.contracts.credits.Credits;
import org.veriflow.contracts.identities.BlobQuota;
import org.veriflow.contracts.identities.Identities;
import org.veriflow.contracts.models.Models;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.protocol.proto.KeyAlgorithm;
import org.veriflow.protocol.proto.contracts.IdentityKind;
import org.veriflow.protocol.proto.contracts.IdentityRecord;
import org.veriflow.protocol.proto.contracts.IdentityStatus;
import org.veriflow.ledger.ChainParams;
import org.veriflow.ledger.GenesisState;

/**
 * What a genesis file says: the chain's parameters, its first administrators, its validators (which
 * also order blocks) and the credits minted at genesis. {@link #toState()} turns it into the writes
 * of block 0.
 *
 * @param requiredAttestations how many validators' matching replay attestations make a model
 *     {@code VERIFIED} (the models contract's parameter); 1 to the number of validators
 * @param balances credits minted per identity; every key must be an administrator or validator named here
 * @param maxRecipeCost the most a model's recipe may cost to replay ({@code models.register} refuses a
 *     costlier one with {@code RECIPE_TOO_COSTLY}; see {@code RecipeCost}); at least 1, default {@link
 *     Models#DEFAULT_MAX_RECIPE_COST}
 * @param blobQuota bytes and blobs one identity may keep uploaded on a node ({@link BlobQuota})
 */
public record GenesisSpec(
    String chainId,
    long timestampMillis,
    int maxTxBytes,
    int requiredAttestations,
    List<Member> administrators,
    List<Member> validators,
    SortedMap<IdentityId, Long> balances,
    long maxRecipeCost,
    BlobQuota blobQuota) {

  /** A named key. */
  public record Member(String name, PublicKey key) {
    public Member {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(key, "key");
    }
  }

  public GenesisSpec {
    Objects.requireNonNull(blobQuota, "blobQuota");
    administrators = List.copyOf(administrators);
    validators = List.copyOf(validators);
    balances = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(balances));
    if (administrators.isEmpty()) {
      throw new IllegalArgumentException("genesis must name at least one administrator");
    }
    if (validators.isEmpty()) {
      throw new IllegalArgumentException("genesis must name at least one validator");
    }
    if (requiredAttestations < 1 || requiredAttestations > validators.size()) {
      throw new IllegalArgumentException("required attestations must be between 1 and the number of validators ("
          + validators.size() + "), not " + requiredAttestations);
    }
    if (maxRecipeCost < 1) {
      throw new IllegalArgumentException("the largest recipe cost must be at least 1, not " + maxRecipeCost);
    }
    // Validates the chain id and size limit now rather than when the node first starts.
    new ChainParams(chainId, maxTxBytes, validators.stream().map(Member::key).toList());
    for (Map.Entry<IdentityId, Long> b : balances.entrySet()) {
      if (b.getValue() < 0) {
        throw new IllegalArgumentException("genesis balance of " + b.getKey() + " is negative");
      }
    }
  }

  /** A genesis with the default largest recipe cost ({@link Models#DEFAULT_MAX_RECIPE_COST}) and blob quota ({@link BlobQuota#DEFAULT}). */
  public GenesisSpec(String chainId, long timestampMillis, int maxTxBytes, int requiredAttestations, List<Member> administrators,
      List<Member> validators, SortedMap<IdentityId, Long> balances) {
    this(chainId, timestampMillis, maxTxBytes, requiredAttestations, administrators, validators, balances, Models.DEFAULT_MAX_RECIPE_COST,
        BlobQuota.DEFAULT);
  }

  /** A genesis with the default blob quota ({@link BlobQuota#DEFAULT}). */
  public GenesisSpec(String chainId, long timestampMillis, int maxTxBytes, int requiredAttestations, List<Member> administrators,
      List<Member> validators, SortedMap<IdentityId, Long> balances, long maxRecipeCost) {
    this(chainId, timestampMillis, maxTxBytes, requiredAttestations, administrators, validators, balances, maxRecipeCost, BlobQuota.DEFAULT);
  }

  /** A genesis with the default largest recipe cost ({@link Models#DEFAULT_MAX_RECIPE_COST}). */
  public GenesisSpec(String chainId, long timestampMillis, int maxTxBytes, int requiredAttestations, List<Member> administrators,
      List<Member> validators, SortedMap<IdentityId, Long> balances, BlobQuota blobQuota) {
    this(chainId, timestampMillis, maxTxBytes, requiredAttestations, administrators, validators, balances, Models.DEFAULT_MAX_RECIPE_COST, blobQuota);
  }

  /** A genesis where one matching attestation verifies a model. */
  public GenesisSpec(String chainId, long timestampMillis, int maxTxBytes, List<Member> administrators,
      List<Member> validators, SortedMap<IdentityId, Long> balances) {
    this(chainId, timestampMillis, maxTxBytes, 1, administrators, validators, balances);
  }

  /**
   * The chain parameters and the writes of block 0. The required attestations are written only when
   * not 1 (the models contract reads an absent parameter as 1), the largest recipe cost only when
   * not its default, and the blob quota only where it is not the default, so a genesis that leaves
   * them at their defaults gives the same block 0 as before
   * the parameters existed.
   *
   * @throws IllegalArgumentException if a key is named twice or credits are minted for an identity not named here
   */
  public GenesisState toState() {
    List<GenesisState.Write> writes = new ArrayList<>();
    java.util.Set<IdentityId> named = new java.util.TreeSet<>();
    for (Member m : administrators) {
      writes.add(identity(m, IdentityKind.ADMINISTRATOR, named));
    }
    for (Member m : validators) {
      writes.add(identity(m, IdentityKind.VALIDATOR, named));
    }
    for (Map.Entry<IdentityId, Long> b : balances.entrySet()) {
      if (!named.contains(b.getKey())) {
        throw new IllegalArgumentException("genesis mints credits for " + b.getKey() + ", which the genesis does not register");
      }
      writes.add(Credits.genesisBalance(b.getKey(), b.getValue()));
    }
    if (requiredAttestations != 1) {
      writes.add(Models.requiredAttestationsWrite(requiredAttestations));
    }
    if (maxRecipeCost != Models.DEFAULT_MAX_RECIPE_COST) {
      writes.add(Models.maxRecipeCostWrite(maxRecipeCost));
    }
    writes.addAll(blobQuota.genesisWrites());
    List<PublicKey> orderers = validators.stream().map(Member::key).toList();
    return new GenesisState(new ChainParams(chainId, maxTxBytes, orderers), timestampMillis, writes);
  }

  private static GenesisState.Write identity(Member m, IdentityKind kind, java.util.Set<IdentityId> named) {
    IdentityId id = m.key().id();
    if (!named.add(id)) {
      throw new IllegalArgumentException("genesis names the key of " + id + " twice");
    }
    IdentityRecord r = IdentityRecord.newBuilder()
        .setId(id.value())
        .setPublicKey(ByteString.copyFrom(m.key().encoded()))
        .setAlgorithm(m.key().algorithm() == SignatureAlgorithm.ED25519 ? KeyAlgorithm.ED25519 : KeyAlgorithm.P256)
        .setKind(kind)
        .setName(m.name())
        .setStatus(IdentityStatus.ACTIVE)
        .setRegisteredHeight(0)
        .build();
    return Identities.genesisIdentity(r);
  }
}
