package org.veriflow.ml.model;

/**
 * The share of one feature in one prediction, by input × gradient: {@code attribution = z *
 * d(output)/dz}, where {@code z = (value - mean) / scale} is the standardised input. It reads as the
 * first-order effect of moving the feature from its training mean to {@code value}.
 *
 * @param feature     feature name
 * @param value       the input value in original units
 * @param attribution contribution to the explained output (in the output's units)
 */
public record FeatureAttribution(String feature, double value, double attribution) {

    public FeatureAttribution {
        java.util.Objects.requireNonNull(feature, "feature");
    }
}
