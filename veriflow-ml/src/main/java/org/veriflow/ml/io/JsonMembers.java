package org.veriflow.ml.io;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Typed access to the members of a JSON object parsed by {@link Json}, failing with a sentence that
 * names the document and the member's path ("recipe: member 'split.kind' must be a string").
 * Immutable and thread-safe.
 */
public final class JsonMembers {

    private final String document;

    /**
     * @param document what the JSON is, the first words of every message: "recipe", "federated recipe"
     * @throws NullPointerException if {@code document} is null
     */
    public JsonMembers(String document) {
        this.document = Objects.requireNonNull(document, "document");
    }

    /**
     * The member {@code key} of {@code map}, whatever its type.
     *
     * @param map    a parsed JSON object
     * @param key    the member's name
     * @param prefix the object's path with a trailing dot ("split."), or "" for the root
     * @return its value (null for JSON null)
     * @throws IllegalArgumentException if the member is missing
     */
    public Object required(Map<?, ?> map, String key, String prefix) {
        if (!map.containsKey(key)) {
            throw new IllegalArgumentException(document + ": member '" + prefix + key + "' is missing");
        }
        return map.get(key);
    }

    /**
     * @return the member {@code key}, a string
     * @throws IllegalArgumentException if it is missing or not a string
     */
    public String string(Map<?, ?> map, String key, String prefix) {
        if (!(required(map, key, prefix) instanceof String s)) {
            throw new IllegalArgumentException(document + ": member '" + prefix + key + "' must be a string");
        }
        return s;
    }

    /**
     * @return the member {@code key}, a number
     * @throws IllegalArgumentException if it is missing or not a number
     */
    public BigDecimal decimal(Map<?, ?> map, String key, String prefix) {
        if (!(required(map, key, prefix) instanceof BigDecimal d)) {
            throw new IllegalArgumentException(document + ": member '" + prefix + key + "' must be a number");
        }
        return d;
    }

    /**
     * @return the member {@code key}, an object
     * @throws IllegalArgumentException if it is missing or not an object
     */
    public Map<?, ?> object(Map<?, ?> map, String key, String prefix) {
        if (!(required(map, key, prefix) instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(document + ": member '" + prefix + key + "' must be an object");
        }
        return m;
    }

    /**
     * @return the member {@code key}, a list of strings, in order
     * @throws IllegalArgumentException if it is missing, not a list, or holds anything but strings
     */
    public List<String> strings(Map<?, ?> map, String key, String prefix) {
        return list(map, key, prefix, String.class, "strings");
    }

    /**
     * @return the member {@code key}, a list of numbers, in order
     * @throws IllegalArgumentException if it is missing, not a list, or holds anything but numbers
     */
    public List<BigDecimal> numbers(Map<?, ?> map, String key, String prefix) {
        return list(map, key, prefix, BigDecimal.class, "numbers");
    }

    private <T> List<T> list(Map<?, ?> map, String key, String prefix, Class<T> type, String what) {
        if (!(required(map, key, prefix) instanceof List<?> list)) {
            throw new IllegalArgumentException(document + ": member '" + prefix + key + "' must be a list of " + what);
        }
        List<T> out = new ArrayList<>();
        for (Object o : list) {
            if (!type.isInstance(o)) {
                throw new IllegalArgumentException(document + ": member '" + prefix + key + "' must be a list of " + what
                        + ", found " + o);
            }
            out.add(type.cast(o));
        }
        return out;
    }

    /**
     * Refuses members other than {@code allowed}.
     *
     * @param map     a parsed JSON object
     * @param prefix  the object's path with a trailing dot, or "" for the root
     * @param allowed the members it may have
     * @throws IllegalArgumentException naming the first unknown member and the known ones
     */
    public void onlyMembers(Map<?, ?> map, String prefix, List<String> allowed) {
        for (Object key : new ArrayList<>(map.keySet())) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(document + ": unknown member '" + prefix + key + "'; known: "
                        + String.join(", ", allowed));
            }
        }
    }
}
