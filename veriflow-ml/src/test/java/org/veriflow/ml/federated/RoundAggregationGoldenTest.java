package org.veriflow.ml.federated;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Golden aggregates: a fixed round (4 honest updates, one sign-flipped, one free-rider) on a model of
 * 4,482 parameters (two coordinate chunks) gives the same global model hash and contributions under 1,
 * 2 and 8 threads and in a JVM without vectorisation, for every rule, and those values are pinned. A change to them is a change of the
 * chain's aggregation and must be deliberate.
 */
class RoundAggregationGoldenTest {

    private static final Map<AggregationRule, String> GOLDEN = Map.of(
            AggregationRule.FEDAVG,
            "f602d06299ea131e80abb3327ce45f03509e50ef0968f60d1cc8d4bfbbb632d5"
                    + " org-a=57204 org-b=102313 org-byzantine=-525074 org-c=199458 org-d=254192 org-free-rider:NO_CHANGE",
            AggregationRule.MEDIAN,
            "c5ae6568336d6f40999e33286bd976e693eec4c8857a72ecef7c5fdb62277147"
                    + " org-a=44606 org-b=15275 org-byzantine=-46648 org-c=41564 org-d=6909 org-free-rider:NO_CHANGE",
            AggregationRule.TRIMMED_MEAN,
            "048f18b7fdbf69066a4099ae855cb7a69035a9cdd2166b73616c0ac0d3f6eedc"
                    + " org-a=418168 org-b=383657 org-byzantine=-53495 org-c=410345 org-d=379476 org-free-rider:NO_CHANGE",
            AggregationRule.KRUM,
            "b3ba826c0d313e6400bf96c0427ae2e282c82d4b5999c2094b5a77b86a773b8a"
                    + " org-c=-6559 org-a:KRUM_NOT_SELECTED org-b:KRUM_NOT_SELECTED org-byzantine:KRUM_NOT_SELECTED org-d:KRUM_NOT_SELECTED org-free-rider:NO_CHANGE",
            AggregationRule.MULTI_KRUM,
            "1f69df53b70bec7f1ef0b7fa85a6fb75a4cbcfc3aa4610c9fcfa91b393691058"
                    + " org-b=-33139 org-c=2217 org-d=-45069 org-a:KRUM_NOT_SELECTED org-byzantine:KRUM_NOT_SELECTED org-free-rider:NO_CHANGE",
            AggregationRule.FLTRUST,
            "a52c32902794d9e97f72926014ae01a69b9cb00d767e044ed97c78cc09e0a07f"
                    + " org-a=15884 org-b=-10405 org-c=14448 org-d=-18303 org-byzantine:ZERO_TRUST org-free-rider:NO_CHANGE");

    private static final List<RuleSpec> RULES = List.of(RuleSpec.fedAvg(), RuleSpec.median(),
            RuleSpec.trimmedMean(200_000), RuleSpec.krum(1), RuleSpec.multiKrum(1, 3), RuleSpec.flTrust());

    static FederatedRecipe wideRecipe() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("hiddenLayers", List.of(64, 64));
        h.put("learningRate", new BigDecimal("0.01"));
        h.put("epochs", 1);
        return FederatedRecipe.of(Algorithm.MLP_CLASSIFIER, List.of("x", "y"), "label", List.of("a", "b"),
                new double[] {0.0, 0.0}, new double[] {1.0, 1.0}, h, 2026);
    }

    private static List<UpdateInput> round(Model global) {
        double[] w = Parameters.of(global);
        Xoshiro256StarStar random = Xoshiro256StarStar.create(4482);
        double[] drift = new double[w.length];
        for (int j = 0; j < w.length; j++) {
            drift[j] = 0.02 * random.nextGaussian();
        }
        List<UpdateInput> updates = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            double[] p = w.clone();
            for (int j = 0; j < p.length; j++) {
                p[j] += drift[j] + 0.01 * random.nextGaussian();
            }
            updates.add(RoundAggregationTest.update("org-" + (char) ('a' + i), 100L * (i + 1), global, p));
        }
        double[] flipped = w.clone();
        for (int j = 0; j < w.length; j++) {
            flipped[j] -= 5 * drift[j];
        }
        updates.add(RoundAggregationTest.update("org-byzantine", 400, global, flipped));
        updates.add(RoundAggregationTest.update("org-free-rider", 400, global));
        return updates;
    }

    private static String digest(RoundOutcome o) {
        StringBuilder sb = new StringBuilder(o.globalHash().hex());
        o.contributionMicros().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        o.rejected().forEach(r -> sb.append(' ').append(r.participant()).append(':').append(r.reason()));
        return sb.toString();
    }

    /** Each rule's digest of the fixed round, aggregated on {@code parallelism}. */
    static Map<AggregationRule, String> digests(Parallelism parallelism) {
        FederatedRecipe recipe = wideRecipe();
        Model global = recipe.initialModel();
        List<UpdateInput> updates = round(global);
        byte[] validation = Fixtures.blobs(7, 150, 0.5, 0.8);
        byte[] root = Fixtures.blobs(8, 60, 0.5, 0.8);
        Map<AggregationRule, String> out = new LinkedHashMap<>();
        for (RuleSpec rule : RULES) {
            out.put(rule.rule(), digest(RoundAggregation.aggregate(recipe, "golden", 3, global, updates, rule, root,
                    validation, parallelism)));
        }
        return out;
    }

    @Test
    void aggregate_oneTwoEightThreads_sameGoldenHashAndContributions() {
        assertThat(wideRecipe().parameterCount()).isEqualTo(4482).isGreaterThan(RoundAggregation.CHUNK);
        for (int threads : new int[] {1, 2, 8}) {
            try (Parallelism parallelism = Parallelism.threads(threads)) {
                assertThat(digests(parallelism)).as(threads + " threads").isEqualTo(GOLDEN);
            }
        }
    }

    @Test
    void aggregate_forkedJvmWithoutSimd_sameGoldenHashAndContributions(@TempDir Path dir)
            throws IOException, InterruptedException {
        Path output = dir.resolve("out.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // vectorisation off (and no AVX on x86), 3 threads: neither the instruction set nor the thread
        // count reaches the bits
        Process process = new ProcessBuilder(java, "-XX:+IgnoreUnrecognizedVMOptions", "-XX:UseAVX=0",
                "-XX:-UseSuperWord", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                GoldenRoundMain.class.getName(), "3").redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("child JVM finished within 120 s").isTrue();
        List<String> printed = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join("\n", printed)).isZero();
        List<String> expected = new ArrayList<>();
        GOLDEN.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> expected.add(e.getKey() + " " + e.getValue()));
        assertThat(printed).containsExactlyElementsOf(expected);
    }
}
