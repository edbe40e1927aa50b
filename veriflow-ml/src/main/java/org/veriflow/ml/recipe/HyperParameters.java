package org.veriflow.ml.recipe;

import org.veriflow.ml.io.Json;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.ml.model.Algorithm;

/**
 * The complete, validated hyper-parameters of one algorithm: every parameter the algorithm knows, the
 * given ones checked for type and range, the others at their defaults (see docs/ml-engine.md for the
 * table). Names are sorted, so the canonical JSON is fixed.
 *
 * <p>Immutable and thread-safe. Values are {@link BigDecimal}, {@link String}, {@link Boolean} or a
 * list of {@link BigDecimal}.
 */
public final class HyperParameters {

    enum Type { INT, NUMBER, BOOLEAN, CHOICE, INT_LIST }

    /** One parameter: its type, default and allowed range ({@code lowOpen}/{@code highOpen} exclude the bound). */
    record Spec(String name, Type type, Object defaultValue, BigDecimal low, boolean lowOpen, BigDecimal high,
            boolean highOpen, List<String> choices) {
    }

    private static final BigDecimal ZERO = BigDecimal.ZERO;
    private static final BigDecimal ONE = BigDecimal.ONE;

    private static Spec integer(String name, long defaultValue, long low, long high) {
        return new Spec(name, Type.INT, BigDecimal.valueOf(defaultValue), BigDecimal.valueOf(low), false,
                BigDecimal.valueOf(high), false, List.of());
    }

    private static Spec number(String name, String defaultValue, BigDecimal low, boolean lowOpen, BigDecimal high,
            boolean highOpen) {
        return new Spec(name, Type.NUMBER, new BigDecimal(defaultValue), low, lowOpen, high, highOpen, List.of());
    }

    private static Spec bool(String name, boolean defaultValue) {
        return new Spec(name, Type.BOOLEAN, defaultValue, null, false, null, false, List.of());
    }

    private static Spec choice(String name, String defaultValue, String... choices) {
        return new Spec(name, Type.CHOICE, defaultValue, null, false, null, false, List.of(choices));
    }

    private static List<Spec> gradientTraining() {
        return List.of(
                choice("optimizer", "adam", "adam", "sgd"),
                number("learningRate", "0.001", ZERO, true, new BigDecimal(10), false),
                number("beta1", "0.9", ZERO, false, ONE, true),
                number("beta2", "0.999", ZERO, false, ONE, true),
                number("epsilon", "1e-8", ZERO, true, ONE, false),
                number("momentum", "0.9", ZERO, false, ONE, true),
                number("decayRate", "1", ZERO, true, ONE, false),
                integer("decaySteps", 1000, 1, Long.MAX_VALUE),
                bool("staircase", false),
                integer("epochs", 100, 1, 1_000_000),
                integer("batchSize", 32, 1, 1 << 20),
                integer("earlyStoppingPatience", 0, 0, 1_000_000),
                number("earlyStoppingMinDelta", "0", ZERO, false, null, false),
                bool("restoreBestWeights", true));
    }

    private static List<Spec> mlp() {
        List<Spec> specs = new ArrayList<>(gradientTraining());
        specs.add(new Spec("hiddenLayers", Type.INT_LIST, List.of(new BigDecimal(64), new BigDecimal(64)),
                ONE, false, BigDecimal.valueOf(1 << 20), false, List.of()));
        specs.add(choice("activation", "relu", "relu", "tanh", "sigmoid"));
        specs.add(bool("batchNorm", false));
        specs.add(number("dropout", "0", ZERO, false, ONE, true));
        return specs;
    }

    /** The parameters of {@code algorithm}, sorted by name. */
    static SortedMap<String, Spec> specs(Algorithm algorithm) {
        List<Spec> list = switch (algorithm) {
            case MLP_REGRESSOR, MLP_CLASSIFIER -> mlp();
            case LOGISTIC_REGRESSION -> gradientTraining();
            case K_MEANS -> List.of(
                    integer("clusters", 8, 1, 1 << 20),
                    integer("maxIterations", 300, 1, 1_000_000),
                    number("tolerance", "0.0001", ZERO, false, null, false),
                    integer("initializations", 3, 1, 1000),
                    bool("standardize", false));
            case ISOLATION_FOREST -> List.of(
                    integer("trees", 100, 1, 100_000),
                    integer("sampleSize", 256, 2, 1 << 24),
                    number("threshold", "0.5", ZERO, true, ONE, true));
        };
        SortedMap<String, Spec> map = new TreeMap<>();
        for (Spec s : list) {
            map.put(s.name(), s);
        }
        return map;
    }

    private final Algorithm algorithm;
    private final SortedMap<String, Object> values;

    private HyperParameters(Algorithm algorithm, SortedMap<String, Object> values) {
        this.algorithm = algorithm;
        this.values = Collections.unmodifiableSortedMap(values);
    }

    /**
     * Validates {@code given} against {@code algorithm}'s parameters and fills in the defaults. Numbers
     * may be given as any {@link Number} (converted exactly via their decimal string), lists as lists
     * of numbers.
     *
     * @throws IllegalArgumentException naming an unknown parameter (and listing the known ones) or a
     *     value of the wrong type or out of range
     */
    public static HyperParameters of(Algorithm algorithm, Map<String, ?> given) {
        SortedMap<String, Spec> specs = specs(algorithm);
        for (String name : new TreeMap<>(given).keySet()) {
            if (!specs.containsKey(name)) {
                throw new IllegalArgumentException("unknown hyper-parameter '" + name + "' for algorithm "
                        + algorithm.id() + "; known: " + String.join(", ", specs.keySet()));
            }
        }
        SortedMap<String, Object> values = new TreeMap<>();
        for (Spec spec : specs.values()) {
            Object raw = given.containsKey(spec.name()) ? given.get(spec.name()) : spec.defaultValue();
            values.put(spec.name(), check(spec, raw));
        }
        return new HyperParameters(algorithm, values);
    }

    private static Object check(Spec spec, Object raw) {
        String name = "hyper-parameter '" + spec.name() + "'";
        switch (spec.type()) {
            case BOOLEAN -> {
                if (!(raw instanceof Boolean)) {
                    throw new IllegalArgumentException(name + " must be true or false, got " + describe(raw));
                }
                return raw;
            }
            case CHOICE -> {
                if (!(raw instanceof String s) || !spec.choices().contains(s)) {
                    throw new IllegalArgumentException(name + " must be one of " + spec.choices() + ", got "
                            + describe(raw));
                }
                return raw;
            }
            case INT, NUMBER -> {
                return checkNumber(spec, raw, name);
            }
            case INT_LIST -> {
                if (!(raw instanceof List<?> list)) {
                    throw new IllegalArgumentException(name + " must be a list of integers, got " + describe(raw));
                }
                List<BigDecimal> out = new ArrayList<>();
                for (Object item : list) {
                    out.add(checkNumber(new Spec(spec.name(), Type.INT, null, spec.low(), spec.lowOpen(), spec.high(),
                            spec.highOpen(), List.of()), item, name + " element"));
                }
                return List.copyOf(out);
            }
            default -> throw new IllegalStateException("unhandled type " + spec.type());
        }
    }

    private static BigDecimal checkNumber(Spec spec, Object raw, String name) {
        BigDecimal value = toDecimal(raw);
        if (value == null) {
            throw new IllegalArgumentException(name + " must be a number, got " + describe(raw));
        }
        value = value.stripTrailingZeros();
        if (spec.type() == Type.INT && value.scale() > 0) {
            throw new IllegalArgumentException(name + " must be an integer, got " + Json.number(value));
        }
        boolean tooLow = spec.low() != null
                && (spec.lowOpen() ? value.compareTo(spec.low()) <= 0 : value.compareTo(spec.low()) < 0);
        boolean tooHigh = spec.high() != null
                && (spec.highOpen() ? value.compareTo(spec.high()) >= 0 : value.compareTo(spec.high()) > 0);
        if (tooLow || tooHigh) {
            throw new IllegalArgumentException(name + " must be in " + (spec.lowOpen() ? "(" : "[")
                    + (spec.low() == null ? "-inf" : Json.number(spec.low())) + ", "
                    + (spec.high() == null ? "inf" : Json.number(spec.high())) + (spec.highOpen() ? ")" : "]")
                    + ", got " + Json.number(value));
        }
        return value;
    }

    private static BigDecimal toDecimal(Object raw) {
        if (raw instanceof BigDecimal d) {
            return d;
        }
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
            return BigDecimal.valueOf(((Number) raw).longValue());
        }
        if (raw instanceof Double d && Double.isFinite(d)) {
            return new BigDecimal(Double.toString(d));
        }
        return null;
    }

    private static String describe(Object raw) {
        if (raw instanceof String s) {
            return "\"" + s + "\"";
        }
        return raw instanceof BigDecimal d ? Json.number(d) : String.valueOf(raw);
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    /** Parameter names, sorted. */
    public List<String> names() {
        return List.copyOf(values.keySet());
    }

    /** The value, as stored (BigDecimal, String, Boolean or List of BigDecimal). */
    public Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("algorithm " + algorithm.id() + " has no hyper-parameter '" + name + "'");
        }
        return v;
    }

    public int getInt(String name) {
        return ((BigDecimal) get(name)).intValueExact();
    }

    public long getLong(String name) {
        return ((BigDecimal) get(name)).longValueExact();
    }

    /** The number as the nearest double (exactly rounded from its decimal form). */
    public double getDouble(String name) {
        return ((BigDecimal) get(name)).doubleValue();
    }

    public boolean getBoolean(String name) {
        return (Boolean) get(name);
    }

    public String getString(String name) {
        return (String) get(name);
    }

    public List<Integer> getIntList(String name) {
        List<Integer> out = new ArrayList<>();
        for (Object o : (List<?>) get(name)) {
            out.add(((BigDecimal) o).intValueExact());
        }
        return List.copyOf(out);
    }

    /** The values in name order, for the canonical JSON. */
    SortedMap<String, Object> asMap() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof HyperParameters h) || h.algorithm != algorithm) {
            return false;
        }
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        Json.write(a, values);
        Json.write(b, h.values);
        return a.toString().equals(b.toString());
    }

    @Override
    public int hashCode() {
        StringBuilder a = new StringBuilder();
        Json.write(a, values);
        return a.toString().hashCode();
    }

    @Override
    public String toString() {
        StringBuilder a = new StringBuilder();
        Json.write(a, values);
        return algorithm.id() + a;
    }
}
