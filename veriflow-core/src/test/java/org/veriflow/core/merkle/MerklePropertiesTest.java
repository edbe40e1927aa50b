package org.veriflow.core.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.testing.Bytes;
import org.veriflow.core.testing.CaseFailures;

/**
 * Exhaustive properties of {@link MerkleTree}, {@link MerkleLog} and {@link MerkleVerifier} for every
 * tree size up to {@value #MAX}: every inclusion proof and every consistency proof (all pairs
 * {@code 0 <= m <= n <= MAX}) equals the RFC's definition, verifies, and stops verifying when one bit
 * of any input hash is flipped or when an index or size is wrong. One tree of {@code MAX + 1} leaves
 * is built once, incrementally; smaller trees are its earlier sizes.
 */
class MerklePropertiesTest {
  private static final int MAX = 300;

  private static NaiveMerkle naive;
  private static MerkleTree tree;
  private static Hash[] roots;
  private static List<Hash> rootsWhileGrowing;
  /** Lengths of the RFC's PATH(i, n) and PROOF(m, n), indexed [n][i] and [n][m]. */
  private static int[][] pathLengths;
  private static int[][] proofLengths;

  @BeforeAll
  static void buildTreeOnce() {
    List<byte[]> data = new ArrayList<>();
    for (int i = 0; i <= MAX; i++) {
      data.add(("leaf " + i).getBytes(StandardCharsets.UTF_8));
    }
    naive = new NaiveMerkle(data);
    tree = new MerkleTree();
    rootsWhileGrowing = new ArrayList<>();
    rootsWhileGrowing.add(tree.root());
    for (byte[] d : data) {
      tree.append(MerkleHashes.leafHash(d));
      rootsWhileGrowing.add(tree.root());
    }
    roots = new Hash[MAX + 2];
    for (int n = 0; n <= MAX + 1; n++) {
      roots[n] = tree.root(n);
    }
    pathLengths = new int[MAX + 2][];
    proofLengths = new int[MAX + 2][];
    for (int n = 0; n <= MAX + 1; n++) {
      pathLengths[n] = new int[n];
      proofLengths[n] = new int[n + 1];
      for (int i = 0; i < n; i++) {
        pathLengths[n][i] = naive.path(i, n).size();
      }
      for (int m = 0; m <= n; m++) {
        proofLengths[n][m] = naive.proof(m, n).size();
      }
    }
  }

  @Test
  void root_everySizeUpTo300_equalsNaiveRecursiveRoot() {
    CaseFailures failures = new CaseFailures("MerkleLog.root against the RFC's recursive MTH");
    for (int n = 0; n <= MAX + 1; n++) {
      Hash expected = naive.mth(0, n);
      failures.check("size " + n, roots[n].equals(expected), "historical root " + roots[n] + ", MTH " + expected);
      failures.check("size " + n + " while growing", rootsWhileGrowing.get(n).equals(expected),
          "root at the time " + rootsWhileGrowing.get(n) + ", MTH " + expected);
    }
    assertThat(roots[0]).isEqualTo(MerkleHashes.EMPTY_ROOT);
    failures.assertNoneFailed();
  }

  @Test
  void inclusionProof_everyLeafOfEverySize_equalsRfcPathAndVerifies() {
    CaseFailures failures = new CaseFailures("inclusion proofs");
    for (int n = 1; n <= MAX; n++) {
      for (int i = 0; i < n; i++) {
        int leaf = i;
        int size = n;
        String id = "leaf " + i + " of " + n;
        List<Hash> proof = tree.inclusionProof(i, n);
        failures.check(id + " equals PATH", proof.equals(naive.path(i, n)), "proof " + proof + ", PATH " + naive.path(i, n));
        String error = failureOf(() -> MerkleVerifier.verifyInclusion(leaf, size, naive.leafHash(leaf), proof, roots[size]), null);
        failures.check(id + " verifies", error == null, error);
        String implied = failureOf(() -> {
          Hash root = MerkleVerifier.rootFromInclusionProof(leaf, size, naive.leafHash(leaf), proof);
          if (!root.equals(roots[size])) {
            throw new ProofException(ProofFailure.ROOT_MISMATCH, "implied root " + root);
          }
        }, null);
        failures.check(id + " implied root", implied == null, implied);
      }
    }
    failures.assertNoneFailed();
  }

  /**
   * A bit flipped in any proof hash or in the leaf hash changes the root the proof implies ({@link
   * MerkleVerifier#rootFromInclusionProof}, which {@code verifyInclusion} compares with the expected
   * root), and a bit flipped in the expected root makes {@code verifyInclusion} fail with
   * ROOT_MISMATCH. The implied root is compared directly, rather than through roughly 400,000
   * expected exceptions, to keep this exhaustive check fast.
   */
  @Test
  void verifyInclusion_oneBitFlippedInAnyHash_rootMismatch() throws ProofException {
    CaseFailures failures = new CaseFailures("inclusion proofs with a flipped bit");
    for (int n = 1; n <= MAX; n++) {
      Hash root = roots[n];
      for (int i = 0; i < n; i++) {
        int leaf = i;
        int size = n;
        Hash leafHash = naive.leafHash(i);
        List<Hash> proof = tree.inclusionProof(i, n);
        String id = "leaf " + i + " of " + n;
        int seed = 31 * n + 17 * i;
        for (int p = 0; p < proof.size(); p++) {
          Hash implied = MerkleVerifier.rootFromInclusionProof(leaf, size, leafHash, replace(proof, p, flip(proof.get(p), seed + p)));
          failures.check(id + " proof[" + p + "]", !implied.equals(root), "still implies the root");
        }
        Hash impliedByBadLeaf = MerkleVerifier.rootFromInclusionProof(leaf, size, flip(leafHash, seed + 101), proof);
        failures.check(id + " leaf hash", !impliedByBadLeaf.equals(root), "still implies the root");
        Hash badRoot = flip(root, seed + 202);
        String error = failureOf(() -> MerkleVerifier.verifyInclusion(leaf, size, leafHash, proof, badRoot), ProofFailure.ROOT_MISMATCH);
        failures.check(id + " root", ProofFailure.ROOT_MISMATCH.name().equals(error), "got " + error);
      }
    }
    failures.assertNoneFailed();
  }

  /**
   * A proof checked against a neighbouring index or size (with the true root of the size claimed)
   * fails with WRONG_PROOF_LENGTH when the RFC's path for the claimed position has another length,
   * else with ROOT_MISMATCH; an index outside the tree is INVALID_SIZES.
   */
  @Test
  void verifyInclusion_wrongIndexOrSize_failsWithExpectedReason() {
    CaseFailures failures = new CaseFailures("inclusion proofs at a wrong position");
    for (int n = 1; n <= MAX; n++) {
      for (int i = 0; i < n; i++) {
        List<Hash> proof = tree.inclusionProof(i, n);
        Hash leafHash = naive.leafHash(i);
        String id = "leaf " + i + " of " + n;
        int[][] claims = {{i - 1, n}, {i + 1, n}, {i, n - 1}, {i, n + 1}};
        for (int[] claim : claims) {
          int ci = claim[0];
          int cn = claim[1];
          ProofFailure expected;
          Hash root;
          if (ci < 0 || ci >= cn) {
            expected = ProofFailure.INVALID_SIZES;
            root = roots[n];
          } else {
            expected = pathLength(ci, cn) != proof.size() ? ProofFailure.WRONG_PROOF_LENGTH : ProofFailure.ROOT_MISMATCH;
            root = roots[cn];
          }
          String error = failureOf(() -> MerkleVerifier.verifyInclusion(ci, cn, leafHash, proof, root), expected);
          failures.check(id + " claimed as leaf " + ci + " of " + cn, expected.name().equals(error), "expected " + expected + ", got " + error);
        }
      }
    }
    failures.assertNoneFailed();
  }

  @Test
  void consistencyProof_everyPairUpTo300_equalsRfcProofAndVerifies() {
    CaseFailures failures = new CaseFailures("consistency proofs");
    for (int n = 0; n <= MAX; n++) {
      for (int m = 0; m <= n; m++) {
        int oldSize = m;
        int newSize = n;
        String id = m + " -> " + n;
        List<Hash> proof = tree.consistencyProof(m, n);
        List<Hash> expected = naive.proof(m, n);
        failures.check(id + " equals PROOF", proof.equals(expected), "proof " + proof + ", PROOF " + expected);
        String error = failureOf(() -> MerkleVerifier.verifyConsistency(oldSize, newSize, roots[oldSize], roots[newSize], proof), null);
        failures.check(id + " verifies", error == null, error);
      }
    }
    assertThat(failures.cases()).isEqualTo(2 * (MAX + 1) * (MAX + 2) / 2);
    failures.assertNoneFailed();
  }

  /**
   * Flipping one bit of any proof hash or of either root breaks the proof, with one exception the
   * RFC implies: from the empty tree nothing binds the new root, so for {@code 0 -> n > 0} only the
   * old root is checked (and must be the empty-tree root).
   */
  @Test
  void verifyConsistency_oneBitFlippedInAnyHash_rootMismatch() {
    CaseFailures failures = new CaseFailures("consistency proofs with a flipped bit");
    for (int n = 0; n <= MAX; n++) {
      for (int m = 0; m <= n; m++) {
        int oldSize = m;
        int newSize = n;
        Hash oldRoot = roots[m];
        Hash newRoot = roots[n];
        List<Hash> proof = tree.consistencyProof(m, n);
        String id = m + " -> " + n;
        int seed = 29 * n + 13 * m;
        for (int p = 0; p < proof.size(); p++) {
          List<Hash> bad = replace(proof, p, flip(proof.get(p), seed + p));
          String error = failureOf(() -> MerkleVerifier.verifyConsistency(oldSize, newSize, oldRoot, newRoot, bad), ProofFailure.ROOT_MISMATCH);
          failures.check(id + " proof[" + p + "]", ProofFailure.ROOT_MISMATCH.name().equals(error), "got " + error);
        }
        Hash badOld = flip(oldRoot, seed + 101);
        String oldError = failureOf(() -> MerkleVerifier.verifyConsistency(oldSize, newSize, badOld, newRoot, proof), ProofFailure.ROOT_MISMATCH);
        failures.check(id + " old root", ProofFailure.ROOT_MISMATCH.name().equals(oldError), "got " + oldError);
        Hash badNew = flip(newRoot, seed + 202);
        String newError = failureOf(() -> MerkleVerifier.verifyConsistency(oldSize, newSize, oldRoot, badNew, proof), ProofFailure.ROOT_MISMATCH);
        if (m == 0 && n > 0) {
          failures.check(id + " new root (unconstrained from the empty tree)", newError == null, "got " + newError);
        } else {
          failures.check(id + " new root", ProofFailure.ROOT_MISMATCH.name().equals(newError), "got " + newError);
        }
      }
    }
    failures.assertNoneFailed();
  }

  /**
   * A proof for {@code m -> n} (0 < m < n) checked for neighbouring sizes, with the true roots of the
   * sizes claimed, fails with WRONG_PROOF_LENGTH when the RFC's proof for the claimed sizes has
   * another length (a proof from 0 or between equal sizes is empty), else with ROOT_MISMATCH.
   */
  @Test
  void verifyConsistency_wrongSizes_failsWithExpectedReason() {
    CaseFailures failures = new CaseFailures("consistency proofs for wrong sizes");
    for (int n = 2; n <= MAX; n++) {
      for (int m = 1; m < n; m++) {
        List<Hash> proof = tree.consistencyProof(m, n);
        String id = m + " -> " + n;
        int[][] claims = {{m - 1, n}, {m + 1, n}, {m, n - 1}, {m, n + 1}};
        for (int[] claim : claims) {
          int cm = claim[0];
          int cn = claim[1];
          ProofFailure expected = proofLength(cm, cn) != proof.size() || cm == 0 || cm == cn
              ? ProofFailure.WRONG_PROOF_LENGTH
              : ProofFailure.ROOT_MISMATCH;
          Hash oldRoot = roots[cm];
          Hash newRoot = roots[cn];
          String error = failureOf(() -> MerkleVerifier.verifyConsistency(cm, cn, oldRoot, newRoot, proof), expected);
          failures.check(id + " claimed as " + cm + " -> " + cn, expected.name().equals(error), "expected " + expected + ", got " + error);
        }
      }
    }
    failures.assertNoneFailed();
  }

  @Test
  void verifyInclusion_outsideTree_invalidSizes() {
    Hash leaf = naive.leafHash(0);
    CaseFailures failures = new CaseFailures("inclusion outside the tree");
    long[][] claims = {{0, 0}, {-1, 5}, {5, 5}, {6, 5}, {Long.MIN_VALUE, 5}, {0, Long.MIN_VALUE}, {Long.MAX_VALUE, Long.MAX_VALUE}};
    for (long[] c : claims) {
      String error = failureOf(() -> MerkleVerifier.verifyInclusion(c[0], c[1], leaf, List.of(), roots[1]), ProofFailure.INVALID_SIZES);
      failures.check("leaf " + c[0] + " of " + c[1], ProofFailure.INVALID_SIZES.name().equals(error), "got " + error);
    }
    failures.assertNoneFailed();
  }

  @Test
  void verifyConsistency_oldSizeNegativeOrAboveNew_invalidSizes() {
    List<Hash> proof = tree.consistencyProof(5, 9);
    CaseFailures failures = new CaseFailures("consistency with impossible sizes");
    long[][] claims = {{9, 5}, {-1, 9}, {6, 5}, {1, 0}, {Long.MIN_VALUE, 9}, {Long.MAX_VALUE, 9}, {0, -1}};
    for (long[] c : claims) {
      String error = failureOf(() -> MerkleVerifier.verifyConsistency(c[0], c[1], roots[5], roots[9], proof), ProofFailure.INVALID_SIZES);
      failures.check(c[0] + " -> " + c[1], ProofFailure.INVALID_SIZES.name().equals(error), "got " + error);
    }
    failures.assertNoneFailed();
  }

  private static int pathLength(int leaf, int size) {
    return pathLengths[size][leaf];
  }

  private static int proofLength(int oldSize, int newSize) {
    return proofLengths[newSize][oldSize];
  }

  /** Flips one bit of {@code h}; which one depends on {@code seed} so every position gets exercised. */
  private static Hash flip(Hash h, int seed) {
    return Hash.of(Bytes.flipBit(h.bytes(), Math.floorMod(seed, 256)));
  }

  private static List<Hash> replace(List<Hash> proof, int index, Hash value) {
    List<Hash> out = new ArrayList<>(proof);
    out.set(index, value);
    return out;
  }

  @FunctionalInterface
  private interface Check {
    void run() throws ProofException;
  }

  /**
   * Runs {@code check}; null if it passed, else the {@link ProofFailure} name, with the message added
   * when it is not the {@code expected} one, or the unexpected exception.
   */
  private static String failureOf(Check check, ProofFailure expected) {
    try {
      check.run();
      return null;
    } catch (ProofException e) {
      return e.failure() == expected ? e.failure().name() : e.failure() + " (" + e.getMessage() + ")";
    } catch (RuntimeException e) {
      return "threw " + e;
    }
  }
}
