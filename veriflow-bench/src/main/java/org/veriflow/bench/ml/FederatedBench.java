package org.veriflow.bench.ml;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.federated.FederatedSeeds;
import org.veriflow.ml.federated.LocalTraining;
import org.veriflow.ml.federated.LocalUpdate;
import org.veriflow.ml.federated.RoundAggregation;
import org.veriflow.ml.federated.RoundOutcome;
import org.veriflow.ml.federated.RuleSpec;
import org.veriflow.ml.federated.UpdateInput;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Parallelism;

/**
 * The cost of a federated round's aggregation against one participant's local training, on the same
 * machine and thread count: a classifier with 4 features, an MLP 16-16 (ReLU, Adam), 2 classes, 5
 * participants of 2,000 rows each (non-IID: each has its own class balance and offset), 2 local epochs,
 * batches of 32; validation on 1,000 rows, FLTrust's root on 500.
 *
 * <p>Times are the median of 5 runs after 3 warm-up runs: one participant's {@link LocalTraining},
 * and for each rule one {@link RoundAggregation#aggregate} call (checks, rule, validation and the
 * leave-one-out contributions; FLTrust's includes its root training). Prints a markdown table with
 * the ratio aggregation / local training per rule. Usage: {@code FederatedBench [THREADS]} (default 1).
 */
public final class FederatedBench {

    private static final int PARTICIPANTS = 5;
    private static final int ROWS = 2_000;
    private static final int RUNS = 5;
    private static final int WARM_UP = 3;

    private FederatedBench() {
    }

    /**
     * Runs the benchmark and prints its table on standard output.
     *
     * @param args optional thread count
     */
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Map<String, Object> h = new TreeMap<>();
        h.put("hiddenLayers", List.of(16, 16));
        h.put("activation", "relu");
        h.put("optimizer", "adam");
        h.put("learningRate", 0.01);
        h.put("epochs", 2);
        h.put("batchSize", 32);
        FederatedRecipe recipe = FederatedRecipe.of(Algorithm.MLP_CLASSIFIER, List.of("f1", "f2", "f3", "f4"),
                "label", List.of("a", "b"), new double[4], new double[] {1, 1, 1, 1}, h, 42);
        byte[][] data = new byte[PARTICIPANTS][];
        for (int p = 0; p < PARTICIPANTS; p++) {
            data[p] = rows(100 + p, ROWS, 0.2 + 0.15 * p, 0.3 * (p - 2));
        }
        byte[] validation = rows(7, 1_000, 0.5, 0.0);
        byte[] root = rows(8, 500, 0.5, 0.0);
        Model global = recipe.initialModel();
        try (Parallelism parallelism = Parallelism.threads(threads)) {
            List<UpdateInput> updates = new ArrayList<>();
            for (int p = 0; p < PARTICIPANTS; p++) {
                String id = "org-" + p;
                LocalUpdate u = LocalTraining.train(recipe, global, data[p], FederatedSeeds.local(recipe, "bench", 1, id),
                        parallelism, TrainingListener.none());
                updates.add(new UpdateInput(id, u.hash(), u.examples(), u.modelFile()));
            }
            long seed = FederatedSeeds.local(recipe, "bench", 1, "org-0");
            double local = medianMillis(() -> LocalTraining.train(recipe, global, data[0], seed, parallelism,
                    TrainingListener.none()));
            System.out.printf(Locale.ROOT, "Federated round on %d thread(s): %d parameters, %d participants x %d rows,"
                    + " %d local epochs; validation 1,000 rows, root 500 rows; median of %d runs.%n%n", threads,
                    recipe.parameterCount(), PARTICIPANTS, ROWS, recipe.epochs(), RUNS);
            System.out.println("| step | time (ms) | ratio to local training | validation accuracy |");
            System.out.println("| --- | ---: | ---: | ---: |");
            System.out.printf(Locale.ROOT, "| local training (one participant) | %.1f | 1.00 | |%n", local);
            for (RuleSpec rule : List.of(RuleSpec.fedAvg(), RuleSpec.median(), RuleSpec.trimmedMean(200_000),
                    RuleSpec.krum(1), RuleSpec.multiKrum(1, 3), RuleSpec.flTrust())) {
                RoundOutcome[] last = new RoundOutcome[1];
                double millis = medianMillis(() -> last[0] = RoundAggregation.aggregate(recipe, "bench", 1, global,
                        updates, rule, root, validation, parallelism));
                System.out.printf(Locale.ROOT, "| aggregation %s (with %d leave-one-out contributions) | %.1f | %.2f |"
                        + " %.4f |%n", label(rule), last[0].contributionMicros().size(), millis, millis / local,
                        last[0].validationAccuracy());
            }
        }
    }

    private static String label(RuleSpec rule) {
        return switch (rule.rule()) {
            case TRIMMED_MEAN -> "TRIMMED_MEAN(β=0.2)";
            case KRUM -> "KRUM(f=" + rule.krumF() + ")";
            case MULTI_KRUM -> "MULTI_KRUM(f=" + rule.krumF() + ", m=" + rule.multiKrumM() + ")";
            default -> rule.rule().name();
        };
    }

    private static double medianMillis(Runnable body) {
        for (int i = 0; i < WARM_UP; i++) {
            body.run();
        }
        double[] times = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            body.run();
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(times);
        return times[RUNS / 2];
    }

    /**
     * Rows of 4 features: class "b" with probability {@code shareB}; each feature is the class's centre
     * (±0.8 on f1 and f2, ±0.4 on f3, 0 on f4) plus {@code offset} plus Gaussian noise.
     */
    private static byte[] rows(long seed, int count, double shareB, double offset) {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(seed);
        StringBuilder sb = new StringBuilder("f1,f2,f3,f4,label\n");
        for (int i = 0; i < count; i++) {
            boolean b = r.nextDouble() < shareB;
            double s = b ? 1 : -1;
            sb.append(String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%.6f,%s%n", 0.8 * s + offset + r.nextGaussian(),
                    0.8 * s + r.nextGaussian(), 0.4 * s + r.nextGaussian(), r.nextGaussian(), b ? "b" : "a"));
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
