package org.veriflow.core.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.testing.CaseFailures;
import org.veriflow.core.testing.Vectors;

/**
 * The RFC 6962 vectors of transparency-dev/merkle (every inclusion and consistency case) and the
 * roots of the tree over the first N of 8 fixed leaves, N = 0..8.
 *
 * <p>Two strictness choices of that library, and what Veriflow does:
 *
 * <ul>
 *   <li><b>Empty or short hashes are rejected.</b> Veriflow agrees, by construction: proofs, leaves
 *       and roots are {@link Hash} values of exactly 32 bytes, so a case whose JSON holds a hash of
 *       another length is rejected when it is parsed, before any proof arithmetic. This overrides
 *       {@code wantErr: false} in exactly one case, {@code
 *       consistency/additional/sizes-are-equal-one-and-proof-is-empty.json}, whose two equal roots
 *       are the 12-byte text "don't care 2": not a SHA-256 digest, so not a root.
 *   <li><b>A consistency proof between two empty trees.</b> Veriflow does not treat it as an error:
 *       the empty tree is consistent with itself when both roots are the empty-tree root
 *       SHA-256("") and the proof is empty; any other root for size 0 is a {@link
 *       ProofFailure#ROOT_MISMATCH}. The library's case for it ({@code
 *       sizes-are-equal-zero-and-proof-is-empty.json}) uses 12-byte roots and is rejected at parse
 *       time; {@link #verifyConsistency_betweenEmptyTrees_validOnlyWithEmptyRoots} pins the rule.
 * </ul>
 */
class Rfc6962VectorTest {
  private static final int INCLUSION_CASES = 98;
  private static final int CONSISTENCY_CASES = 98;
  private static final Set<String> REJECTED_DESPITE_WANT_ERR_FALSE =
      Set.of("rfc6962/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json");

  @Test
  void root_firstNOfRootsJsonLeaves_matchesPublishedRoot() {
    JsonNode file = Vectors.json("rfc6962/roots.json");
    List<Hash> leafHashes = new ArrayList<>();
    for (JsonNode leaf : file.get("leaves")) {
      leafHashes.add(MerkleHashes.leafHash(Hex.decode(leaf.asText())));
    }
    MerkleTree tree = MerkleTree.ofLeafHashes(leafHashes);
    CaseFailures failures = new CaseFailures("rfc6962/roots.json");
    for (int n = 0; n <= leafHashes.size(); n++) {
      Hash expected = Hash.fromHex(file.get("roots").get(Integer.toString(n)).asText());
      Hash actual = tree.root(n);
      failures.check("N=" + n, actual.equals(expected), "root " + actual + ", expected " + expected);
    }
    assertThat(failures.cases()).isEqualTo(9);
    failures.assertNoneFailed();
  }

  @Test
  void verifyInclusion_everyVectorCase_matchesWantErr() {
    List<String> files = Vectors.jsonFilesUnder("rfc6962/inclusion");
    CaseFailures failures = new CaseFailures("rfc6962/inclusion");
    Set<String> overridden = new TreeSet<>();
    for (String name : files) {
      JsonNode c = Vectors.json(name);
      boolean wantErr = c.get("wantErr").asBoolean();
      Outcome outcome;
      try {
        Hash root = hash(c.get("root"));
        Hash leaf = hash(c.get("leafHash"));
        List<Hash> proof = hashes(c.get("proof"));
        outcome = Outcome.of(() -> MerkleVerifier.verifyInclusion(c.get("leafIdx").asLong(), c.get("treeSize").asLong(), leaf, proof, root));
      } catch (IllegalArgumentException e) {
        outcome = Outcome.rejectedAtParse(e);
      }
      record(failures, overridden, name, wantErr, outcome);
    }
    assertThat(failures.cases()).as("inclusion cases").isEqualTo(INCLUSION_CASES);
    assertThat(overridden).as("cases rejected at parse despite wantErr false").isEmpty();
    failures.assertNoneFailed();
  }

  @Test
  void verifyConsistency_everyVectorCase_matchesWantErr() {
    List<String> files = Vectors.jsonFilesUnder("rfc6962/consistency");
    CaseFailures failures = new CaseFailures("rfc6962/consistency");
    Set<String> overridden = new TreeSet<>();
    for (String name : files) {
      JsonNode c = Vectors.json(name);
      boolean wantErr = c.get("wantErr").asBoolean();
      Outcome outcome;
      try {
        Hash root1 = hash(c.get("root1"));
        Hash root2 = hash(c.get("root2"));
        List<Hash> proof = hashes(c.get("proof"));
        outcome = Outcome.of(() -> MerkleVerifier.verifyConsistency(c.get("size1").asLong(), c.get("size2").asLong(), root1, root2, proof));
      } catch (IllegalArgumentException e) {
        outcome = Outcome.rejectedAtParse(e);
      }
      record(failures, overridden, name, wantErr, outcome);
    }
    assertThat(failures.cases()).as("consistency cases").isEqualTo(CONSISTENCY_CASES);
    assertThat(overridden).as("cases rejected at parse despite wantErr false").isEqualTo(REJECTED_DESPITE_WANT_ERR_FALSE);
    failures.assertNoneFailed();
  }

  @Test
  void verifyConsistency_betweenEmptyTrees_validOnlyWithEmptyRoots() throws ProofException {
    Hash empty = MerkleHashes.EMPTY_ROOT;
    assertThat(empty.hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    MerkleVerifier.verifyConsistency(0, 0, empty, empty, List.of());

    Hash other = Hash.sha256(new byte[] {1});
    assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(0, 0, other, other, List.of()))
        .isInstanceOfSatisfying(ProofException.class, e -> assertThat(e.failure()).isEqualTo(ProofFailure.ROOT_MISMATCH));
    assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(0, 0, empty, other, List.of()))
        .isInstanceOfSatisfying(ProofException.class, e -> assertThat(e.failure()).isEqualTo(ProofFailure.ROOT_MISMATCH));
    assertThatThrownBy(() -> MerkleVerifier.verifyConsistency(0, 0, empty, empty, List.of(empty)))
        .isInstanceOfSatisfying(ProofException.class, e -> assertThat(e.failure()).isEqualTo(ProofFailure.WRONG_PROOF_LENGTH));
  }

  private static void record(CaseFailures failures, Set<String> overridden, String name, boolean wantErr, Outcome outcome) {
    if (outcome.unexpected != null) {
      failures.failed(name, "threw " + outcome.unexpected);
      return;
    }
    boolean rejected = outcome.parseError != null || outcome.proofError != null;
    if (!wantErr && outcome.parseError != null) {
      overridden.add(name);
      failures.check(name, REJECTED_DESPITE_WANT_ERR_FALSE.contains(name), "wantErr false but rejected at parse: " + outcome.parseError.getMessage());
      return;
    }
    failures.check(name, rejected == wantErr, wantErr ? "accepted, but wantErr is true" : "rejected: " + outcome.proofError);
  }

  /** Base64 to {@link Hash}; a value of another length than 32 bytes is refused by {@link Hash#of}. */
  private static Hash hash(JsonNode base64) {
    return Hash.of(Base64.getDecoder().decode(base64.asText()));
  }

  private static List<Hash> hashes(JsonNode array) {
    List<Hash> out = new ArrayList<>();
    if (array != null && !array.isNull()) {
      for (JsonNode h : array) {
        out.add(hash(h));
      }
    }
    return out;
  }

  @FunctionalInterface
  private interface Check {
    void run() throws ProofException;
  }

  private static final class Outcome {
    IllegalArgumentException parseError;
    ProofException proofError;
    RuntimeException unexpected;

    static Outcome of(Check check) {
      Outcome o = new Outcome();
      try {
        check.run();
      } catch (ProofException e) {
        o.proofError = e;
      } catch (RuntimeException e) {
        o.unexpected = e;
      }
      return o;
    }

    static Outcome rejectedAtParse(IllegalArgumentException e) {
      Outcome o = new Outcome();
      o.parseError = e;
      return o;
    }
  }
}
