package org.veriflow.ml.federated;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Parallelism;

/** Properties of the aggregation rules over many seeded random rounds. */
class RoundAggregationPropertyTest {

    private static final int CASES = 40;
    private static final byte[] VALIDATION = Fixtures.blobs(90, 60, 0.5, 0.8);
    private static final byte[] ROOT = Fixtures.blobs(91, 40, 0.5, 0.8);
    private static final FederatedRecipe RECIPE = Fixtures.classifier();
    private static final Model GLOBAL = RECIPE.initialModel();
    private static final double[] W = Parameters.of(GLOBAL);

    private static final List<RuleSpec> RULES = List.of(RuleSpec.fedAvg(), RuleSpec.median(),
            RuleSpec.trimmedMean(250_000), RuleSpec.krum(1), RuleSpec.multiKrum(1, 3), RuleSpec.flTrust());

    private static RoundOutcome aggregate(List<UpdateInput> updates, RuleSpec rule) {
        return RoundAggregation.aggregate(RECIPE, "prop", 1, GLOBAL, updates, rule, ROOT, VALIDATION,
                Parallelism.sequential());
    }

    /** n random updates around the global model, each with its own scale and example count. */
    private static List<UpdateInput> randomUpdates(Xoshiro256StarStar random, int n) {
        List<UpdateInput> updates = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double scale = 0.001 + random.nextDouble() * 0.3;
            double[] p = W.clone();
            for (int j = 0; j < p.length; j++) {
                p[j] += scale * random.nextGaussian();
            }
            updates.add(RoundAggregationTest.update("p" + random.nextInt(1000) + "-" + i, 1 + random.nextInt(500),
                    GLOBAL, p));
        }
        return updates;
    }

    private static void shuffle(List<UpdateInput> list, Xoshiro256StarStar random) {
        int[] order = new int[list.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        random.shuffle(order);
        List<UpdateInput> copy = new ArrayList<>(list);
        for (int i = 0; i < order.length; i++) {
            list.set(i, copy.get(order[i]));
        }
    }

    private static void assertSameOutcome(RoundOutcome a, RoundOutcome b, String what) {
        assertThat(b.globalHash()).as(what).isEqualTo(a.globalHash());
        assertThat(b.globalModelFile()).as(what).isEqualTo(a.globalModelFile());
        assertThat(b.accepted()).as(what).isEqualTo(a.accepted());
        assertThat(b.rejected()).as(what).isEqualTo(a.rejected());
        assertThat(b.contributionMicros()).as(what).isEqualTo(a.contributionMicros());
        assertThat(Double.doubleToRawLongBits(b.validationLoss())).as(what)
                .isEqualTo(Double.doubleToRawLongBits(a.validationLoss()));
        assertThat(Double.doubleToRawLongBits(b.validationAccuracy())).as(what)
                .isEqualTo(Double.doubleToRawLongBits(a.validationAccuracy()));
    }

    @Test
    void aggregate_permutedInput_bitIdenticalOutcomeForEveryRule() {
        Xoshiro256StarStar random = Xoshiro256StarStar.create(101);
        for (int c = 0; c < CASES; c++) {
            List<UpdateInput> updates = randomUpdates(random, 1 + random.nextInt(7));
            if (random.nextInt(3) == 0) {
                updates.add(RoundAggregationTest.update("free-rider", 5, GLOBAL));
            }
            RuleSpec rule = RULES.get(c % RULES.size());
            RoundOutcome first = aggregate(updates, rule);
            shuffle(updates, random);
            assertSameOutcome(first, aggregate(updates, rule), "case " + c + " " + rule.rule());
        }
    }

    @Test
    void medianAndTrimmedMean_insideEachCoordinatesRangeOfTheValidUpdates() {
        Xoshiro256StarStar random = Xoshiro256StarStar.create(102);
        List<String> failures = new ArrayList<>();
        for (int c = 0; c < CASES; c++) {
            int n = 1 + random.nextInt(9);
            List<UpdateInput> updates = randomUpdates(random, n);
            RuleSpec rule = c % 2 == 0 ? RuleSpec.median() : RuleSpec.trimmedMean(1 + random.nextInt(499_999));
            double[] result = Parameters.of(aggregate(updates, rule).globalModel());
            for (int j = 0; j < W.length; j++) {
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (UpdateInput u : updates) {
                    double p = Parameters.of(org.veriflow.ml.model.ModelFile.read(u.modelFile()))[j];
                    double moved = W[j] + (p - W[j]);
                    lo = Math.min(lo, moved);
                    hi = Math.max(hi, moved);
                }
                if (!(result[j] >= lo && result[j] <= hi)) {
                    failures.add("case " + c + " " + rule + " coordinate " + j + ": " + result[j] + " not in [" + lo
                            + ", " + hi + "]");
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void krumAndMultiKrum_fByzantineFarAway_onlyHonestSelectedWhenNAtLeast2fPlus3() {
        Xoshiro256StarStar random = Xoshiro256StarStar.create(103);
        for (int c = 0; c < CASES; c++) {
            int f = 1 + random.nextInt(3);
            int honest = f + 3 + random.nextInt(3);
            List<UpdateInput> updates = new ArrayList<>();
            for (int i = 0; i < honest; i++) {
                double[] p = W.clone();
                for (int j = 0; j < p.length; j++) {
                    p[j] += 0.01 * random.nextGaussian();
                }
                updates.add(RoundAggregationTest.update("h" + i, 100, GLOBAL, p));
            }
            for (int i = 0; i < f; i++) {
                double[] p = W.clone();
                double offset = (random.nextInt(2) == 0 ? 1 : -1) * (5 + 10 * random.nextDouble());
                for (int j = 0; j < p.length; j++) {
                    p[j] += offset + 0.01 * random.nextGaussian();
                }
                // ids sort before the honest ones, so a tie would favour them
                updates.add(RoundAggregationTest.update("b" + i, 100, GLOBAL, p));
            }
            shuffle(updates, random);
            RoundOutcome krum = aggregate(updates, RuleSpec.krum(f));
            assertThat(krum.accepted()).hasSize(1);
            assertThat(krum.accepted().get(0).participant()).as("case " + c).startsWith("h");
            assertThat(krum.rejected()).hasSize(honest + f - 1)
                    .allSatisfy(r -> assertThat(r.reason()).isEqualTo(RejectionReason.KRUM_NOT_SELECTED));
            RoundOutcome multi = aggregate(updates, RuleSpec.multiKrum(f, honest));
            assertThat(multi.accepted()).hasSize(honest)
                    .allSatisfy(a -> assertThat(a.participant()).startsWith("h"));
            assertThat(multi.rejected()).extracting(RoundOutcome.Rejected::participant)
                    .allSatisfy(p -> assertThat(p).startsWith("b"));
        }
    }

    @Test
    void fedAvg_identicalUpdates_aggregateIsThatUpdate() {
        Xoshiro256StarStar random = Xoshiro256StarStar.create(104);
        for (int c = 0; c < CASES; c++) {
            double[] p = W.clone();
            for (int j = 0; j < p.length; j++) {
                p[j] += random.nextGaussian();
            }
            List<UpdateInput> updates = new ArrayList<>();
            int n = 1 + random.nextInt(8);
            for (int i = 0; i < n; i++) {
                updates.add(RoundAggregationTest.update("p" + i, 1 + random.nextInt(10_000), GLOBAL, p));
            }
            double[] expected = new double[W.length];
            for (int j = 0; j < W.length; j++) {
                expected[j] = W[j] + (p[j] - W[j]);
            }
            RoundOutcome o = aggregate(updates, RuleSpec.fedAvg());
            assertThat(Parameters.of(o.globalModel())).as("case " + c).isEqualTo(expected);
            assertThat(o.accepted()).hasSize(n);
        }
    }

    @Test
    void fedAvg_weightsAreExampleShares() {
        Xoshiro256StarStar random = Xoshiro256StarStar.create(105);
        List<UpdateInput> updates = randomUpdates(random, 4);
        long total = 0;
        for (UpdateInput u : updates) {
            total += u.examples();
        }
        RoundOutcome o = aggregate(updates, RuleSpec.fedAvg());
        for (RoundOutcome.Accepted a : o.accepted()) {
            UpdateInput u = updates.stream().filter(x -> x.participant().equals(a.participant())).findFirst()
                    .orElseThrow();
            assertThat(a.weight()).isEqualTo((double) u.examples() / total);
        }
    }
}
