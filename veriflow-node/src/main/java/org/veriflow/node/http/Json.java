package org.veriflow.node.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.http.ContentType;
import io.javalin.http.Context;

/** The node's one configured Jackson mapper. Thread-safe once built. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /**
   * Writes the API's bodies (the records of {@code org.veriflow.protocol.http}): fields in component
   * order, a null component (an optional field) left out.
   */
  static final ObjectMapper BODIES = MAPPER.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private Json() {}

  /** A body as the API writes it. */
  static String write(Object body) {
    try {
      return BODIES.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Answers with a body (its status set by the caller, 200 by default). */
  static void answer(Context ctx, Object body) {
    ctx.contentType(ContentType.APPLICATION_JSON).result(write(body));
  }
}
