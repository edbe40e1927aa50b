package org.veriflow.protocol.http;

/**
 * One feature's share in a decision (input times gradient, in the output's units).
 *
 * @param feature the feature's name
 * @param value the input's value of it
 * @param attribution its share
 */
public record FeatureAttribution(String feature, double value, double attribution) {}
