package org.veriflow.ml.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.EngineVersion;
import org.veriflow.ml.data.SplitRule;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Parallelism;

class ReplayTest {

    private static final byte[] DATA = SeedData.night(7);
    private static final Sha256 DATA_SHA = Sha256.of(DATA);
    private static final String REFERENCE = "snapshot-1";
    private static final Recipe RECIPE = Recipe.of(REFERENCE, DATA_SHA, List.of("temperature", "humidity"), null,
            new Recipe.Split(SplitRule.Kind.RANDOM, new BigDecimal("0.1"), BigDecimal.ZERO), Algorithm.K_MEANS,
            Map.of("clusters", 2), 11);
    private static final Sha256 ARTIFACT =
            RecipeRunner.run(RECIPE, DATA, Parallelism.sequential(), TrainingListener.none()).modelHash();
    private static final Sha256 OTHER = Sha256.of("other".getBytes(StandardCharsets.UTF_8));

    private static Replay.Request request(String engine, byte[] recipe, Sha256 recipeSha, List<Replay.RecordedDataset> datasets,
            Sha256 artifact) {
        return new Replay.Request(engine, recipe, recipeSha, datasets, artifact);
    }

    private static Replay.Request faithful() {
        return request(EngineVersion.CURRENT, RECIPE.canonicalBytes(), RECIPE.hash(),
                List.of(new Replay.RecordedDataset("elsewhere", OTHER), new Replay.RecordedDataset(REFERENCE, DATA_SHA)), ARTIFACT);
    }

    private static Replay.Outcome run(Replay.Request request, Replay.DataSource source) throws Replay.DataUnavailable {
        return Replay.run(request, source, Parallelism.sequential(), TrainingListener.none(), () -> false);
    }

    private static Replay.Failure failure(Replay.Outcome outcome, Replay.Reason reason) {
        assertThat(outcome).isInstanceOf(Replay.Failure.class);
        Replay.Failure f = (Replay.Failure) outcome;
        assertThat(f.reason()).as(f.sentence()).isEqualTo(reason);
        return f;
    }

    @Test
    void run_faithfulRecord_givesTheRecordedArtifact_fetchingTheNamedDataset() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        Replay.Outcome o = run(faithful(), (reference, sha) -> {
            fetches.incrementAndGet();
            assertThat(reference).isEqualTo(REFERENCE);
            assertThat(sha).isEqualTo(DATA_SHA);
            return DATA;
        });
        assertThat(o).isInstanceOf(Replay.Match.class);
        assertThat(((Replay.Match) o).artifact()).isEqualTo(ARTIFACT);
        assertThat(fetches.get()).isEqualTo(1);
    }

    @Test
    void run_otherRecordedArtifact_mismatchWithBothHashes() throws Exception {
        Replay.Request r = faithful();
        Replay.Outcome o = run(request(r.engineVersion(), r.recipe(), r.recipeSha256(), r.datasets(), OTHER), (ref, sha) -> DATA);
        assertThat(o).isInstanceOf(Replay.Mismatch.class);
        Replay.Mismatch m = (Replay.Mismatch) o;
        assertThat(m.artifact()).isEqualTo(ARTIFACT);
        assertThat(m.recorded()).isEqualTo(OTHER);
    }

    @Test
    void run_otherEngineVersion_failsBeforeFetching() throws Exception {
        Replay.Request r = faithful();
        Replay.Failure f = failure(run(request("veriflow-ml/9.0.0", r.recipe(), r.recipeSha256(), r.datasets(), r.artifactSha256()),
                (ref, sha) -> {
                    throw new AssertionError("fetched");
                }), Replay.Reason.ENGINE_VERSION);
        assertThat(f.sentence()).isEqualTo("the model was trained with engine veriflow-ml/9.0.0; this validator runs " + EngineVersion.CURRENT);
    }

    @Test
    void run_recipeThatDoesNotParse_fails() throws Exception {
        byte[] bad = "{\"format\":\"nope\"}".getBytes(StandardCharsets.UTF_8);
        Replay.Request r = faithful();
        Replay.Failure f = failure(run(request(r.engineVersion(), bad, Sha256.of(bad), r.datasets(), r.artifactSha256()), (ref, sha) -> DATA),
                Replay.Reason.INVALID_RECIPE);
        assertThat(f.sentence()).startsWith("the recorded recipe is invalid: ");
    }

    @Test
    void run_recipeHashNotTheRecorded_failsNamingBoth() throws Exception {
        Replay.Request r = faithful();
        Replay.Failure f = failure(run(request(r.engineVersion(), r.recipe(), OTHER, r.datasets(), r.artifactSha256()), (ref, sha) -> DATA),
                Replay.Reason.RECIPE_HASH);
        assertThat(f.sentence()).contains(RECIPE.hash().hex()).contains(OTHER.hex());
    }

    @Test
    void run_referenceNotRecorded_fails() throws Exception {
        Replay.Request r = faithful();
        Replay.Failure f = failure(run(request(r.engineVersion(), r.recipe(), r.recipeSha256(),
                List.of(new Replay.RecordedDataset("snapshot-2", DATA_SHA)), r.artifactSha256()), (ref, sha) -> DATA),
                Replay.Reason.DATASET_NOT_RECORDED);
        assertThat(f.sentence()).isEqualTo("the recipe's data reference 'snapshot-1' is not one of the model's recorded datasets");
    }

    @Test
    void run_recordedDataHashNotTheRecipes_failsNamingBoth() throws Exception {
        Replay.Request r = faithful();
        Replay.Failure f = failure(run(request(r.engineVersion(), r.recipe(), r.recipeSha256(),
                List.of(new Replay.RecordedDataset(REFERENCE, OTHER)), r.artifactSha256()), (ref, sha) -> DATA), Replay.Reason.DATA_HASH);
        assertThat(f.sentence()).contains(DATA_SHA.hex()).contains(OTHER.hex());
    }

    @Test
    void run_sourceRefusesTheData_failsWithItsReasonAndSentence() throws Exception {
        Replay.Failure f = failure(run(faithful(), (ref, sha) -> {
            throw new Replay.DataRefused(Replay.Reason.DATA_NOT_FOUND, "dataset snapshot-1 is not a snapshot on this chain");
        }), Replay.Reason.DATA_NOT_FOUND);
        assertThat(f.sentence()).isEqualTo("dataset snapshot-1 is not a snapshot on this chain");
    }

    @Test
    void run_sourceGivesOtherBytes_failsDataMismatch() throws Exception {
        byte[] tampered = DATA.clone();
        tampered[60] ^= 1;
        Replay.Failure f = failure(run(faithful(), (ref, sha) -> tampered), Replay.Reason.DATA_MISMATCH);
        assertThat(f.sentence()).contains(Sha256.of(tampered).hex()).contains(DATA_SHA.hex());
    }

    @Test
    void run_sourceCannotProduceTheData_throws() {
        assertThatThrownBy(() -> run(faithful(), (ref, sha) -> {
            throw new Replay.DataUnavailable("only the custodian can decrypt it", null);
        })).isInstanceOf(Replay.DataUnavailable.class).hasMessage("only the custodian can decrypt it");
    }

    @Test
    void run_dataTheEngineRefuses_fails() throws Exception {
        byte[] other = "a,b\n1,2\n3,4\n".getBytes(StandardCharsets.UTF_8);
        Recipe recipe = Recipe.of(REFERENCE, Sha256.of(other), List.of("temperature"), null,
                new Recipe.Split(SplitRule.Kind.RANDOM, BigDecimal.ZERO, BigDecimal.ZERO), Algorithm.K_MEANS, Map.of("clusters", 2), 1);
        Replay.Request r = request(EngineVersion.CURRENT, recipe.canonicalBytes(), recipe.hash(),
                List.of(new Replay.RecordedDataset(REFERENCE, Sha256.of(other))), ARTIFACT);
        Replay.Failure f = failure(run(r, (ref, sha) -> other), Replay.Reason.ENGINE_REFUSED);
        assertThat(f.sentence()).startsWith("the engine refused the recipe or its data: ");
    }

    @Test
    void run_listenerAborts_exceptionReachesTheCaller() {
        Recipe mlp = SeedRecipes.humidityFromTemperature(REFERENCE, DATA_SHA, "temperature", "humidity", 1);
        Replay.Request r = request(EngineVersion.CURRENT, mlp.canonicalBytes(), mlp.hash(),
                List.of(new Replay.RecordedDataset(REFERENCE, DATA_SHA)), ARTIFACT);
        assertThatThrownBy(() -> Replay.run(r, (ref, sha) -> DATA, Parallelism.sequential(), (epoch, max) -> {
            throw new Aborted();
        }, () -> true)).isInstanceOf(Aborted.class).hasMessage("stop");
    }

    /** What a listener that stops the training throws; the replay must not turn it into an outcome. */
    private static final class Aborted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Aborted() {
            super("stop");
        }
    }

    @Test
    void dataRefused_otherReason_isMisuse() {
        assertThatThrownBy(() -> new Replay.DataRefused(Replay.Reason.RECIPE_HASH, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
