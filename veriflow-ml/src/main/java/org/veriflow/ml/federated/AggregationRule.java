package org.veriflow.ml.federated;

/**
 * How a round's valid updates are combined into the next global model. The names are the chain's
 * ({@code fl.proto}'s {@code AggregationRule}); {@link RoundAggregation} gives each rule's exact
 * arithmetic.
 */
public enum AggregationRule {
    /** Example-weighted mean of the updates (McMahan et al. 2017); no defence. */
    FEDAVG,
    /** Coordinate-wise median (Yin et al. 2018). */
    MEDIAN,
    /** Coordinate-wise mean after dropping a fraction of the largest and smallest values (Yin et al. 2018). */
    TRIMMED_MEAN,
    /** The one update closest to its nearest others (Blanchard et al. 2017). */
    KRUM,
    /** The mean of the updates with the best Krum scores. */
    MULTI_KRUM,
    /** Trust-weighted mean against an update trained on a clean root dataset (Cao et al. 2021). */
    FLTRUST
}
