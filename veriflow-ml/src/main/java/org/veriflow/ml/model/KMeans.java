package org.veriflow.ml.model;

import java.util.List;
import org.veriflow.ml.data.Standardizer;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.io.CanonicalInput;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.io.MalformedModelException;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * k-means clustering: k-means++ seeding, then Lloyd iterations, repeated {@code initializations} times
 * keeping the lowest inertia (the earliest on ties).
 *
 * <p>Determinism: rows are processed in fixed chunks of {@value #ROWS_PER_CHUNK}; per-chunk sums
 * (cluster sums, counts, inertia, seeding weights) are combined in chunk order. A row joins the
 * nearest centre, the lowest index on ties. An empty cluster takes the row farthest from its centre
 * (the lowest index on ties). Iteration stops when no assignment changes, when every centre moves by
 * at most {@code tolerance} (Euclidean, in the clustering space), or after {@code maxIterations}. All
 * random draws come from {@code Xoshiro256StarStar.forStream(seed, 4)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class KMeans implements Model {

    static final int ROWS_PER_CHUNK = 1024;
    static final long KMEANS_STREAM = 4;

    /**
     * @param clusters        number of clusters k, at least 1
     * @param maxIterations   Lloyd iterations per initialisation, at least 1
     * @param tolerance       centre movement below which iteration stops, at least 0
     * @param initializations independent k-means++ starts, at least 1
     * @param standardize     cluster standardised features (statistics of the training set) instead of
     *                        raw ones
     * @param seed            seed of the random stream
     */
    public record Config(int clusters, int maxIterations, double tolerance, int initializations, boolean standardize,
            long seed) {
        /**
         * @throws IllegalArgumentException if a count is below 1 or the tolerance is negative
         */
        public Config {
            if (clusters < 1) {
                throw new IllegalArgumentException("k-means needs at least one cluster, not " + clusters);
            }
            if (maxIterations < 1) {
                throw new IllegalArgumentException("k-means maxIterations must be at least 1, not " + maxIterations);
            }
            if (initializations < 1) {
                throw new IllegalArgumentException(
                        "k-means initializations must be at least 1, not " + initializations);
            }
            if (!(tolerance >= 0.0) || !Double.isFinite(tolerance)) {
                throw new IllegalArgumentException("k-means tolerance must be finite and >= 0, not " + tolerance);
            }
        }
    }

    private final List<String> features;
    private final Standardizer scaler;
    private final Matrix centres;
    private final double inertia;
    private final int iterations;

    KMeans(List<String> features, Standardizer scaler, Matrix centres, double inertia, int iterations) {
        if (scaler.features() != features.size() || centres.cols() != features.size() || centres.rows() < 1) {
            throw new IllegalArgumentException("k-means parts disagree: " + features.size() + " features, scaler of "
                    + scaler.features() + ", centres " + centres.shape());
        }
        if (!(inertia >= 0.0) || !Double.isFinite(inertia) || iterations < 0) {
            throw new IllegalArgumentException("k-means inertia " + inertia + " or iterations " + iterations
                    + " invalid");
        }
        this.features = List.copyOf(features);
        this.scaler = scaler;
        this.centres = centres.copy();
        this.inertia = inertia;
        this.iterations = iterations;
    }

    /**
     * Clusters the rows of {@code table}.
     *
     * @throws IllegalArgumentException if the table is empty, a feature is missing, or there are fewer
     *     rows than clusters
     */
    public static KMeans fit(Table table, List<String> features, Config config, Parallelism parallelism) {
        Matrix raw = Inputs.features(table, features, "training");
        int n = raw.rows();
        int k = config.clusters();
        if (n < k) {
            throw new IllegalArgumentException("k-means with " + k + " clusters needs at least " + k + " rows, got " + n);
        }
        Standardizer scaler = config.standardize() ? Standardizer.fit(raw) : Standardizer.identity(features.size());
        Matrix x = scaler.transform(raw);
        Xoshiro256StarStar random = Xoshiro256StarStar.forStream(config.seed(), KMEANS_STREAM);
        Matrix bestCentres = null;
        double bestInertia = Double.POSITIVE_INFINITY;
        int bestIterations = 0;
        for (int start = 0; start < config.initializations(); start++) {
            Matrix c = seed(x, k, random, parallelism);
            int[] assignment = new int[n];
            java.util.Arrays.fill(assignment, -1);
            int iteration = 0;
            while (iteration < config.maxIterations()) {
                iteration++;
                Step step = assign(x, c, assignment, parallelism);
                Matrix next = recentre(x, c, assignment, step, parallelism);
                double maxShift = 0.0;
                for (int j = 0; j < k; j++) {
                    maxShift = Math.max(maxShift, Math.sqrt(squaredDistance(c.row(j), next.row(j))));
                }
                c = next;
                if (step.changed == 0 || maxShift <= config.tolerance()) {
                    break;
                }
            }
            double finalInertia = assign(x, c, assignment, parallelism).inertia;
            if (finalInertia < bestInertia) {
                bestInertia = finalInertia;
                bestCentres = c;
                bestIterations = iteration;
            }
        }
        return new KMeans(features, scaler, bestCentres, bestInertia, bestIterations);
    }

    private static Matrix seed(Matrix x, int k, Xoshiro256StarStar random, Parallelism parallelism) {
        int n = x.rows();
        int d = x.cols();
        Matrix c = Matrix.zeros(k, d);
        System.arraycopy(x.row(random.nextInt(n)), 0, c.row(0), 0, d);
        double[] nearest = new double[n];
        java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        int chunks = chunks(n);
        double[] chunkSums = new double[chunks];
        for (int j = 1; j < k; j++) {
            double[] latest = c.row(j - 1);
            parallelism.forEachChunk(chunks, ch -> {
                double sum = 0.0;
                for (int i = ch * ROWS_PER_CHUNK; i < Math.min(n, (ch + 1) * ROWS_PER_CHUNK); i++) {
                    nearest[i] = Math.min(nearest[i], squaredDistance(x.row(i), latest));
                    sum += nearest[i];
                }
                chunkSums[ch] = sum;
            });
            double total = 0.0;
            for (double s : chunkSums) {
                total += s;
            }
            int pick;
            if (total > 0.0) {
                double target = random.nextDouble() * total;
                pick = -1;
                double running = 0.0;
                for (int ch = 0; ch < chunks && pick < 0; ch++) {
                    if (running + chunkSums[ch] <= target) {
                        running += chunkSums[ch];
                        continue;
                    }
                    for (int i = ch * ROWS_PER_CHUNK; i < Math.min(n, (ch + 1) * ROWS_PER_CHUNK); i++) {
                        running += nearest[i];
                        if (running > target && nearest[i] > 0.0) {
                            pick = i;
                            break;
                        }
                    }
                }
                if (pick < 0) {
                    pick = lastPositive(nearest);
                }
            } else {
                pick = random.nextInt(n);
            }
            System.arraycopy(x.row(pick), 0, c.row(j), 0, d);
        }
        return c;
    }

    private static int lastPositive(double[] weights) {
        for (int i = weights.length - 1; i >= 0; i--) {
            if (weights[i] > 0.0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private record Step(long changed, double inertia) {
    }

    private static Step assign(Matrix x, Matrix c, int[] assignment, Parallelism parallelism) {
        int n = x.rows();
        int chunks = chunks(n);
        long[] changed = new long[chunks];
        double[] inertia = new double[chunks];
        parallelism.forEachChunk(chunks, ch -> {
            long moved = 0;
            double sum = 0.0;
            for (int i = ch * ROWS_PER_CHUNK; i < Math.min(n, (ch + 1) * ROWS_PER_CHUNK); i++) {
                int best = 0;
                double bestDistance = squaredDistance(x.row(i), c.row(0));
                for (int j = 1; j < c.rows(); j++) {
                    double dj = squaredDistance(x.row(i), c.row(j));
                    if (dj < bestDistance) {
                        bestDistance = dj;
                        best = j;
                    }
                }
                if (assignment[i] != best) {
                    moved++;
                    assignment[i] = best;
                }
                sum += bestDistance;
            }
            changed[ch] = moved;
            inertia[ch] = sum;
        });
        long totalChanged = 0;
        double totalInertia = 0.0;
        for (int ch = 0; ch < chunks; ch++) {
            totalChanged += changed[ch];
            totalInertia += inertia[ch];
        }
        return new Step(totalChanged, totalInertia);
    }

    private static Matrix recentre(Matrix x, Matrix c, int[] assignment, Step step, Parallelism parallelism) {
        int n = x.rows();
        int k = c.rows();
        int d = x.cols();
        int chunks = chunks(n);
        double[][][] sums = new double[chunks][k][d];
        long[][] counts = new long[chunks][k];
        parallelism.forEachChunk(chunks, ch -> {
            for (int i = ch * ROWS_PER_CHUNK; i < Math.min(n, (ch + 1) * ROWS_PER_CHUNK); i++) {
                double[] s = sums[ch][assignment[i]];
                double[] r = x.row(i);
                for (int j = 0; j < d; j++) {
                    s[j] = s[j] + r[j];
                }
                counts[ch][assignment[i]]++;
            }
        });
        Matrix next = Matrix.zeros(k, d);
        long[] total = new long[k];
        for (int ch = 0; ch < chunks; ch++) {
            for (int j = 0; j < k; j++) {
                double[] s = sums[ch][j];
                double[] t = next.row(j);
                for (int m = 0; m < d; m++) {
                    t[m] = t[m] + s[m];
                }
                total[j] += counts[ch][j];
            }
        }
        for (int j = 0; j < k; j++) {
            double[] t = next.row(j);
            if (total[j] == 0) {
                int far = farthest(x, c, assignment);
                System.arraycopy(x.row(far), 0, t, 0, d);
                assignment[far] = j;
            } else {
                for (int m = 0; m < d; m++) {
                    t[m] = t[m] / total[j];
                }
            }
        }
        return next;
    }

    private static int farthest(Matrix x, Matrix c, int[] assignment) {
        int best = 0;
        double bestDistance = -1.0;
        for (int i = 0; i < x.rows(); i++) {
            double d = squaredDistance(x.row(i), c.row(assignment[i]));
            if (d > bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return best;
    }

    private static int chunks(int n) {
        return (n + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
    }

    static double squaredDistance(double[] a, double[] b) {
        double sum = 0.0;
        for (int j = 0; j < a.length; j++) {
            double diff = a[j] - b[j];
            sum += diff * diff;
        }
        return sum;
    }

    @Override
    public Algorithm algorithm() {
        return Algorithm.K_MEANS;
    }

    @Override
    public List<String> featureNames() {
        return features;
    }

    /** The centres in the features' original units, one row per cluster (a copy). */
    public Matrix centres() {
        Matrix out = Matrix.zeros(centres.rows(), centres.cols());
        for (int i = 0; i < centres.rows(); i++) {
            for (int j = 0; j < centres.cols(); j++) {
                out.set(i, j, scaler.inverse(j, centres.get(i, j)));
            }
        }
        return out;
    }

    /** Sum of squared distances of the training rows to their centres, in the clustering space. */
    public double inertia() {
        return inertia;
    }

    /** Lloyd iterations run by the initialisation that was kept. */
    public int iterations() {
        return iterations;
    }

    /**
     * The index of the nearest centre for every row of {@code x} (lowest index on ties).
     *
     * @throws IllegalArgumentException if the width is wrong or a value is not finite
     */
    public int[] predict(Matrix x) {
        Inputs.requireRows(x, features.size());
        Matrix z = scaler.transform(x);
        int[] out = new int[x.rows()];
        java.util.Arrays.fill(out, -1);
        assign(z, centres, out, Parallelism.sequential());
        return out;
    }

    void writeBody(CanonicalOutput out) {
        Inputs.writeStrings(out, features);
        scaler.write(out);
        out.writeInt(centres.rows());
        for (int i = 0; i < centres.rows(); i++) {
            out.writeDoubles(centres.row(i));
        }
        out.writeDouble(inertia).writeInt(iterations);
    }

    static KMeans readBody(CanonicalInput in) {
        List<String> features = Inputs.readStrings(in, "feature name");
        Standardizer scaler = Standardizer.read(in);
        int k = in.readInt("cluster count", 1, 1 << 20);
        Matrix centres = Matrix.zeros(k, features.size());
        for (int i = 0; i < k; i++) {
            System.arraycopy(in.readDoubles(features.size(), "centre"), 0, centres.row(i), 0, features.size());
        }
        double inertia = in.readDouble("inertia");
        int iterations = in.readInt("iterations", 0, Integer.MAX_VALUE);
        try {
            return new KMeans(features, scaler, centres, inertia, iterations);
        } catch (IllegalArgumentException e) {
            throw new MalformedModelException(e.getMessage());
        }
    }
}
