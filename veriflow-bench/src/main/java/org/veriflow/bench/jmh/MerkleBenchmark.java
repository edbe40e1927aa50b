package org.veriflow.bench.jmh;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.veriflow.core.crypto.Hash;
import org.veriflow.core.merkle.MerkleHashes;
import org.veriflow.core.merkle.MerkleTree;
import org.veriflow.core.merkle.MerkleVerifier;
import org.veriflow.core.merkle.ProofException;

/**
 * The RFC 6962 tree: appending to the in-memory {@link MerkleTree}, and generating and verifying
 * inclusion and consistency proofs against a tree of {@value #TREE_SIZE} leaves built once per fork.
 * Proof targets (leaf indexes, old sizes) are drawn from a fixed-seed generator and cycled, so every
 * run measures the same mix of positions.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MerkleBenchmark {
  static final int TREE_SIZE = 1_000_000;
  private static final int TARGETS = 4096;

  /** Leaf hashes to append, cycled; what is appended does not change the cost. */
  @State(Scope.Thread)
  public static class Growing {
    final Hash[] leaves = leafHashes(TARGETS, 1);
    MerkleTree tree;
    int next;

    /** A fresh tree per iteration keeps memory bounded; appends cost amortised O(1) at any size. */
    @Setup(Level.Iteration)
    public void newTree() {
      tree = new MerkleTree();
      next = 0;
    }
  }

  /** One tree of {@value #TREE_SIZE} leaves and, for it, {@value #TARGETS} proofs of each kind. */
  @State(Scope.Benchmark)
  public static class Big {
    MerkleTree tree;
    Hash root;
    InclusionCase[] inclusions;
    ConsistencyCase[] consistencies;

    @Setup(Level.Trial)
    public void build() {
      Hash[] leaves = leafHashes(TREE_SIZE, 2);
      tree = MerkleTree.ofLeafHashes(List.of(leaves));
      root = tree.root();
      SplittableRandom random = new SplittableRandom(3);
      inclusions = new InclusionCase[TARGETS];
      consistencies = new ConsistencyCase[TARGETS];
      for (int i = 0; i < TARGETS; i++) {
        int leaf = random.nextInt(TREE_SIZE);
        inclusions[i] = new InclusionCase(leaf, leaves[leaf], tree.inclusionProof(leaf, TREE_SIZE));
        long oldSize = 1 + random.nextInt(TREE_SIZE - 1);
        consistencies[i] = new ConsistencyCase(oldSize, tree.root(oldSize), tree.consistencyProof(oldSize, TREE_SIZE));
      }
    }
  }

  /** A leaf, its position and its inclusion proof in the big tree. */
  public record InclusionCase(long leafIndex, Hash leafHash, List<Hash> proof) {}

  /** An older size, its root and the consistency proof from it to the big tree. */
  public record ConsistencyCase(long oldSize, Hash oldRoot, List<Hash> proof) {}

  /** Per-thread position in the target arrays. */
  @State(Scope.Thread)
  public static class Cursor {
    int i;

    int next() {
      i = (i + 1) & (TARGETS - 1);
      return i;
    }
  }

  @Benchmark
  public long append(Growing g) {
    g.tree.append(g.leaves[g.next]);
    g.next = (g.next + 1) & (TARGETS - 1);
    return g.tree.size();
  }

  @Benchmark
  public List<Hash> inclusionProofGenerate(Big big, Cursor c) {
    return big.tree.inclusionProof(big.inclusions[c.next()].leafIndex(), TREE_SIZE);
  }

  @Benchmark
  public InclusionCase inclusionProofVerify(Big big, Cursor c) throws ProofException {
    InclusionCase k = big.inclusions[c.next()];
    MerkleVerifier.verifyInclusion(k.leafIndex(), TREE_SIZE, k.leafHash(), k.proof(), big.root);
    return k;
  }

  @Benchmark
  public List<Hash> consistencyProofGenerate(Big big, Cursor c) {
    return big.tree.consistencyProof(big.consistencies[c.next()].oldSize(), TREE_SIZE);
  }

  @Benchmark
  public ConsistencyCase consistencyProofVerify(Big big, Cursor c) throws ProofException {
    ConsistencyCase k = big.consistencies[c.next()];
    MerkleVerifier.verifyConsistency(k.oldSize(), TREE_SIZE, k.oldRoot(), big.root, k.proof());
    return k;
  }

  static Hash[] leafHashes(int count, long seed) {
    Hash[] out = new Hash[count];
    ByteBuffer data = ByteBuffer.allocate(16);
    for (int i = 0; i < count; i++) {
      data.clear();
      data.putLong(seed).putLong(i);
      out[i] = MerkleHashes.leafHash(data.array());
    }
    return out;
  }
}
