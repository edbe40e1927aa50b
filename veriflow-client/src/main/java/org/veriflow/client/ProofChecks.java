package org.veriflow.client;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Base64;
import java.util.List;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.crypto.PublicKey;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SignatureCheck;
import org.veriflow.core.merkle.MerkleHashes;
import org.veriflow.core.merkle.MerkleVerifier;
import org.veriflow.core.merkle.ProofException;
import org.veriflow.core.merkle.ProofFailure;
import org.veriflow.protocol.proto.BlockHeader;

/**
 * Offline checks of what a node returns: a block header against its hash and orderer signatures, a
 * transaction's inclusion proof against a header's log root, and consistency between two headers.
 * Every method returns the checked header or throws {@link ProofException}; none returns a boolean.
 */
public final class ProofChecks {
  private ProofChecks() {}

  /**
   * Decodes a block's header bytes (as hashed and signed) and checks that they hash to the block's
   * hash and carry a valid signature by one of {@code orderers}.
   */
  public static BlockHeader checkBlock(Responses.BlockInfo block, List<Responses.Orderer> orderers) throws ProofException {
    byte[] headerBytes = Base64.getDecoder().decode(block.headerBase64());
    if (!Hash.sha256(headerBytes).hex().equals(block.hash())) {
      throw new ProofException(ProofFailure.BLOCK_HASH_MISMATCH, "block " + block.height() + ": header bytes do not hash to the block hash");
    }
    BlockHeader header;
    try {
      header = BlockHeader.parseFrom(headerBytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ProofException(ProofFailure.MALFORMED_BLOCK_HEADER, "block " + block.height() + ": header does not decode");
    }
    if (header.getHeight() != block.height()) {
      throw new ProofException(ProofFailure.BLOCK_HEIGHT_MISMATCH, "block " + block.height() + ": its signed header says height " + header.getHeight());
    }
    if (header.getHeight() == 0) {
      // Genesis carries no signature: it is trusted by its hash, which every node derives from the genesis file.
      return header;
    }
    boolean signed = false;
    for (Responses.BlockSignature s : block.signatures()) {
      if (orderers.stream().noneMatch(o -> o.publicKeyHex().equals(s.publicKeyHex()))) {
        continue;
      }
      PublicKey key = PublicKey.decode(SignatureAlgorithm.valueOf(s.algorithm()), Hex.decode(s.publicKeyHex()));
      SignatureCheck check = key.verify(headerBytes, Hex.decode(s.signatureHex()));
      if (!check.isValid()) {
        throw new ProofException(ProofFailure.BLOCK_SIGNATURE_INVALID, "block " + block.height() + ": orderer signature fails (" + check + ")");
      }
      signed = true;
    }
    if (!signed) {
      throw new ProofException(ProofFailure.NO_ORDERER_SIGNATURE, "block " + block.height() + " carries no signature by an orderer of the chain");
    }
    return header;
  }

  /**
   * Checks that transaction {@code txId} is leaf {@code proof.leafIndex()} of the log whose size and
   * root {@code header} records.
   */
  public static void checkInclusion(String txId, Responses.InclusionProof proof, BlockHeader header) throws ProofException {
    if (header.getLogSize() != proof.logSize()) {
      throw new ProofException(ProofFailure.LOG_SIZE_MISMATCH,
          "proof is for log size " + proof.logSize() + " but the header records " + header.getLogSize());
    }
    MerkleVerifier.verifyInclusion(proof.leafIndex(), proof.logSize(), MerkleHashes.leafHash(Hash.fromHex(txId).bytes()),
        hashes(proof.hashes()), Hash.of(header.getLogRoot().toByteArray()));
  }

  /** Checks that the log recorded by {@code newer} extends the log recorded by {@code older}. */
  public static void checkConsistency(Responses.ConsistencyProof proof, BlockHeader older, BlockHeader newer) throws ProofException {
    if (older.getLogSize() != proof.from() || newer.getLogSize() != proof.to()) {
      throw new ProofException(ProofFailure.LOG_SIZE_MISMATCH, "proof sizes " + proof.from() + ".." + proof.to()
          + " do not match the headers' log sizes " + older.getLogSize() + ".." + newer.getLogSize());
    }
    MerkleVerifier.verifyConsistency(proof.from(), proof.to(), Hash.of(older.getLogRoot().toByteArray()),
        Hash.of(newer.getLogRoot().toByteArray()), hashes(proof.hashes()));
  }

  private static List<Hash> hashes(List<String> hex) {
    return hex.stream().map(Hash::fromHex).toList();
  }
}
