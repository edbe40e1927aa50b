package org.veriflow.ml.recipe;

import org.veriflow.ml.io.Json;
import org.veriflow.ml.io.JsonMembers;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.veriflow.ml.EngineVersion;
import org.veriflow.ml.data.SplitRule;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Algorithm;

/**
 * A canonical training recipe: everything needed to replay a training and get the same model hash.
 *
 * <p>Canonical JSON (no whitespace, members in exactly this order):
 * <pre>{@code
 * {"format":"veriflow-recipe/1","engineVersion":"...","data":{"reference":"...","sha256":"<64 hex>"},
 *  "features":["..."],"label":"..." or null,"split":{"kind":"random|stratified","validation":0.2,
 *  "test":0.1},"algorithm":"...","hyperParameters":{...every parameter, names sorted...},"seed":42}
 * }</pre>
 * Numbers are written without exponent and without trailing zeros; the recipe hash is SHA-256 of the
 * UTF-8 bytes. Two recipes that differ only in member order, whitespace, number spelling or omitted
 * defaults have the same canonical form and hash.
 *
 * @param engineVersion   engine that must replay the recipe
 * @param dataReference   where the data comes from (a dataset id or file name; informative)
 * @param dataSha256      SHA-256 of the data file's bytes (checked before training)
 * @param features        input columns
 * @param label           target (regressor), categorical label (classifiers), optional evaluation
 *                        label with values 0/1 (isolation forest), or null (k-means)
 * @param split           split rule, with its fractions as written
 * @param algorithm       model family
 * @param hyperParameters complete hyper-parameters of the algorithm
 * @param seed            master seed of every random stream
 */
public record Recipe(String engineVersion, String dataReference, Sha256 dataSha256, List<String> features,
        String label, Split split, Algorithm algorithm, HyperParameters hyperParameters, long seed) {

    /** The value of the {@code format} member. */
    public static final String FORMAT = "veriflow-recipe/1";

    private static final JsonMembers MEMBERS_READER = new JsonMembers("recipe");

    private static final List<String> MEMBERS = List.of("format", "engineVersion", "data", "features", "label",
            "split", "algorithm", "hyperParameters", "seed");

    /**
     * The split member: kind and fractions exactly as written.
     *
     * @param kind       random or stratified
     * @param validation validation fraction
     * @param test       test fraction
     */
    public record Split(SplitRule.Kind kind, BigDecimal validation, BigDecimal test) {
        /**
         * @throws IllegalArgumentException if the fractions are invalid (see {@link SplitRule})
         */
        public Split {
            Objects.requireNonNull(kind, "split kind");
            validation = validation.stripTrailingZeros();
            test = test.stripTrailingZeros();
            toRule(kind, validation, test);
        }

        private static SplitRule toRule(SplitRule.Kind kind, BigDecimal validation, BigDecimal test) {
            return new SplitRule(kind, validation.doubleValue(), test.doubleValue());
        }

        /** The rule this member describes. */
        public SplitRule toRule() {
            return toRule(kind, validation, test);
        }
    }

    /**
     * @throws IllegalArgumentException if a field is missing or inconsistent: no features, a repeated
     *     feature, the label among the features, a label missing for a supervised algorithm or given
     *     for k-means, a stratified split for an algorithm without a categorical label, or
     *     hyper-parameters of another algorithm
     */
    public Recipe {
        Objects.requireNonNull(engineVersion, "engineVersion");
        Objects.requireNonNull(dataReference, "dataReference");
        Objects.requireNonNull(dataSha256, "dataSha256");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hyperParameters, "hyperParameters");
        features = List.copyOf(features);
        if (features.isEmpty()) {
            throw new IllegalArgumentException("recipe: at least one feature column is needed");
        }
        Set<String> seen = new HashSet<>();
        for (String f : features) {
            if (f.isBlank() || !seen.add(f)) {
                throw new IllegalArgumentException("recipe: feature '" + f + "' is blank or listed twice");
            }
        }
        if (label != null && features.contains(label)) {
            throw new IllegalArgumentException("recipe: the label column '" + label + "' is also a feature");
        }
        boolean supervised = algorithm == Algorithm.MLP_REGRESSOR || algorithm == Algorithm.MLP_CLASSIFIER
                || algorithm == Algorithm.LOGISTIC_REGRESSION;
        if (supervised && (label == null || label.isBlank())) {
            throw new IllegalArgumentException("recipe: algorithm " + algorithm.id() + " needs a label column");
        }
        if (algorithm == Algorithm.K_MEANS && label != null) {
            throw new IllegalArgumentException("recipe: algorithm k-means takes no label column, got '" + label + "'");
        }
        boolean categorical = algorithm == Algorithm.MLP_CLASSIFIER || algorithm == Algorithm.LOGISTIC_REGRESSION;
        if (split.kind() == SplitRule.Kind.STRATIFIED && !categorical) {
            throw new IllegalArgumentException("recipe: a stratified split needs a categorical label; algorithm "
                    + algorithm.id() + " has none");
        }
        if (hyperParameters.algorithm() != algorithm) {
            throw new IllegalArgumentException("recipe: hyper-parameters are for " + hyperParameters.algorithm().id()
                    + ", the algorithm is " + algorithm.id());
        }
    }

    /**
     * Builds a recipe for the current engine version, resolving {@code hyperParameters} with
     * {@link HyperParameters#of}.
     */
    public static Recipe of(String dataReference, Sha256 dataSha256, List<String> features, String label,
            Split split, Algorithm algorithm, Map<String, ?> hyperParameters, long seed) {
        return new Recipe(EngineVersion.CURRENT, dataReference, dataSha256, features, label, split, algorithm,
                HyperParameters.of(algorithm, hyperParameters), seed);
    }

    /** Returns the canonical JSON. */
    public String toCanonicalJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("engineVersion", engineVersion);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reference", dataReference);
        data.put("sha256", dataSha256.hex());
        root.put("data", data);
        root.put("features", features);
        root.put("label", label == null ? Json.NULL : label);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kind", split.kind().id());
        s.put("validation", split.validation());
        s.put("test", split.test());
        root.put("split", s);
        root.put("algorithm", algorithm.id());
        root.put("hyperParameters", hyperParameters.asMap());
        root.put("seed", seed);
        StringBuilder sb = new StringBuilder();
        Json.write(sb, root);
        return sb.toString();
    }

    /** The canonical JSON as UTF-8. */
    public byte[] canonicalBytes() {
        return toCanonicalJson().getBytes(StandardCharsets.UTF_8);
    }

    /** The recipe hash: SHA-256 of {@link #canonicalBytes()}. */
    public Sha256 hash() {
        return Sha256.of(canonicalBytes());
    }

    /**
     * Parses a recipe (any member order and whitespace; {@code hyperParameters} may omit defaults and
     * {@code label} may be omitted when there is none).
     *
     * @throws IllegalArgumentException naming the problem: invalid JSON, an unknown or missing member,
     *     a wrong type, an unknown format, algorithm or hyper-parameter, or an invalid value
     */
    public static Recipe parse(String json) {
        Object parsed = Json.parse(json);
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException("recipe: the JSON must be an object");
        }
        for (Object key : new ArrayList<>(root.keySet())) {
            if (!MEMBERS.contains(key)) {
                throw new IllegalArgumentException("recipe: unknown member '" + key + "'; known: "
                        + String.join(", ", MEMBERS));
            }
        }
        String format = MEMBERS_READER.string(root, "format", "");
        if (!format.equals(FORMAT)) {
            throw new IllegalArgumentException("recipe: format '" + format + "' is not supported; expected " + FORMAT);
        }
        String engine = MEMBERS_READER.string(root, "engineVersion", "");
        Map<?, ?> data = MEMBERS_READER.object(root, "data", "");
        MEMBERS_READER.onlyMembers(data, "data.", List.of("reference", "sha256"));
        String reference = MEMBERS_READER.string(data, "reference", "data.");
        Sha256 sha;
        try {
            sha = Sha256.fromHex(MEMBERS_READER.string(data, "sha256", "data."));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("recipe: data.sha256: " + e.getMessage());
        }
        Object featuresValue = MEMBERS_READER.required(root, "features", "");
        if (!(featuresValue instanceof List<?> featureList)) {
            throw new IllegalArgumentException("recipe: features must be a list of column names");
        }
        List<String> features = new ArrayList<>();
        for (Object f : featureList) {
            if (!(f instanceof String s)) {
                throw new IllegalArgumentException("recipe: features must be a list of column names, found " + f);
            }
            features.add(s);
        }
        Object labelValue = root.containsKey("label") ? root.get("label") : Json.NULL;
        String label;
        if (labelValue == Json.NULL) {
            label = null;
        } else if (labelValue instanceof String s) {
            label = s;
        } else {
            throw new IllegalArgumentException("recipe: label must be a column name or null");
        }
        Map<?, ?> splitValue = MEMBERS_READER.object(root, "split", "");
        MEMBERS_READER.onlyMembers(splitValue, "split.", List.of("kind", "validation", "test"));
        Split split = new Split(SplitRule.Kind.fromId(MEMBERS_READER.string(splitValue, "kind", "split.")),
                MEMBERS_READER.decimal(splitValue, "validation", "split."), MEMBERS_READER.decimal(splitValue, "test", "split."));
        Algorithm algorithm = Algorithm.fromId(MEMBERS_READER.string(root, "algorithm", ""));
        Map<String, Object> hyper = new LinkedHashMap<>();
        if (root.containsKey("hyperParameters")) {
            for (Map.Entry<?, ?> e : MEMBERS_READER.object(root, "hyperParameters", "").entrySet()) {
                hyper.put((String) e.getKey(), e.getValue());
            }
        }
        BigDecimal seedValue = MEMBERS_READER.decimal(root, "seed", "");
        long seed;
        try {
            seed = seedValue.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("recipe: seed must be an integer in the 64-bit range, got "
                    + Json.number(seedValue));
        }
        return new Recipe(engine, reference, sha, features, label, split, algorithm,
                HyperParameters.of(algorithm, hyper), seed);
    }

    /** Parses a UTF-8 recipe. */
    public static Recipe parse(byte[] utf8) {
        return parse(new String(utf8, StandardCharsets.UTF_8));
    }





}
