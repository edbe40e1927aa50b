package org.veriflow.ml.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.ml.data.SplitRule;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Proof of training by replay rests on these tests: the same recipe and data give the same model hash
 * twice, on 1, 2 and 8 threads, and in another JVM with SIMD disabled; and a golden recipe's hashes
 * are pinned.
 */
class DeterminismTest {

    /**
     * Golden values. A change to the engine's numerics changes them: update them deliberately and give
     * the reason in the commit message.
     */
    static final String GOLDEN_RECIPE_HASH = "db622718f82e19769099d2cb6c755f20d64c5546e99c0fa932925da060a718b6";
    static final String GOLDEN_MODEL_HASH = "414260acc62b92476eab87bbdc4a720bc4e1a007c9accb57b23ca818017ca2fe";

    static byte[] goldenData() {
        try (InputStream in = DeterminismTest.class.getResourceAsStream("/org/veriflow/ml/golden-readings.csv")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A classifier that exercises every numeric path of the networks: batch normalisation, dropout,
     * ReLU and tanh, softmax cross-entropy, Adam with staircase decay, early stopping with restore, and
     * matrices large enough (batch 64, 64 units) for the kernels to split work across threads.
     */
    static Recipe goldenRecipe(byte[] data) {
        Map<String, Object> h = new TreeMap<>();
        h.put("hiddenLayers", List.of(64, 64));
        h.put("activation", "relu");
        h.put("batchNorm", true);
        h.put("dropout", new BigDecimal("0.1"));
        h.put("learningRate", new BigDecimal("0.01"));
        h.put("decayRate", new BigDecimal("0.9"));
        h.put("decaySteps", 5);
        h.put("staircase", true);
        h.put("epochs", 12);
        h.put("batchSize", 64);
        h.put("earlyStoppingPatience", 4);
        return Recipe.of("golden-readings.csv", Sha256.of(data), List.of("temperature", "humidity", "seconds"),
                "device", new Recipe.Split(SplitRule.Kind.STRATIFIED, new BigDecimal("0.2"), new BigDecimal("0.1")),
                Algorithm.MLP_CLASSIFIER, h, 20240601L);
    }

    private static TrainingRun run(Recipe recipe, byte[] data, int threads) {
        try (Parallelism p = Parallelism.threads(threads)) {
            return RecipeRunner.run(recipe, data, p, TrainingListener.none());
        }
    }

    @Test
    void golden_fixedRecipe_pinnedHashes() {
        byte[] data = goldenData();
        assertThat(Sha256.of(data).hex()).isEqualTo("5b76cdbb5d0a3fa0ce3cca032f3a17d2775279ae0803748e086050bdae40a46c");
        TrainingRun run = run(goldenRecipe(data), data, 1);
        assertThat(run.recipeHash().hex()).isEqualTo(GOLDEN_RECIPE_HASH);
        assertThat(run.modelHash().hex()).isEqualTo(GOLDEN_MODEL_HASH);
    }

    @Test
    void run_sameRecipeTwice_sameModelHashAndHistory() {
        byte[] data = goldenData();
        TrainingRun first = run(goldenRecipe(data), data, 1);
        TrainingRun second = run(goldenRecipe(data), data, 1);
        assertThat(second.modelHash()).isEqualTo(first.modelHash());
        assertThat(second.history().orElseThrow().toCsv()).isEqualTo(first.history().orElseThrow().toCsv());
    }

    @Test
    void run_oneTwoAndEightThreads_sameModelHash() {
        byte[] data = goldenData();
        Sha256 one = run(goldenRecipe(data), data, 1).modelHash();
        assertThat(run(goldenRecipe(data), data, 2).modelHash()).isEqualTo(one);
        assertThat(run(goldenRecipe(data), data, 8).modelHash()).isEqualTo(one);
    }

    @Test
    void unsupervised_oneTwoAndEightThreads_sameModelHash() {
        // 5,000 rows: several 1,024-row chunks for k-means, 40 trees grown in parallel for the forest.
        Xoshiro256StarStar r = Xoshiro256StarStar.create(8);
        StringBuilder csv = new StringBuilder("a,b,c\n");
        for (int i = 0; i < 5000; i++) {
            csv.append(r.nextGaussian() + (i % 4) * 3).append(',').append(r.nextGaussian()).append(',')
                    .append(r.nextDouble()).append('\n');
        }
        byte[] data = csv.toString().getBytes(StandardCharsets.UTF_8);
        Recipe.Split split = new Recipe.Split(SplitRule.Kind.RANDOM, BigDecimal.ZERO, BigDecimal.ZERO);
        for (Recipe recipe : List.of(
                Recipe.of("u.csv", Sha256.of(data), List.of("a", "b", "c"), null, split, Algorithm.K_MEANS,
                        Map.of("clusters", 4, "standardize", true), 3),
                Recipe.of("u.csv", Sha256.of(data), List.of("a", "b", "c"), null, split, Algorithm.ISOLATION_FOREST,
                        Map.of("trees", 40), 3))) {
            List<Sha256> hashes = new ArrayList<>();
            for (int threads : new int[] {1, 2, 8}) {
                hashes.add(run(recipe, data, threads).modelHash());
            }
            assertThat(hashes).as(recipe.algorithm().id()).containsOnly(hashes.get(0));
        }
    }

    @Test
    void run_forkedJvmWithoutSimd_sameModelHash(@TempDir Path dir) throws IOException, InterruptedException {
        byte[] data = goldenData();
        Recipe recipe = goldenRecipe(data);
        Path recipeFile = dir.resolve("recipe.json");
        Path dataFile = dir.resolve("data.csv");
        Path output = dir.resolve("out.txt");
        Files.write(recipeFile, recipe.canonicalBytes());
        Files.write(dataFile, data);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The child JVM runs with vectorisation off (and without AVX on x86), on 3 threads, to show that
        // neither the instruction set nor the thread count reaches the bits.
        Process process = new ProcessBuilder(java, "-XX:+IgnoreUnrecognizedVMOptions", "-XX:UseAVX=0",
                "-XX:-UseSuperWord", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ReplayMain.class.getName(), recipeFile.toString(), dataFile.toString(), "3")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("child JVM finished within 120 s").isTrue();
        String printed = Files.readString(output, StandardCharsets.UTF_8).trim();
        assertThat(process.exitValue()).as(printed).isZero();
        TrainingRun here = run(recipe, data, 1);
        assertThat(printed).isEqualTo("recipe=" + here.recipeHash().hex() + " model=" + here.modelHash().hex());
    }
}
