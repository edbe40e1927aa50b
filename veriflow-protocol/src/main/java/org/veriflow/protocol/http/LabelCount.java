package org.veriflow.protocol.http;

/**
 * How many rows carry a label.
 *
 * @param label the label
 * @param count its rows
 */
public record LabelCount(String label, long count) {}
