package org.veriflow.node.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import org.veriflow.protocol.http.Cluster;
import org.veriflow.protocol.http.CommittedBlock;
import org.veriflow.protocol.http.ComputeRequest;
import org.veriflow.protocol.http.PredictOneAnswer;
import org.veriflow.protocol.http.PredictRequest;
import org.veriflow.protocol.http.Predicted;
import org.veriflow.protocol.http.SubmitTransaction;

/**
 * The node's configured Jackson mappers. Thread-safe once built. The records of {@code
 * org.veriflow.protocol.http} carry no Jackson annotations; what a few of them need beyond
 * component names (a JSON value held as its text, explicit nulls) is added here as mix-ins.
 */
final class Json {
  /**
   * The base mapper. It reads strictly, as every request body is read: a document followed by
   * anything but whitespace ({@code {...}}}) and an object that repeats a key are refused, so that
   * what the node acts on is exactly one unambiguous value.
   */
  static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
      .configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /**
   * Writes the API's bodies (the records of {@code org.veriflow.protocol.http}): fields in component
   * order, a null component (an optional field) left out, except in {@link Cluster} and {@link
   * CommittedBlock}, which write their nulls. A component holding a JSON value's text is written as
   * that value, and read back as its compact text.
   */
  static final ObjectMapper BODIES = MAPPER.copy().setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .addMixIn(Predicted.class, RawOutput.class)
      .addMixIn(PredictOneAnswer.class, RawOutput.class)
      .addMixIn(PredictRequest.class, RawInputs.class)
      .addMixIn(ComputeRequest.class, RawRecipe.class)
      .addMixIn(Cluster.class, WithNulls.class)
      .addMixIn(CommittedBlock.class, WithNulls.class)
      .registerModule(new SimpleModule("exact-integers").addSerializer(Long.class, new ExactLong()).addSerializer(Long.TYPE, new ExactLong()));

  /** The largest magnitude every JSON client reads exactly as a number (2^53 - 1). */
  static final long MAX_EXACT = (1L << 53) - 1;

  /**
   * Reads request bodies into their records as strictly as the API reads them (see {@link
   * #request}): fields it does not know are ignored, but a value of the wrong JSON type (a number
   * for a text, a text for a boolean) does not fit. A {@link SubmitTransaction} reads a field that
   * is not text as absent, so that one malformed entry of a batch is refused on its own.
   */
  static final ObjectMapper REQUESTS = requests();

  private Json() {}

  private static ObjectMapper requests() {
    ObjectMapper m = BODIES.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean)) {
      m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.String)) {
      m.coercionConfigFor(LogicalType.Boolean).setCoercion(shape, CoercionAction.Fail);
    }
    ObjectMapper plain = m.copy();
    m.registerModule(new SimpleModule().addDeserializer(SubmitTransaction.class, new TextFieldsOnly(plain)));
    return m;
  }

  /**
   * A 64-bit integer as the API writes it: a JSON number when its magnitude is at most {@link
   * #MAX_EXACT}, which every client (a JavaScript one included) reads exactly, else its decimal
   * digits as a JSON string, which is never rounded.
   */
  static final class ExactLong extends JsonSerializer<Long> {
    @Override
    public void serialize(Long value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      if (value >= -MAX_EXACT && value <= MAX_EXACT) {
        gen.writeNumber(value);
      } else {
        gen.writeString(Long.toString(value));
      }
    }
  }

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

  /** Reads any JSON value as its compact text. */
  static class JsonText extends JsonDeserializer<String> {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return MAPPER.writeValueAsString(ctxt.readTree(p));
    }
  }

  /** Reads any JSON value in an array as its compact text, a {@code null} as the text {@code null}. */
  static final class JsonItemText extends JsonText {
    @Override
    public String getNullValue(DeserializationContext ctxt) {
      return "null";
    }
  }

  /**
   * Reads a request body into its record with {@link #REQUESTS}.
   *
   * @param body the body, parsed
   * @param type the request's record
   * @return the request
   * @throws IllegalArgumentException if the body is not an object, gives one of the record's fields
   *     an explicit {@code null}, or does not fit the record (the message says why)
   */
  static <T extends Record> T request(JsonNode body, Class<T> type) {
    if (!body.isObject()) {
      throw new IllegalArgumentException("the body is not a JSON object");
    }
    for (RecordComponent c : type.getRecordComponents()) {
      if (body.path(c.getName()).isNull()) {
        throw new IllegalArgumentException("'" + c.getName() + "' is null");
      }
    }
    try {
      return REQUESTS.treeToValue(body, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  /** Writes a JSON value's text as the value itself. */
  static final class RawText extends JsonSerializer<String> {
    @Override
    public void serialize(String json, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeRawValue(json);
    }
  }

  /** Reads a {@link SubmitTransaction} from an object's text fields only: any other value reads as absent. */
  private static final class TextFieldsOnly extends JsonDeserializer<SubmitTransaction> {
    private final ObjectMapper plain;

    TextFieldsOnly(ObjectMapper plain) {
      this.plain = plain;
    }

    @Override
    public SubmitTransaction deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode n = ctxt.readTree(p);
      if (!(n instanceof ObjectNode o)) {
        return new SubmitTransaction(null, null);
      }
      ObjectNode text = o.deepCopy();
      text.properties().removeIf(e -> !e.getValue().isTextual());
      return plain.treeToValue(text, SubmitTransaction.class);
    }

    @Override
    public SubmitTransaction getNullValue(DeserializationContext ctxt) {
      return new SubmitTransaction(null, null);
    }
  }

  /** {@code output} is a JSON value held as its text. */
  private interface RawOutput {
    @JsonRawValue
    @JsonDeserialize(using = JsonText.class)
    String output();
  }

  /** {@code input} and each of {@code inputs} are JSON values held as their text; a null among the inputs is the text {@code null}. */
  private interface RawInputs {
    @JsonRawValue
    @JsonDeserialize(using = JsonText.class)
    String input();

    @JsonSerialize(contentUsing = RawText.class)
    @JsonDeserialize(contentUsing = JsonItemText.class)
    List<String> inputs();
  }

  /** {@code recipe} is a JSON object held as its text. */
  private interface RawRecipe {
    @JsonRawValue
    @JsonDeserialize(using = JsonText.class)
    String recipe();
  }

  /** Writes null components as explicit {@code null}s. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  private interface WithNulls {}
}
