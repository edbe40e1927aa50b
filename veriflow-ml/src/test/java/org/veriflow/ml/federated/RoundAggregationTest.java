package org.veriflow.ml.federated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Parallelism;

class RoundAggregationTest {

    private static final byte[] VALIDATION = Fixtures.blobs(50, 200, 0.5, 0.8);
    private static final byte[] ROOT = Fixtures.blobs(51, 100, 0.5, 0.8);

    static UpdateInput update(String participant, long examples, Model model) {
        byte[] file = model.toCanonicalBytes();
        return new UpdateInput(participant, Sha256.of(file), examples, file);
    }

    static UpdateInput update(String participant, long examples, Model global, double[] params) {
        return update(participant, examples, Parameters.with(global, params));
    }

    private static double[] perturbed(double[] base, Xoshiro256StarStar random, double scale) {
        double[] p = base.clone();
        for (int j = 0; j < p.length; j++) {
            p[j] += scale * random.nextGaussian();
        }
        return p;
    }

    private static RoundOutcome aggregate(FederatedRecipe r, Model global, List<UpdateInput> updates, RuleSpec rule) {
        return RoundAggregation.aggregate(r, "task-1", 1, global, updates, rule, ROOT, VALIDATION,
                Parallelism.sequential());
    }

    @Test
    void aggregate_eachPreCheck_rejectedWithItsReasonAndScoreZero() {
        FederatedRecipe r = Fixtures.classifier();
        Model global = r.initialModel();
        double[] w = Parameters.of(global);
        Xoshiro256StarStar random = Xoshiro256StarStar.create(3);
        List<UpdateInput> updates = new ArrayList<>();
        updates.add(update("good-1", 10, global, perturbed(w, random, 0.1)));
        updates.add(update("good-2", 10, global, perturbed(w, random, 0.1)));
        updates.add(new UpdateInput("missing", Sha256.of(new byte[1]), 10, null));
        byte[] other = perturbed(w, random, 0.1).length > 0 ? global.toCanonicalBytes() : null;
        updates.add(new UpdateInput("tampered", Sha256.of(new byte[] {1}), 10, other));
        updates.add(update("logistic", 10, Fixtures.logistic().initialModel()));
        byte[] garbage = {1, 2, 3};
        updates.add(new UpdateInput("garbage", Sha256.of(garbage), 10, garbage));
        Model otherClasses = FederatedRecipe.of(Algorithm.MLP_CLASSIFIER, List.of("x", "y"), "label",
                List.of("a", "c"), new double[] {0, 0}, new double[] {1, 1}, hyper(), 7).initialModel();
        updates.add(update("other-classes", 10, otherClasses));
        Model otherScaling = FederatedRecipe.of(Algorithm.MLP_CLASSIFIER, List.of("x", "y"), "label",
                List.of("a", "b"), new double[] {0, 1}, new double[] {1, 1}, hyper(), 7).initialModel();
        updates.add(update("other-scaling", 10, otherScaling));
        double[] huge = w.clone();
        huge[5] = 1e101;
        updates.add(update("huge", 10, global, huge));
        updates.add(nanUpdate("nan", global, w, 7));
        updates.add(update("free-rider", 10, global));
        RoundOutcome o = aggregate(r, global, updates, RuleSpec.fedAvg());
        Map<String, RejectionReason> reasons = new TreeMap<>();
        for (RoundOutcome.Rejected x : o.rejected()) {
            reasons.put(x.participant(), x.reason());
            assertThat(x.score()).isZero();
        }
        assertThat(reasons).containsExactly(Map.entry("free-rider", RejectionReason.NO_CHANGE),
                Map.entry("garbage", RejectionReason.WRONG_SHAPE), Map.entry("huge", RejectionReason.NON_FINITE),
                Map.entry("logistic", RejectionReason.WRONG_SHAPE), Map.entry("missing", RejectionReason.MISSING_BLOB),
                Map.entry("nan", RejectionReason.NON_FINITE),
                Map.entry("other-classes", RejectionReason.WRONG_SHAPE),
                Map.entry("other-scaling", RejectionReason.WRONG_SHAPE),
                Map.entry("tampered", RejectionReason.MISSING_BLOB));
        assertThat(o.accepted()).extracting(RoundOutcome.Accepted::participant).containsExactly("good-1", "good-2");
        assertThat(o.accepted()).extracting(RoundOutcome.Accepted::weight).containsExactly(0.5, 0.5);
        assertThat(o.contributionMicros().keySet()).containsExactly("good-1", "good-2");
    }

    private static Map<String, Object> hyper() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("hiddenLayers", List.of(8, 4));
        h.put("activation", "tanh");
        h.put("learningRate", new BigDecimal("0.01"));
        h.put("epochs", 2);
        h.put("batchSize", 16);
        return h;
    }

    /** An update whose parameter {@code index} is NaN (a file no model could be written as). */
    static UpdateInput nanUpdate(String participant, Model global, double[] w, int index) {
        double[] marked = w.clone();
        marked[index] = 1234.5678;
        byte[] file = Parameters.with(global, marked).toCanonicalBytes();
        byte[] mark = ByteBuffer.allocate(8).putDouble(1234.5678).array();
        int at = indexOf(file, mark);
        ByteBuffer.wrap(file).putDouble(at, Double.NaN);
        return new UpdateInput(participant, Sha256.of(file), 10, file);
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int k = 0; k < pattern.length; k++) {
                if (data[i + k] != pattern[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }

    @Test
    void aggregate_noValidUpdate_globalUnchangedAndAResult() {
        FederatedRecipe r = Fixtures.classifier();
        Model global = r.initialModel();
        RoundOutcome o = aggregate(r, global, List.of(update("free-rider", 5, global)), RuleSpec.median());
        assertThat(o.globalHash()).isEqualTo(global.hash());
        assertThat(o.accepted()).isEmpty();
        assertThat(o.contributionMicros()).isEmpty();
        assertThat(o.validationLoss()).isEqualTo(Evaluation.of(r, global, VALIDATION).loss());
    }

    @Test
    void aggregate_oneValidUpdate_itIsTheAggregateAndItsContributionIsAgainstTheOldGlobal() {
        FederatedRecipe r = Fixtures.classifier();
        Model global = r.initialModel();
        LocalUpdate trained = LocalTraining.train(r, global, Fixtures.blobs(9, 200, 0.5, 0.8), 4,
                Parallelism.sequential(), TrainingListener.none());
        double[] w = Parameters.of(global);
        double[] p = Parameters.of(trained.model());
        double[] expected = new double[w.length];
        for (int j = 0; j < w.length; j++) {
            expected[j] = w[j] + (p[j] - w[j]);
        }
        for (RuleSpec rule : List.of(RuleSpec.fedAvg(), RuleSpec.median(), RuleSpec.krum(1), RuleSpec.multiKrum(1, 3),
                RuleSpec.trimmedMean(200_000))) {
            RoundOutcome o = aggregate(r, global, List.of(update("solo", 200, trained.model())), rule);
            // the global model moves by the update's delta: w + (p - w), within an ulp of p
            assertThat(Parameters.of(o.globalModel())).as(rule.toString()).isEqualTo(expected);
            assertThat(o.accepted()).extracting(RoundOutcome.Accepted::weight).containsExactly(1.0);
            double before = Evaluation.of(r, global, VALIDATION).loss();
            assertThat(o.contributionMicros().get("solo"))
                    .isEqualTo(RoundAggregation.micros(before - o.validationLoss()));
            assertThat(o.contributionMicros().get("solo")).isPositive();
        }
    }

    @Test
    void aggregate_duplicateParticipant_rejectedAsMisuse() {
        FederatedRecipe r = Fixtures.classifier();
        Model global = r.initialModel();
        double[] w = Parameters.of(global);
        w[0] += 1;
        UpdateInput u = update("same", 5, global, w);
        assertThatThrownBy(() -> aggregate(r, global, List.of(u, u), RuleSpec.fedAvg()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than one update");
    }

    @Test
    void aggregate_badArguments_rejected() {
        FederatedRecipe r = Fixtures.classifier();
        Model global = r.initialModel();
        assertThatThrownBy(() -> RoundAggregation.aggregate(r, "t", 1, global, List.of(), RuleSpec.flTrust(), null,
                VALIDATION, Parallelism.sequential())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("root rows");
        assertThatThrownBy(() -> RoundAggregation.aggregate(r, "t", 0, global, List.of(), RuleSpec.fedAvg(), null,
                VALIDATION, Parallelism.sequential())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RoundAggregation.aggregate(r, "t", 1, Fixtures.logistic().initialModel(), List.of(),
                RuleSpec.fedAvg(), null, VALIDATION, Parallelism.sequential()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recipe's shape");
        assertThatThrownBy(() -> RoundAggregation.aggregate(r, "t", 1, global, List.of(), RuleSpec.fedAvg(), null,
                "x,y\n1,2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), Parallelism.sequential()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validation CSV");
    }

    @Test
    void krum_fewerThan2fPlus3_runsWithTheLargestToleratedF() {
        FederatedRecipe r = Fixtures.classifier();
        Model global = r.initialModel();
        double[] w = Parameters.of(global);
        double[] near1 = w.clone();
        double[] near2 = w.clone();
        double[] far = w.clone();
        for (int j = 0; j < w.length; j++) {
            near1[j] += 0.01;
            near2[j] += 0.02;
            far[j] += 1.0;
        }
        // n = 3, f = 2: f' = 0, each score is the distance to the nearest other; near1 and near2 tie,
        // the lower id wins
        List<UpdateInput> three = List.of(update("z-far", 1, global, far), update("n2", 1, global, near2),
                update("n1", 1, global, near1));
        RoundOutcome o = aggregate(r, global, three, RuleSpec.krum(2));
        assertThat(o.accepted()).extracting(RoundOutcome.Accepted::participant).containsExactly("n1");
        double d = 0;
        for (int j = 0; j < w.length; j++) {
            double diff = (near1[j] - w[j]) - (near2[j] - w[j]);
            d += diff * diff;
        }
        assertThat(o.rejected()).extracting(RoundOutcome.Rejected::participant).containsExactly("n2", "z-far");
        assertThat(o.rejected().get(0).score()).isCloseTo(d, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(o.rejected().get(1).score()).isGreaterThan(d);
        // n = 2: every score is 0, the lowest id wins
        RoundOutcome two = aggregate(r, global, List.of(update("b", 1, global, far), update("a", 1, global, near1)),
                RuleSpec.krum(0));
        assertThat(two.accepted()).extracting(RoundOutcome.Accepted::participant).containsExactly("a");
        assertThat(two.rejected().get(0).score()).isZero();
    }

    @Test
    void multiKrum_mAboveN_averagesAllWithEqualWeights() {
        FederatedRecipe r = Fixtures.classifier();
        Model global = r.initialModel();
        Xoshiro256StarStar random = Xoshiro256StarStar.create(12);
        double[] w = Parameters.of(global);
        List<UpdateInput> updates = List.of(update("a", 1, global, perturbed(w, random, 0.1)),
                update("b", 7, global, perturbed(w, random, 0.1)), update("c", 3, global, perturbed(w, random, 0.1)));
        RoundOutcome o = aggregate(r, global, updates, RuleSpec.multiKrum(0, 10));
        assertThat(o.accepted()).extracting(RoundOutcome.Accepted::weight).containsExactly(1.0 / 3, 1.0 / 3, 1.0 / 3);
        assertThat(o.rejected()).isEmpty();
    }

    @Test
    void ruleSpec_outOfRangeParameters_rejected() {
        assertThatThrownBy(() -> RuleSpec.trimmedMean(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RuleSpec.trimmedMean(500_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RuleSpec.krum(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RuleSpec.multiKrum(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RuleSpec(AggregationRule.FEDAVG, 0, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no Krum f");
    }

    @Test
    void micros_roundsHalfAwayFromZeroAndSaturates() {
        assertThat(RoundAggregation.micros(0.0000025)).isEqualTo(3);
        assertThat(RoundAggregation.micros(-0.0000025)).isEqualTo(-3);
        assertThat(RoundAggregation.micros(0.0000014)).isEqualTo(1);
        assertThat(RoundAggregation.micros(1.5)).isEqualTo(1_500_000);
        assertThat(RoundAggregation.micros(Double.POSITIVE_INFINITY)).isEqualTo(Long.MAX_VALUE);
        assertThat(RoundAggregation.micros(Double.NEGATIVE_INFINITY)).isEqualTo(Long.MIN_VALUE);
        assertThat(RoundAggregation.micros(Double.NaN)).isZero();
    }

    @Test
    void flTrust_signFlippedUpdate_zeroTrustWithNegativeCosine() {
        FederatedRecipe r = Fixtures.classifier();
        Model global = r.initialModel();
        double[] w = Parameters.of(global);
        List<UpdateInput> updates = new ArrayList<>();
        double[] honestDelta = null;
        for (int i = 0; i < 3; i++) {
            LocalUpdate u = LocalTraining.train(r, global, Fixtures.blobs(60 + i, 150, 0.5, 0.8), 70 + i,
                    Parallelism.sequential(), TrainingListener.none());
            updates.add(update("honest-" + i, 150, u.model()));
            if (honestDelta == null) {
                honestDelta = Parameters.of(u.model());
                for (int j = 0; j < w.length; j++) {
                    honestDelta[j] -= w[j];
                }
            }
        }
        double[] flipped = w.clone();
        for (int j = 0; j < w.length; j++) {
            flipped[j] = w[j] - 3 * honestDelta[j];
        }
        updates.add(update("byzantine", 150, global, flipped));
        RoundOutcome o = aggregate(r, global, updates, RuleSpec.flTrust());
        assertThat(o.rejected()).hasSize(1);
        RoundOutcome.Rejected b = o.rejected().get(0);
        assertThat(b.participant()).isEqualTo("byzantine");
        assertThat(b.reason()).isEqualTo(RejectionReason.ZERO_TRUST);
        assertThat(b.score()).isNegative();
        assertThat(o.accepted()).extracting(RoundOutcome.Accepted::participant)
                .containsExactly("honest-0", "honest-1", "honest-2");
        double sum = 0;
        for (RoundOutcome.Accepted a : o.accepted()) {
            assertThat(a.weight()).isPositive();
            sum += a.weight();
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(o.validationLoss()).isLessThan(Evaluation.of(r, global, VALIDATION).loss());
    }

    @Test
    void flTrust_onlyOpposedUpdates_allRejectedGlobalUnchanged() {
        FederatedRecipe r = Fixtures.classifier();
        Model global = r.initialModel();
        double[] w = Parameters.of(global);
        LocalUpdate u = LocalTraining.train(r, global, ROOT, FederatedSeeds.root(r, "task-1", 1),
                Parallelism.sequential(), TrainingListener.none());
        double[] p = Parameters.of(u.model());
        double[] flipped = new double[w.length];
        for (int j = 0; j < w.length; j++) {
            flipped[j] = w[j] - (p[j] - w[j]);
        }
        RoundOutcome o = aggregate(r, global, List.of(update("flip", 10, global, flipped)), RuleSpec.flTrust());
        assertThat(o.accepted()).isEmpty();
        assertThat(o.rejected().get(0).reason()).isEqualTo(RejectionReason.ZERO_TRUST);
        assertThat(o.rejected().get(0).score()).isCloseTo(-1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(o.globalHash()).isEqualTo(global.hash());
    }

    @Test
    void endToEnd_threeParticipantsFiveRoundsFedAvg_beatInitialModel() {
        FederatedRecipe r = Fixtures.classifier();
        byte[] validation = Fixtures.blobs(80, 300, 0.5, 1.0);
        // non-IID slices: each participant sees mostly one class
        byte[][] slices = {Fixtures.blobs(81, 120, 0.2, 1.0), Fixtures.blobs(82, 120, 0.5, 1.0),
            Fixtures.blobs(83, 120, 0.8, 1.0)};
        Model global = r.initialModel();
        double initial = Evaluation.of(r, global, validation).accuracy();
        RoundOutcome last = null;
        for (int round = 1; round <= 5; round++) {
            List<UpdateInput> updates = new ArrayList<>();
            for (int p = 0; p < slices.length; p++) {
                String id = "org-" + p;
                LocalUpdate u = LocalTraining.train(r, global, slices[p], FederatedSeeds.local(r, "e2e", round, id),
                        Parallelism.sequential(), TrainingListener.none());
                updates.add(new UpdateInput(id, u.hash(), u.examples(), u.modelFile()));
            }
            last = RoundAggregation.aggregate(r, "e2e", round, global, updates, RuleSpec.fedAvg(), null, validation,
                    Parallelism.sequential());
            assertThat(last.accepted()).hasSize(3);
            global = last.globalModel();
        }
        assertThat(last.validationAccuracy()).isGreaterThan(initial).isGreaterThan(0.85);
        assertThat(Evaluation.of(r, global, validation).accuracy()).isEqualTo(last.validationAccuracy());
    }
}
