package org.veriflow.protocol;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The canonical-encoding rule for the protobuf messages a transaction carries (its payload and its
 * contract arguments): the bytes as received must be exactly the encoding of what they decode to,
 * and no message inside them may hold a field its schema does not declare.
 *
 * <p>Without the rule, a sender can pad a transaction with unknown fields (kept by the parser and
 * ignored by every contract), re-encode fields in another order or spell a default value out, and
 * so make one call in many byte forms and sizes. The check compares; it never re-serialises bytes
 * that are hashed or signed. It depends only on the bytes, so every node judges a transaction
 * identically. Stateless and thread-safe.
 */
public final class Canonical {
  private Canonical() {}

  /**
   * Checks that {@code bytes}, from which {@code decoded} was parsed, are its canonical encoding.
   *
   * @param decoded the message parsed from {@code bytes}
   * @param bytes the bytes as received
   * @return empty if canonical; otherwise one sentence saying why not (an unknown field and its
   *     number, or an encoding that differs from the canonical one)
   */
  public static Optional<String> problem(Message decoded, byte[] bytes) {
    Optional<String> unknown = unknownField(decoded, decoded.getDescriptorForType().getName());
    if (unknown.isPresent()) {
      return unknown;
    }
    if (!Arrays.equals(decoded.toByteArray(), bytes)) {
      return Optional.of(decoded.getDescriptorForType().getName()
          + " is not in canonical encoding (fields out of order, a default value written out, or an unpacked list)");
    }
    return Optional.empty();
  }

  /** The first unknown field in {@code m} or a message inside it, in field order; empty if none. */
  private static Optional<String> unknownField(Message m, String path) {
    Map<Integer, ?> unknown = m.getUnknownFields().asMap();
    if (!unknown.isEmpty()) {
      int first = unknown.keySet().stream().min(Integer::compare).orElseThrow();
      return Optional.of(path + " holds field " + first + ", which its schema does not declare");
    }
    for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
      if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (f.isRepeated()) {
        List<?> items = (List<?>) m.getField(f);
        for (int i = 0; i < items.size(); i++) {
          Optional<String> inner = unknownField((Message) items.get(i), path + "." + f.getName() + "[" + i + "]");
          if (inner.isPresent()) {
            return inner;
          }
        }
      } else if (m.hasField(f)) {
        Optional<String> inner = unknownField((Message) m.getField(f), path + "." + f.getName());
        if (inner.isPresent()) {
          return inner;
        }
      }
    }
    return Optional.empty();
  }
}
