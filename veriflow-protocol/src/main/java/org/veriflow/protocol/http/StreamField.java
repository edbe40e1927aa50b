package org.veriflow.protocol.http;

/**
 * A field of a stream's schema.
 *
 * @param name the field's name
 * @param unit its unit
 * @param min the smallest legal value
 * @param max the largest legal value
 * @param decimals the decimals a value is rounded to
 */
public record StreamField(String name, String unit, double min, double max, int decimals) {}
