package org.veriflow.ml.federated;

import java.util.Objects;

/**
 * An aggregation rule with its parameters. Parameters a rule does not use must be 0.
 *
 * @param rule               the rule
 * @param trimFractionMicros {@code TRIMMED_MEAN}: the fraction β dropped at each end, in millionths,
 *                           1 to 499,999 (so at least one value per coordinate always remains)
 * @param krumF              {@code KRUM}, {@code MULTI_KRUM}: the Byzantine updates tolerated, 0 or more
 * @param multiKrumM         {@code MULTI_KRUM}: how many updates are averaged, 1 or more
 */
public record RuleSpec(AggregationRule rule, int trimFractionMicros, int krumF, int multiKrumM) {

    /** The largest trim fraction, in millionths: just under one half. */
    public static final int MAX_TRIM_FRACTION_MICROS = 499_999;

    /**
     * @throws IllegalArgumentException if a parameter the rule uses is out of range or one it does not
     *     use is not 0
     */
    public RuleSpec {
        Objects.requireNonNull(rule, "rule");
        boolean trims = rule == AggregationRule.TRIMMED_MEAN;
        boolean krum = rule == AggregationRule.KRUM || rule == AggregationRule.MULTI_KRUM;
        boolean multi = rule == AggregationRule.MULTI_KRUM;
        if (trims ? trimFractionMicros < 1 || trimFractionMicros > MAX_TRIM_FRACTION_MICROS : trimFractionMicros != 0) {
            throw new IllegalArgumentException(trims
                    ? "the trim fraction must be 1 to " + MAX_TRIM_FRACTION_MICROS + " millionths, not "
                            + trimFractionMicros
                    : "rule " + rule + " takes no trim fraction, given " + trimFractionMicros);
        }
        if (krum ? krumF < 0 : krumF != 0) {
            throw new IllegalArgumentException(krum ? "Krum's f must not be negative, not " + krumF
                    : "rule " + rule + " takes no Krum f, given " + krumF);
        }
        if (multi ? multiKrumM < 1 : multiKrumM != 0) {
            throw new IllegalArgumentException(multi ? "Multi-Krum's m must be at least 1, not " + multiKrumM
                    : "rule " + rule + " takes no Multi-Krum m, given " + multiKrumM);
        }
    }

    /**
     * Returns FedAvg.
     *
     * @return the spec
     */
    public static RuleSpec fedAvg() {
        return new RuleSpec(AggregationRule.FEDAVG, 0, 0, 0);
    }

    /**
     * Returns the coordinate-wise median.
     *
     * @return the spec
     */
    public static RuleSpec median() {
        return new RuleSpec(AggregationRule.MEDIAN, 0, 0, 0);
    }

    /**
     * Returns the trimmed mean.
     *
     * @param trimFractionMicros β in millionths, 1 to 499,999
     * @return the spec
     * @throws IllegalArgumentException if β is out of range
     */
    public static RuleSpec trimmedMean(int trimFractionMicros) {
        return new RuleSpec(AggregationRule.TRIMMED_MEAN, trimFractionMicros, 0, 0);
    }

    /**
     * Returns Krum.
     *
     * @param f Byzantine updates tolerated
     * @return the spec
     * @throws IllegalArgumentException if {@code f} is negative
     */
    public static RuleSpec krum(int f) {
        return new RuleSpec(AggregationRule.KRUM, 0, f, 0);
    }

    /**
     * Returns Multi-Krum.
     *
     * @param f Byzantine updates tolerated
     * @param m updates averaged
     * @return the spec
     * @throws IllegalArgumentException if {@code f} is negative or {@code m} below 1
     */
    public static RuleSpec multiKrum(int f, int m) {
        return new RuleSpec(AggregationRule.MULTI_KRUM, 0, f, m);
    }

    /**
     * Returns FLTrust.
     *
     * @return the spec
     */
    public static RuleSpec flTrust() {
        return new RuleSpec(AggregationRule.FLTRUST, 0, 0, 0);
    }
}
