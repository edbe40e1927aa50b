package org.veriflow.protocol.http;

/**
 * A column of a dataset's schema.
 *
 * @param name the column's name
 * @param type its type ({@code int64}, {@code float64}, {@code string}, ...)
 */
public record DatasetColumn(String name, String type) {}
