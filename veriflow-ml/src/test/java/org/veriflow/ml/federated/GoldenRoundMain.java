package org.veriflow.ml.federated;

import java.util.Map;
import java.util.TreeMap;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Entry point of the forked JVM in {@link RoundAggregationGoldenTest}: {@code GoldenRoundMain <threads>}
 * aggregates the golden round with every rule and prints one line per rule, {@code RULE digest}, in
 * rule order.
 */
public final class GoldenRoundMain {

    private GoldenRoundMain() {
    }

    public static void main(String[] args) {
        try (Parallelism parallelism = Parallelism.threads(Integer.parseInt(args[0]))) {
            Map<AggregationRule, String> digests = new TreeMap<>(RoundAggregationGoldenTest.digests(parallelism));
            digests.forEach((rule, digest) -> System.out.println(rule + " " + digest));
        }
    }
}
