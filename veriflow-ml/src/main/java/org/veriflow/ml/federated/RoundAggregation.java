package org.veriflow.ml.federated;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Aggregates one round of a federated task: checks each update, combines the valid ones with the
 * task's rule, evaluates the new global model on the validation rows and measures each accepted
 * participant's leave-one-out contribution. Anyone holding the same inputs gets the same bits, for any
 * input order and any thread count.
 *
 * <h2>Steps</h2>
 * <ol>
 * <li><b>Canonical order.</b> Updates are sorted by participant id (one update per participant).
 * <li><b>Checks</b>, per update in this order, each a rejection with score 0: no blob, or a blob whose
 *     SHA-256 is not the committed hash → {@code MISSING_BLOB}; bytes that are not the global model's
 *     file with other parameter values (another engine, algorithm, feature list, label, classes, input
 *     scaling or architecture, or not a model file) → {@code WRONG_SHAPE}; a parameter that is NaN,
 *     infinite or of magnitude above {@value #MAX_ABS_PARAMETER} (no training produces it, and it
 *     would overflow the distances) → {@code NON_FINITE}; every parameter bit-identical to the global
 *     model's → {@code NO_CHANGE} (a free ride).
 * <li><b>Rule</b>, on the deltas Δi = wi − w (double, per coordinate) of the n valid updates in
 *     canonical order:
 *   <ul>
 *   <li>FEDAVG: the example-weighted mean Σ (ni/N)·Δi (ni the declared examples, N their sum),
 *       computed incrementally in canonical order, a = Δ1 then a = a + (ni/Si)·(Δi − a) with Si the
 *       examples of updates 1..i (so that identical updates average to themselves exactly); weight ni/N.
 *   <li>MEDIAN: per coordinate the median (even n: the mean (a + b)/2 of the two middle values);
 *       weight 1/n.
 *   <li>TRIMMED_MEAN: per coordinate, with k = floor(β·n) (β = trimFractionMicros / 10⁶), the values
 *       sorted, the k smallest and k largest dropped and the rest summed in ascending order and divided
 *       by n − 2k, then clamped to the kept values' range (which only undoes rounding); weight 1/n. As
 *       β &lt; 1/2, n − 2k ≥ 1 always.
 *   <li>KRUM(f): score_i = the sum, in ascending order, of the n − f − 2 smallest squared distances
 *       from Δi to the others; the lowest score wins (ties: the lowest participant id), weight 1; the
 *       others are rejected {@code KRUM_NOT_SELECTED} with their score. Krum's guarantee needs
 *       n ≥ 2f + 3; with fewer valid updates it runs with f' = max(0, ⌊(n − 3)/2⌋), the most it can
 *       tolerate (and with n ≤ 2 every score is 0, so the lowest participant id wins).
 *   <li>MULTI_KRUM(f, m): the m' = min(m, n) best Krum scores (ties by participant id), averaged with
 *       equal weights 1/m' (incrementally in canonical order: a = a + (Δi − a)/i); the others rejected
 *       {@code KRUM_NOT_SELECTED} with their score.
 *   <li>FLTRUST: the root update Δ0 is the global model trained on the root rows by
 *       {@link LocalTraining} with seed {@link FederatedSeeds#root}, minus w; cos_i = Δi·Δ0 /
 *       (‖Δi‖‖Δ0‖) (0 if a norm is 0); trust_i = max(0, cos_i); an update with trust 0 is rejected
 *       {@code ZERO_TRUST} with score cos_i; the aggregate is Σ c_i·Δi / T with c_i = trust_i·(‖Δ0‖/‖Δi‖)
 *       (Δi rescaled to the root update's norm) and T = Σ trust_i; weight trust_i / T.
 *   </ul>
 *     The new global model is w + aggregate (per coordinate, one addition). When no update is accepted
 *     (none valid, or FLTrust trusts none) the global model stays bit for bit the same, and the round
 *     still has a result.
 * <li><b>Validation</b>: {@link Evaluation} of the new global model on the validation rows.
 * <li><b>Contributions: leave-one-out.</b> For each accepted participant i, the rule is applied again
 *     to the valid updates without i (its rejections re-evaluated: Krum may choose another update),
 *     the result evaluated, and micros_i = (loss without i − validation loss) × 10⁶ rounded half away
 *     from zero (saturating at the long range; 0 if not a number). With one valid update, the loss
 *     without it is the unchanged global model's. Leave-one-out is exact and deterministic and costs
 *     n + 1 aggregations and evaluations per round; a seeded Monte-Carlo Shapley estimate would be
 *     noisier for the same cost at these participant counts. Its known bias: two participants with
 *     redundant data each look dispensable, so both are undervalued.
 * </ol>
 *
 * <h2>Determinism</h2>
 * Coordinates are cut into fixed chunks of {@value #CHUNK} (independent of the thread count) run on
 * the given {@link Parallelism}; per-coordinate results do not depend on the chunking, and every sum
 * over coordinates (squared distances, dot products, norms) is summed per chunk and then the chunk sums
 * are added in chunk order. Sums over participants run in canonical order. No fused multiply-add.
 */
public final class RoundAggregation {

    /** The largest parameter magnitude an update may have. */
    public static final double MAX_ABS_PARAMETER = 1e100;

    /** Coordinates per chunk of parallel work. */
    static final int CHUNK = 4096;

    private RoundAggregation() {
    }

    /**
     * Aggregates one round.
     *
     * @param recipe        the task's recipe
     * @param taskId        the task id (for the FLTrust root seed)
     * @param round         the round, 1 or more
     * @param global        the round's global model, of the recipe's shape
     * @param updates       the round's committed updates, any order, one per participant
     * @param rule          the task's rule
     * @param rootCsv       FLTRUST: the root rows; ignored by the other rules (may be null)
     * @param validationCsv the validation rows
     * @param parallelism   threads for the coordinate work and the root training (never changes the
     *                      result)
     * @return the new global model, the accepted and rejected updates, contributions and validation
     * @throws IllegalArgumentException if the global model is not of the recipe's shape, two updates
     *     share a participant, the round is below 1, the task id is blank, a CSV does not fit the recipe,
     *     or the rule is FLTRUST and {@code rootCsv} is null
     * @throws IllegalStateException    if FLTrust's root training diverges
     */
    public static RoundOutcome aggregate(FederatedRecipe recipe, String taskId, int round, Model global,
            List<UpdateInput> updates, RuleSpec rule, byte[] rootCsv, byte[] validationCsv, Parallelism parallelism) {
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(global, "global");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(validationCsv, "validationCsv");
        Objects.requireNonNull(parallelism, "parallelism");
        if (taskId == null || taskId.isBlank()) {
            throw new IllegalArgumentException("the task id must not be blank");
        }
        if (round < 1) {
            throw new IllegalArgumentException("rounds count from 1, not " + round);
        }
        ModelShape shape = new ModelShape(recipe.initialModel());
        byte[] globalFile = global.toCanonicalBytes();
        double[] w = shape.parameters(globalFile);
        if (w == null) {
            throw new IllegalArgumentException("the global model is not of the recipe's shape (algorithm, features, "
                    + "label, classes, input scaling and architecture)");
        }
        List<UpdateInput> sorted = new ArrayList<>(updates);
        sorted.sort(Comparator.comparing(UpdateInput::participant));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i - 1).participant().equals(sorted.get(i).participant())) {
                throw new IllegalArgumentException("participant " + sorted.get(i).participant()
                        + " has more than one update in the round");
            }
        }
        Dataset validation = Dataset.read(recipe, validationCsv, "validation");
        double[] rootDelta = null;
        if (rule.rule() == AggregationRule.FLTRUST) {
            if (rootCsv == null) {
                throw new IllegalArgumentException("FLTrust needs the root rows");
            }
            Dataset root = Dataset.read(recipe, rootCsv, "root");
            Model trained = LocalTraining.train(root, global, FederatedSeeds.root(recipe, taskId, round), parallelism,
                    TrainingListener.none());
            rootDelta = delta(Parameters.of(trained), w, parallelism);
        }

        List<RoundOutcome.Rejected> rejected = new ArrayList<>();
        List<Valid> valid = new ArrayList<>();
        for (UpdateInput u : sorted) {
            byte[] file = u.bytes();
            boolean present = file != null && Sha256.of(file).equals(u.hash());
            double[] p = present ? shape.parameters(file) : null;
            RejectionReason reason = check(present, p, file, globalFile);
            if (reason != null) {
                rejected.add(new RoundOutcome.Rejected(u.participant(), u.hash(), reason, 0.0));
            } else {
                valid.add(new Valid(valid.size(), u, delta(p, w, parallelism)));
            }
        }

        // distances, dot products and norms depend on pairs or single updates only: computed once for
        // the round and looked up by the leave-one-out recomputations (the same sums, the same bits)
        Geometry geometry = Geometry.of(valid, rule.rule(), rootDelta, parallelism);
        Combination full = combine(valid, rule, geometry, parallelism);
        Model newGlobal = apply(global, w, full, parallelism);
        Evaluation evaluation = Evaluation.of(validation, newGlobal);
        List<RoundOutcome.Accepted> accepted = new ArrayList<>();
        SortedMap<String, Long> contributions = new TreeMap<>();
        for (int i = 0; i < valid.size(); i++) {
            UpdateInput u = valid.get(i).input;
            if (full.reasons[i] != null) {
                rejected.add(new RoundOutcome.Rejected(u.participant(), u.hash(), full.reasons[i], full.scores[i]));
                continue;
            }
            accepted.add(new RoundOutcome.Accepted(u.participant(), u.hash(), full.weights[i]));
            List<Valid> without = new ArrayList<>(valid);
            without.remove(i);
            Model other = apply(global, w, combine(without, rule, geometry, parallelism), parallelism);
            double lossWithout = Evaluation.of(validation, other).loss();
            contributions.put(u.participant(), micros(lossWithout - evaluation.loss()));
        }
        rejected.sort(Comparator.comparing(RoundOutcome.Rejected::participant));
        byte[] file = newGlobal == global ? globalFile : newGlobal.toCanonicalBytes();
        return new RoundOutcome(newGlobal, file, Sha256.of(file), accepted, rejected, contributions,
                evaluation.loss(), evaluation.accuracy());
    }

    /** A valid update, its position among the round's valid updates, and its delta from the global model. */
    private record Valid(int index, UpdateInput input, double[] delta) {
    }

    /**
     * What the distance-based rules need, for all valid updates of the round: Krum's pairwise squared
     * distances, FLTrust's dot products with the root update and squared norms. Each entry is a sum
     * over coordinates, summed per chunk and then over chunks in order.
     */
    private record Geometry(double[][] distance, double[] dot, double[] square, double rootSquare) {

        static Geometry of(List<Valid> valid, AggregationRule rule, double[] root, Parallelism parallelism) {
            if (valid.isEmpty()) {
                return new Geometry(null, null, null, 0.0);
            }
            return switch (rule) {
                case KRUM, MULTI_KRUM -> new Geometry(squaredDistances(valid, parallelism), null, null, 0.0);
                case FLTRUST -> trust(valid, root, parallelism);
                default -> new Geometry(null, null, null, 0.0);
            };
        }
    }

    /**
     * A rule's result on a list of valid updates: the aggregate delta (null if none accepted) and, per
     * update, its weight or its rejection.
     */
    private record Combination(double[] delta, double[] weights, RejectionReason[] reasons, double[] scores) {

        static Combination empty(int n) {
            return new Combination(null, new double[n], new RejectionReason[n], new double[n]);
        }
    }

    /** The first check an update fails, or null: {@code p} is its parameters, null if not of the shape. */
    private static RejectionReason check(boolean present, double[] p, byte[] file, byte[] globalFile) {
        if (!present) {
            return RejectionReason.MISSING_BLOB;
        }
        if (p == null) {
            return RejectionReason.WRONG_SHAPE;
        }
        for (double v : p) {
            if (!(Math.abs(v) <= MAX_ABS_PARAMETER)) {
                return RejectionReason.NON_FINITE;
            }
        }
        if (Arrays.equals(file, globalFile)) {
            return RejectionReason.NO_CHANGE;
        }
        return null;
    }

    private static Model apply(Model global, double[] w, Combination c, Parallelism parallelism) {
        if (c.delta == null) {
            return global;
        }
        double[] next = new double[w.length];
        forChunks(w.length, parallelism, (chunk, from, to) -> {
            for (int j = from; j < to; j++) {
                next[j] = w[j] + c.delta[j];
            }
        });
        return Parameters.with(global, next);
    }

    private static double[] delta(double[] p, double[] w, Parallelism parallelism) {
        double[] d = new double[w.length];
        forChunks(w.length, parallelism, (chunk, from, to) -> {
            for (int j = from; j < to; j++) {
                d[j] = p[j] - w[j];
            }
        });
        return d;
    }

    private static Combination combine(List<Valid> valid, RuleSpec spec, Geometry geometry, Parallelism parallelism) {
        int n = valid.size();
        if (n == 0) {
            return Combination.empty(0);
        }
        return switch (spec.rule()) {
            case FEDAVG -> fedAvg(valid, parallelism);
            case MEDIAN -> trimmed(valid, -1, parallelism);
            case TRIMMED_MEAN -> trimmed(valid, (int) ((long) spec.trimFractionMicros() * n / 1_000_000L),
                    parallelism);
            case KRUM -> krum(valid, spec.krumF(), 1, geometry.distance(), parallelism);
            case MULTI_KRUM -> krum(valid, spec.krumF(), spec.multiKrumM(), geometry.distance(), parallelism);
            case FLTRUST -> flTrust(valid, geometry, parallelism);
        };
    }

    private static Combination fedAvg(List<Valid> valid, Parallelism parallelism) {
        int n = valid.size();
        // example counts summed as doubles in canonical order: exact below 2^53, never overflowing
        double total = 0.0;
        for (Valid v : valid) {
            total += (double) v.input.examples();
        }
        double[] weights = new double[n];
        double[] step = new double[n];
        double sofar = 0.0;
        for (int i = 0; i < n; i++) {
            double examples = (double) valid.get(i).input.examples();
            sofar += examples;
            weights[i] = examples / total;
            step[i] = examples / sofar;
        }
        int d = valid.get(0).delta.length;
        double[] out = new double[d];
        forChunks(d, parallelism, (chunk, from, to) -> {
            for (int j = from; j < to; j++) {
                double mean = valid.get(0).delta[j];
                for (int i = 1; i < n; i++) {
                    mean = mean + step[i] * (valid.get(i).delta[j] - mean);
                }
                out[j] = mean;
            }
        });
        return new Combination(out, weights, new RejectionReason[n], new double[n]);
    }

    /** Median ({@code k < 0}) or trimmed mean dropping {@code k} values at each end. */
    private static Combination trimmed(List<Valid> valid, int k, Parallelism parallelism) {
        int n = valid.size();
        if (k >= 0 && n - 2 * k < 1) {
            throw new IllegalArgumentException("a trimmed mean of " + n + " updates cannot drop " + k + " at each end");
        }
        int d = valid.get(0).delta.length;
        double[] out = new double[d];
        forChunks(d, parallelism, (chunk, from, to) -> {
            double[] values = new double[n];
            for (int j = from; j < to; j++) {
                for (int i = 0; i < n; i++) {
                    values[i] = valid.get(i).delta[j];
                }
                Arrays.sort(values);
                if (k < 0) {
                    out[j] = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
                } else {
                    double sum = 0.0;
                    for (int i = k; i < n - k; i++) {
                        sum += values[i];
                    }
                    // the exact mean lies between the kept extremes; the clamp only undoes rounding
                    out[j] = Math.min(values[n - k - 1], Math.max(values[k], sum / (n - 2 * k)));
                }
            }
        });
        double[] weights = new double[n];
        Arrays.fill(weights, 1.0 / n);
        return new Combination(out, weights, new RejectionReason[n], new double[n]);
    }

    private static Combination krum(List<Valid> valid, int f, int m, double[][] distance, Parallelism parallelism) {
        int n = valid.size();
        int tolerated = n >= 2L * f + 3 ? f : Math.max(0, (n - 3) / 2);
        int nearest = Math.max(0, n - tolerated - 2);
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            double[] others = new double[n - 1];
            int k = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    others[k++] = distance[valid.get(i).index][valid.get(j).index];
                }
            }
            Arrays.sort(others);
            double score = 0.0;
            for (int j = 0; j < nearest; j++) {
                score += others[j];
            }
            scores[i] = score;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparingInt(i -> i));
        int chosenCount = Math.min(m, n);
        boolean[] chosen = new boolean[n];
        for (int r = 0; r < chosenCount; r++) {
            chosen[order[r]] = true;
        }
        double[] weights = new double[n];
        RejectionReason[] reasons = new RejectionReason[n];
        double[] rejectionScores = new double[n];
        List<double[]> picked = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (chosen[i]) {
                weights[i] = 1.0 / chosenCount;
                picked.add(valid.get(i).delta);
            } else {
                reasons[i] = RejectionReason.KRUM_NOT_SELECTED;
                rejectionScores[i] = scores[i];
            }
        }
        int d = valid.get(0).delta.length;
        double[] out = new double[d];
        forChunks(d, parallelism, (chunk, from, to) -> {
            for (int j = from; j < to; j++) {
                double mean = picked.get(0)[j];
                for (int i = 1; i < chosenCount; i++) {
                    mean = mean + (picked.get(i)[j] - mean) / (i + 1);
                }
                out[j] = mean;
            }
        });
        return new Combination(out, weights, reasons, rejectionScores);
    }

    private static double[][] squaredDistances(List<Valid> valid, Parallelism parallelism) {
        int n = valid.size();
        int d = valid.get(0).delta.length;
        int pairs = n * (n - 1) / 2;
        int chunks = chunkCount(d);
        double[][] partial = new double[chunks][pairs];
        forChunks(d, parallelism, (chunk, from, to) -> {
            int p = 0;
            for (int a = 0; a < n; a++) {
                double[] x = valid.get(a).delta;
                for (int b = a + 1; b < n; b++) {
                    double[] y = valid.get(b).delta;
                    double sum = 0.0;
                    for (int j = from; j < to; j++) {
                        double diff = x[j] - y[j];
                        sum += diff * diff;
                    }
                    partial[chunk][p++] = sum;
                }
            }
        });
        double[][] distance = new double[n][n];
        int p = 0;
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++) {
                double sum = 0.0;
                for (int c = 0; c < chunks; c++) {
                    sum += partial[c][p];
                }
                distance[a][b] = sum;
                distance[b][a] = sum;
                p++;
            }
        }
        return distance;
    }

    private static Geometry trust(List<Valid> valid, double[] root, Parallelism parallelism) {
        int n = valid.size();
        int d = root.length;
        int chunks = chunkCount(d);
        // per chunk: [0, n) dot with the root, [n, 2n) squared norms, 2n the root's squared norm
        double[][] partial = new double[chunks][2 * n + 1];
        forChunks(d, parallelism, (chunk, from, to) -> {
            double[] sums = partial[chunk];
            for (int i = 0; i < n; i++) {
                double[] x = valid.get(i).delta;
                double dot = 0.0;
                double square = 0.0;
                for (int j = from; j < to; j++) {
                    dot += x[j] * root[j];
                    square += x[j] * x[j];
                }
                sums[i] = dot;
                sums[n + i] = square;
            }
            double square = 0.0;
            for (int j = from; j < to; j++) {
                square += root[j] * root[j];
            }
            sums[2 * n] = square;
        });
        double[] totals = new double[2 * n + 1];
        for (int c = 0; c < chunks; c++) {
            for (int k = 0; k < totals.length; k++) {
                totals[k] += partial[c][k];
            }
        }
        return new Geometry(null, Arrays.copyOfRange(totals, 0, n), Arrays.copyOfRange(totals, n, 2 * n), totals[2 * n]);
    }

    private static Combination flTrust(List<Valid> valid, Geometry geometry, Parallelism parallelism) {
        int n = valid.size();
        double rootNorm = Math.sqrt(geometry.rootSquare());
        double[] trust = new double[n];
        double[] coefficient = new double[n];
        RejectionReason[] reasons = new RejectionReason[n];
        double[] scores = new double[n];
        double trustSum = 0.0;
        for (int i = 0; i < n; i++) {
            int at = valid.get(i).index;
            double norm = Math.sqrt(geometry.square()[at]);
            double cosine = norm == 0.0 || rootNorm == 0.0 ? 0.0 : geometry.dot()[at] / (norm * rootNorm);
            if (cosine > 0.0) {
                trust[i] = cosine;
                coefficient[i] = cosine * (rootNorm / norm);
                trustSum += cosine;
            } else {
                reasons[i] = RejectionReason.ZERO_TRUST;
                scores[i] = cosine;
            }
        }
        if (trustSum == 0.0) {
            return new Combination(null, new double[n], reasons, scores);
        }
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            weights[i] = trust[i] / trustSum;
        }
        double total = trustSum;
        int d = valid.get(0).delta.length;
        double[] out = new double[d];
        forChunks(d, parallelism, (chunk, from, to) -> {
            for (int j = from; j < to; j++) {
                double sum = 0.0;
                for (int i = 0; i < n; i++) {
                    if (reasons[i] == null) {
                        sum += coefficient[i] * valid.get(i).delta[j];
                    }
                }
                out[j] = sum / total;
            }
        });
        return new Combination(out, weights, reasons, scores);
    }

    /** (loss difference) × 10⁶ rounded half away from zero, saturating; 0 for NaN. */
    static long micros(double lossDifference) {
        double x = lossDifference * 1e6;
        if (Double.isNaN(x)) {
            return 0;
        }
        if (x >= 0x1p63) {
            return Long.MAX_VALUE;
        }
        if (x <= -0x1p63) {
            return Long.MIN_VALUE;
        }
        double magnitude = Math.abs(x);
        long whole = (long) magnitude;
        long rounded = magnitude - whole >= 0.5 ? whole + 1 : whole;
        return x < 0 ? -rounded : rounded;
    }

    @FunctionalInterface
    private interface ChunkBody {
        void run(int chunk, int from, int to);
    }

    private static int chunkCount(int coordinates) {
        return Math.max(1, (coordinates + CHUNK - 1) / CHUNK);
    }

    private static void forChunks(int coordinates, Parallelism parallelism, ChunkBody body) {
        int chunks = chunkCount(coordinates);
        parallelism.forEachChunk(chunks, c -> body.run(c, c * CHUNK, Math.min(coordinates, (c + 1) * CHUNK)));
    }
}
