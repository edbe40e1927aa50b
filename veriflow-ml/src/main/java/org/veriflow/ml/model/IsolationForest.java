package org.veriflow.ml.model;

import java.util.ArrayList;
import java.util.List;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.io.CanonicalInput;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.io.MalformedModelException;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Isolation forest (Liu, Ting and Zhou, 2008) for anomaly detection.
 *
 * <p>Each tree is grown on {@code min(sampleSize, n)} rows drawn without replacement, to a height of
 * at most {@code ceil(log2(sample))}. A node splits on a feature drawn uniformly among those that are
 * not constant in the node, at a value {@code p} uniform in [min, max); rows with {@code x <= p} go
 * left. The anomaly score of a row is {@code 2^(-E[h] / c(sample))}, where {@code h} is the path
 * length plus {@code c(leaf size)}, {@code c(m) = 2 H(m - 1) - 2 (m - 1) / m}, {@code H(i) = ln i +
 * 0.5772156649015329}; scores near 1 are anomalies, below 0.5 normal.
 *
 * <p>Determinism: a master stream {@code Xoshiro256StarStar.forStream(seed, 5)} draws one seed per
 * tree in tree order; tree {@code t} uses {@code Xoshiro256StarStar.create(treeSeed[t])}, so trees can
 * be grown in parallel. Path lengths are summed in tree order.
 *
 * <p>Immutable and thread-safe.
 */
public final class IsolationForest implements Model {

    static final long FOREST_STREAM = 5;
    private static final double EULER_GAMMA = 0.5772156649015329;

    /**
     * @param trees      number of trees, at least 1
     * @param sampleSize rows per tree, at least 2
     * @param threshold  score at or above which a row is an anomaly, in (0, 1)
     * @param seed       seed of the random stream
     */
    public record Config(int trees, int sampleSize, double threshold, long seed) {
        /**
         * @throws IllegalArgumentException if a value is out of range
         */
        public Config {
            if (trees < 1) {
                throw new IllegalArgumentException("an isolation forest needs at least one tree, not " + trees);
            }
            if (sampleSize < 2) {
                throw new IllegalArgumentException("isolation forest sampleSize must be at least 2, not " + sampleSize);
            }
            if (!(threshold > 0.0 && threshold < 1.0)) {
                throw new IllegalArgumentException("isolation forest threshold must be in (0, 1), not " + threshold);
            }
        }
    }

    /** A tree in pre-order; {@code feature[i] < 0} marks a leaf holding {@code size[i]} rows. */
    private record Tree(int[] feature, double[] split, int[] left, int[] right, int[] size) {
    }

    private final List<String> features;
    private final int sample;
    private final double threshold;
    private final List<Tree> trees;

    private IsolationForest(List<String> features, int sample, double threshold, List<Tree> trees) {
        this.features = List.copyOf(features);
        this.sample = sample;
        this.threshold = threshold;
        this.trees = List.copyOf(trees);
    }

    /**
     * Grows the forest on the rows of {@code table}.
     *
     * @throws IllegalArgumentException if the table has fewer than two rows or a feature is missing
     */
    public static IsolationForest fit(Table table, List<String> features, Config config, Parallelism parallelism) {
        Matrix x = Inputs.features(table, features, "training");
        int n = x.rows();
        if (n < 2) {
            throw new IllegalArgumentException("an isolation forest needs at least two rows, got " + n);
        }
        int sample = Math.min(config.sampleSize(), n);
        int maxHeight = 32 - Integer.numberOfLeadingZeros(sample - 1);
        Xoshiro256StarStar master = Xoshiro256StarStar.forStream(config.seed(), FOREST_STREAM);
        long[] seeds = new long[config.trees()];
        for (int t = 0; t < seeds.length; t++) {
            seeds[t] = master.nextLong();
        }
        Tree[] grown = new Tree[config.trees()];
        parallelism.forEachChunk(config.trees(), t -> grown[t] = grow(x, sample, maxHeight,
                Xoshiro256StarStar.create(seeds[t])));
        return new IsolationForest(features, sample, config.threshold(), List.of(grown));
    }

    private static Tree grow(Matrix x, int sample, int maxHeight, Xoshiro256StarStar random) {
        int n = x.rows();
        int[] pool = new int[n];
        for (int i = 0; i < n; i++) {
            pool[i] = i;
        }
        for (int i = 0; i < sample; i++) {
            int j = i + random.nextInt(n - i);
            int tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
        }
        int[] rows = java.util.Arrays.copyOf(pool, sample);
        Builder b = new Builder();
        b.node(x, rows, 0, rows.length, 0, maxHeight, random);
        return b.build();
    }

    private static final class Builder {
        private final List<int[]> ints = new ArrayList<>();
        private final List<Double> splits = new ArrayList<>();

        /** Builds the node for rows[from, to) and returns its index. */
        int node(Matrix x, int[] rows, int from, int to, int depth, int maxHeight, Xoshiro256StarStar random) {
            int index = ints.size();
            int count = to - from;
            ints.add(new int[] {-1, -1, -1, count});
            splits.add(0.0);
            if (depth >= maxHeight || count <= 1) {
                return index;
            }
            int d = x.cols();
            double[] min = new double[d];
            double[] max = new double[d];
            java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
            for (int i = from; i < to; i++) {
                double[] r = x.row(rows[i]);
                for (int j = 0; j < d; j++) {
                    min[j] = Math.min(min[j], r[j]);
                    max[j] = Math.max(max[j], r[j]);
                }
            }
            int[] candidates = new int[d];
            int c = 0;
            for (int j = 0; j < d; j++) {
                if (min[j] < max[j]) {
                    candidates[c++] = j;
                }
            }
            if (c == 0) {
                return index;
            }
            int feature = candidates[random.nextInt(c)];
            double split = random.nextDouble(min[feature], max[feature]);
            if (!(split < max[feature])) {
                split = min[feature];
            }
            int mid = from;
            for (int i = from; i < to; i++) {
                if (x.get(rows[i], feature) <= split) {
                    int tmp = rows[mid];
                    rows[mid] = rows[i];
                    rows[i] = tmp;
                    mid++;
                }
            }
            int left = node(x, rows, from, mid, depth + 1, maxHeight, random);
            int right = node(x, rows, mid, to, depth + 1, maxHeight, random);
            ints.set(index, new int[] {feature, left, right, count});
            splits.set(index, split);
            return index;
        }

        Tree build() {
            int m = ints.size();
            int[] feature = new int[m];
            double[] split = new double[m];
            int[] left = new int[m];
            int[] right = new int[m];
            int[] size = new int[m];
            for (int i = 0; i < m; i++) {
                int[] v = ints.get(i);
                feature[i] = v[0];
                left[i] = v[1];
                right[i] = v[2];
                size[i] = v[3];
                split[i] = splits.get(i);
            }
            return new Tree(feature, split, left, right, size);
        }
    }

    /** Average path length of an unsuccessful search in a binary search tree of {@code m} keys. */
    static double averagePathLength(int m) {
        if (m <= 1) {
            return 0.0;
        }
        if (m == 2) {
            return 1.0;
        }
        return 2.0 * (StrictMath.log(m - 1.0) + EULER_GAMMA) - 2.0 * (m - 1.0) / m;
    }

    private static double pathLength(Tree tree, double[] row) {
        int node = 0;
        int depth = 0;
        while (tree.feature[node] >= 0) {
            node = row[tree.feature[node]] <= tree.split[node] ? tree.left[node] : tree.right[node];
            depth++;
        }
        return depth + averagePathLength(tree.size[node]);
    }

    @Override
    public Algorithm algorithm() {
        return Algorithm.ISOLATION_FOREST;
    }

    @Override
    public List<String> featureNames() {
        return features;
    }

    /** Number of trees. */
    public int treeCount() {
        return trees.size();
    }

    /** The score threshold of {@link #predict}. */
    public double threshold() {
        return threshold;
    }

    /**
     * Anomaly scores in (0, 1] for every row of {@code x}.
     *
     * @throws IllegalArgumentException if the width is wrong or a value is not finite
     */
    public double[] score(Matrix x) {
        Inputs.requireRows(x, features.size());
        double normaliser = averagePathLength(sample);
        double[] scores = new double[x.rows()];
        for (int i = 0; i < x.rows(); i++) {
            double total = 0.0;
            for (Tree t : trees) {
                total += pathLength(t, x.row(i));
            }
            scores[i] = StrictMath.pow(2.0, -(total / trees.size()) / normaliser);
        }
        return scores;
    }

    /** Anomaly scores for the rows of {@code table}, reading the features by name. */
    public double[] score(Table table) {
        return score(Inputs.features(table, features, "scoring"));
    }

    /** True for every row whose score is at least {@link #threshold()}. */
    public boolean[] predict(Matrix x) {
        double[] s = score(x);
        boolean[] out = new boolean[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i] >= threshold;
        }
        return out;
    }

    void writeBody(CanonicalOutput out) {
        Inputs.writeStrings(out, features);
        out.writeInt(sample).writeDouble(threshold).writeInt(trees.size());
        for (Tree t : trees) {
            out.writeInt(t.feature.length);
            for (int i = 0; i < t.feature.length; i++) {
                out.writeInt(t.feature[i]).writeDouble(t.split[i]).writeInt(t.left[i]).writeInt(t.right[i])
                        .writeInt(t.size[i]);
            }
        }
    }

    static IsolationForest readBody(CanonicalInput in) {
        List<String> features = Inputs.readStrings(in, "feature name");
        int sample = in.readInt("sample size", 2, Integer.MAX_VALUE);
        double threshold = in.readDouble("threshold");
        if (!(threshold > 0.0 && threshold < 1.0)) {
            throw new MalformedModelException("threshold " + threshold + " is not in (0, 1)");
        }
        int count = in.readInt("tree count", 1, 1 << 20);
        List<Tree> trees = new ArrayList<>(count);
        for (int t = 0; t < count; t++) {
            int m = in.readInt("node count", 1, 1 << 26);
            int[] feature = new int[m];
            double[] split = new double[m];
            int[] left = new int[m];
            int[] right = new int[m];
            int[] size = new int[m];
            for (int i = 0; i < m; i++) {
                feature[i] = in.readInt("node feature", -1, features.size() - 1);
                split[i] = in.readDouble("node split");
                left[i] = in.readInt("node left child", -1, m - 1);
                right[i] = in.readInt("node right child", -1, m - 1);
                size[i] = in.readInt("node size", 0, sample);
                boolean leaf = feature[i] < 0;
                if (leaf != (left[i] < 0) || leaf != (right[i] < 0)
                        || (!leaf && (left[i] <= i || right[i] <= i))) {
                    throw new MalformedModelException("tree " + t + ", node " + i + " has invalid children");
                }
            }
            trees.add(new Tree(feature, split, left, right, size));
        }
        return new IsolationForest(features, sample, threshold, trees);
    }
}
