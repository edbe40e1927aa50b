package org.veriflow.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Writes a command's result record as JSON: its components in declaration order, absent values as
 * {@code null}, maps with their keys sorted, indented for people reading it too.
 */
final class JsonOutput {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .setSerializationInclusion(JsonInclude.Include.ALWAYS)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private JsonOutput() {}

  /**
   * The JSON text of {@code result}.
   *
   * @param result a record (or list or map of records and plain values); never an {@code Optional}
   * @return the JSON text, without a trailing newline
   * @throws IllegalArgumentException if {@code result} cannot be written as JSON
   */
  static String write(Object result) {
    try {
      return MAPPER.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + result.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }
}
