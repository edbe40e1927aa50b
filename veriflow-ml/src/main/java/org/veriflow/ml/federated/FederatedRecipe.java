package org.veriflow.ml.federated;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.ml.EngineVersion;
import org.veriflow.ml.data.Standardizer;
import org.veriflow.ml.io.CanonicalDecimal;
import org.veriflow.ml.io.Json;
import org.veriflow.ml.io.JsonMembers;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.model.MlpConfig;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.NetworkModels;
import org.veriflow.ml.nn.Activation;
import org.veriflow.ml.nn.LearningRateSchedule;
import org.veriflow.ml.nn.Network;
import org.veriflow.ml.nn.Optimizer;
import org.veriflow.ml.nn.TrainingConfig;
import org.veriflow.ml.recipe.HyperParameters;

/**
 * The recipe of a federated task: what every participant trains and how the global model starts.
 *
 * <p>Unlike a {@link org.veriflow.ml.recipe.Recipe}, it names no data and no split: each participant
 * trains on all rows of its own data, and the input standardisation is fixed by the recipe (never fitted
 * locally), so that every update lives in the same parameter space. Canonical JSON (no whitespace,
 * members in exactly this order):
 * <pre>{@code
 * {"format":"veriflow-fl-recipe/1","engineVersion":"...","algorithm":"mlp-classifier",
 *  "features":["..."],"label":"...","classes":["a","b"],"inputScaling":{"means":[...],"scales":[...]},
 *  "hyperParameters":{...every parameter, names sorted...},"seed":42}
 * }</pre>
 * {@code classes} is sorted and distinct for {@code mlp-classifier} and {@code logistic-regression} and
 * empty for {@code mlp-regressor} (whose target is not standardised: the network predicts it in its own
 * units). Numbers are written as by {@link org.veriflow.ml.recipe.Recipe}: no exponent, no trailing
 * zeros; means and scales keep the decimal value written and are used as the nearest double.
 * {@code hyperParameters.epochs} is the number of local epochs per round; batch normalisation and early
 * stopping are refused (a batch-normalised model's running statistics are not parameters that can be
 * averaged, and early stopping needs a validation split). The recipe hash is SHA-256 of the canonical
 * UTF-8 bytes.
 *
 * @param engineVersion   the engine that trains and aggregates (must be this engine)
 * @param algorithm       {@code MLP_CLASSIFIER}, {@code MLP_REGRESSOR} or {@code LOGISTIC_REGRESSION}
 * @param features        input columns, distinct
 * @param label           the categorical label (classifiers) or numeric target (regressor)
 * @param classes         sorted distinct classes (classifiers, at least two), empty (regressor)
 * @param means           input means, one per feature
 * @param scales          input scales, one per feature, positive
 * @param hyperParameters the algorithm's hyper-parameters
 * @param seed            seed of the initial weights (and the base of every participant's seed)
 */
public record FederatedRecipe(String engineVersion, Algorithm algorithm, List<String> features, String label,
        List<String> classes, List<BigDecimal> means, List<BigDecimal> scales, HyperParameters hyperParameters,
        long seed) {

    /** The value of the {@code format} member. */
    public static final String FORMAT = "veriflow-fl-recipe/1";

    /** Most hidden layers an MLP may have (the chain's limit for recipes). */
    public static final int MAX_HIDDEN_LAYERS = 32;
    /** Most units one hidden layer may have (the chain's limit for recipes). */
    public static final int MAX_HIDDEN_WIDTH = 4096;
    /** Most local epochs per round (the chain's limit for recipes). */
    public static final int MAX_EPOCHS = 100_000;
    /** Most input features. */
    public static final int MAX_FEATURES = 4096;
    /** Most classes. */
    public static final int MAX_CLASSES = 4096;

    private static final JsonMembers MEMBERS_READER = new JsonMembers("federated recipe");

    private static final List<String> MEMBERS = List.of("format", "engineVersion", "algorithm", "features", "label",
            "classes", "inputScaling", "hyperParameters", "seed");

    /**
     * @throws IllegalArgumentException with a sentence naming the problem: another engine version, an
     *     algorithm that is not a network model, no or repeated or blank features, a blank label or one
     *     that is also a feature, classes missing, unsorted, repeated or blank for a classifier or given
     *     for the regressor, means or scales of the wrong length, a scale not positive and finite, a mean
     *     not finite as a double, hyper-parameters of another algorithm, batch normalisation, early
     *     stopping, or more hidden layers, units or epochs than the limits
     */
    public FederatedRecipe {
        Objects.requireNonNull(engineVersion, "engineVersion");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(hyperParameters, "hyperParameters");
        features = List.copyOf(features);
        classes = List.copyOf(classes);
        means = stripped(means);
        scales = stripped(scales);
        if (!engineVersion.equals(EngineVersion.CURRENT)) {
            throw new IllegalArgumentException("federated recipe: engine version '" + engineVersion
                    + "' is not this engine's (" + EngineVersion.CURRENT + ")");
        }
        if (algorithm != Algorithm.MLP_CLASSIFIER && algorithm != Algorithm.MLP_REGRESSOR
                && algorithm != Algorithm.LOGISTIC_REGRESSION) {
            throw new IllegalArgumentException("federated recipe: algorithm " + algorithm.id()
                    + " cannot be trained federated; use mlp-classifier, mlp-regressor or logistic-regression");
        }
        if (features.isEmpty() || features.size() > MAX_FEATURES) {
            throw new IllegalArgumentException("federated recipe: 1 to " + MAX_FEATURES + " feature columns are needed, "
                    + "given " + features.size());
        }
        Set<String> seen = new HashSet<>();
        for (String f : features) {
            if (f.isBlank() || !seen.add(f)) {
                throw new IllegalArgumentException("federated recipe: feature '" + f + "' is blank or listed twice");
            }
        }
        if (label.isBlank()) {
            throw new IllegalArgumentException("federated recipe: the label column name is blank");
        }
        if (features.contains(label)) {
            throw new IllegalArgumentException("federated recipe: the label column '" + label + "' is also a feature");
        }
        if (algorithm == Algorithm.MLP_REGRESSOR) {
            if (!classes.isEmpty()) {
                throw new IllegalArgumentException("federated recipe: mlp-regressor predicts a number and takes no "
                        + "classes, given " + classes);
            }
        } else {
            if (classes.size() < 2 || classes.size() > MAX_CLASSES) {
                throw new IllegalArgumentException("federated recipe: algorithm " + algorithm.id() + " needs 2 to "
                        + MAX_CLASSES + " classes, given " + classes.size());
            }
            for (int i = 0; i < classes.size(); i++) {
                if (classes.get(i).isBlank()) {
                    throw new IllegalArgumentException("federated recipe: class " + i + " is blank");
                }
                if (i > 0 && classes.get(i - 1).compareTo(classes.get(i)) >= 0) {
                    throw new IllegalArgumentException("federated recipe: classes must be distinct and sorted; '"
                            + classes.get(i - 1) + "' comes before '" + classes.get(i) + "'");
                }
            }
        }
        if (means.size() != features.size() || scales.size() != features.size()) {
            throw new IllegalArgumentException("federated recipe: inputScaling needs one mean and one scale per "
                    + "feature (" + features.size() + "), given " + means.size() + " means and " + scales.size()
                    + " scales");
        }
        for (int j = 0; j < features.size(); j++) {
            double mean = means.get(j).doubleValue();
            double scale = scales.get(j).doubleValue();
            if (!Double.isFinite(mean)) {
                throw new IllegalArgumentException("federated recipe: the mean of feature '" + features.get(j)
                        + "' is out of the double range");
            }
            if (!(scale > 0.0) || !Double.isFinite(scale)) {
                throw new IllegalArgumentException("federated recipe: the scale of feature '" + features.get(j)
                        + "' must be positive and finite, given " + Json.number(scales.get(j)));
            }
        }
        if (hyperParameters.algorithm() != algorithm) {
            throw new IllegalArgumentException("federated recipe: hyper-parameters are for "
                    + hyperParameters.algorithm().id() + ", the algorithm is " + algorithm.id());
        }
        if (hyperParameters.getInt("earlyStoppingPatience") != 0) {
            throw new IllegalArgumentException("federated recipe: earlyStoppingPatience must be 0: local training "
                    + "has no validation split and runs every epoch");
        }
        if (hyperParameters.getInt("epochs") > MAX_EPOCHS) {
            throw new IllegalArgumentException("federated recipe: at most " + MAX_EPOCHS + " local epochs, given "
                    + hyperParameters.getInt("epochs"));
        }
        if (algorithm != Algorithm.LOGISTIC_REGRESSION) {
            if (hyperParameters.getBoolean("batchNorm")) {
                throw new IllegalArgumentException("federated recipe: batchNorm must be false: running statistics "
                        + "are not parameters and cannot be aggregated");
            }
            List<Integer> hidden = hyperParameters.getIntList("hiddenLayers");
            if (hidden.size() > MAX_HIDDEN_LAYERS) {
                throw new IllegalArgumentException("federated recipe: at most " + MAX_HIDDEN_LAYERS
                        + " hidden layers, given " + hidden.size());
            }
            for (int units : hidden) {
                if (units > MAX_HIDDEN_WIDTH) {
                    throw new IllegalArgumentException("federated recipe: a hidden layer has at most "
                            + MAX_HIDDEN_WIDTH + " units, given " + units);
                }
            }
        }
    }

    private static List<BigDecimal> stripped(List<BigDecimal> values) {
        List<BigDecimal> out = new ArrayList<>(values.size());
        for (BigDecimal v : values) {
            out.add(v.stripTrailingZeros());
        }
        return List.copyOf(out);
    }

    /**
     * Builds a recipe for this engine from doubles (written with {@link CanonicalDecimal}) and a map of
     * hyper-parameters resolved with {@link HyperParameters#of}.
     *
     * @param algorithm       the model family
     * @param features        input columns
     * @param label           label or target column
     * @param classes         sorted classes (classifiers) or empty (regressor)
     * @param means           input means, one per feature
     * @param scales          input scales, one per feature
     * @param hyperParameters given hyper-parameters (the others take their defaults)
     * @param seed            seed of the initial weights
     * @return the recipe
     * @throws IllegalArgumentException as the canonical constructor, or for a non-finite mean or scale
     *     or an unknown or invalid hyper-parameter
     */
    public static FederatedRecipe of(Algorithm algorithm, List<String> features, String label, List<String> classes,
            double[] means, double[] scales, Map<String, ?> hyperParameters, long seed) {
        return new FederatedRecipe(EngineVersion.CURRENT, algorithm, features, label, classes, decimals(means),
                decimals(scales), HyperParameters.of(algorithm, hyperParameters), seed);
    }

    private static List<BigDecimal> decimals(double[] values) {
        List<BigDecimal> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(new BigDecimal(CanonicalDecimal.format(v)));
        }
        return out;
    }

    /**
     * Returns the canonical JSON as UTF-8.
     *
     * @return a new array
     */
    public byte[] toCanonicalJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("engineVersion", engineVersion);
        root.put("algorithm", algorithm.id());
        root.put("features", features);
        root.put("label", label);
        root.put("classes", classes);
        Map<String, Object> scaling = new LinkedHashMap<>();
        scaling.put("means", means);
        scaling.put("scales", scales);
        root.put("inputScaling", scaling);
        SortedMap<String, Object> hyper = new TreeMap<>();
        for (String name : hyperParameters.names()) {
            hyper.put(name, hyperParameters.get(name));
        }
        root.put("hyperParameters", hyper);
        root.put("seed", seed);
        StringBuilder sb = new StringBuilder();
        Json.write(sb, root);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Returns the recipe hash.
     *
     * @return SHA-256 of {@link #toCanonicalJson()}
     */
    public Sha256 hash() {
        return Sha256.of(toCanonicalJson());
    }

    /**
     * Parses a federated recipe (any member order and whitespace; {@code hyperParameters} may omit
     * defaults, every other member is required).
     *
     * @param json UTF-8 JSON
     * @return the recipe
     * @throws IllegalArgumentException with a sentence naming the problem: invalid JSON, an unknown or
     *     missing member, a wrong type, another format, an algorithm other than the three network models,
     *     or any check of the canonical constructor
     */
    public static FederatedRecipe parse(byte[] json) {
        Object parsed;
        try {
            parsed = Json.parse(new String(json, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("federated recipe: invalid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException("federated recipe: the JSON must be an object");
        }
        MEMBERS_READER.onlyMembers(root, "", MEMBERS);
        String format = MEMBERS_READER.string(root, "format", "");
        if (!format.equals(FORMAT)) {
            throw new IllegalArgumentException("federated recipe: format '" + format + "' is not supported; expected "
                    + FORMAT);
        }
        String engine = MEMBERS_READER.string(root, "engineVersion", "");
        String algorithmId = MEMBERS_READER.string(root, "algorithm", "");
        Algorithm algorithm;
        try {
            algorithm = Algorithm.fromId(algorithmId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("federated recipe: algorithm '" + algorithmId
                    + "' is not one of mlp-classifier, mlp-regressor, logistic-regression");
        }
        if (algorithm != Algorithm.MLP_CLASSIFIER && algorithm != Algorithm.MLP_REGRESSOR
                && algorithm != Algorithm.LOGISTIC_REGRESSION) {
            throw new IllegalArgumentException("federated recipe: algorithm " + algorithm.id()
                    + " cannot be trained federated; use mlp-classifier, mlp-regressor or logistic-regression");
        }
        List<String> features = MEMBERS_READER.strings(root, "features", "");
        String label = MEMBERS_READER.string(root, "label", "");
        List<String> classes = MEMBERS_READER.strings(root, "classes", "");
        Map<?, ?> scaling = MEMBERS_READER.object(root, "inputScaling", "");
        MEMBERS_READER.onlyMembers(scaling, "inputScaling.", List.of("means", "scales"));
        List<BigDecimal> means = MEMBERS_READER.numbers(scaling, "means", "inputScaling.");
        List<BigDecimal> scales = MEMBERS_READER.numbers(scaling, "scales", "inputScaling.");
        Map<String, Object> hyper = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : MEMBERS_READER.object(root, "hyperParameters", "").entrySet()) {
            hyper.put((String) e.getKey(), e.getValue());
        }
        BigDecimal seedValue = MEMBERS_READER.decimal(root, "seed", "");
        long seed;
        try {
            seed = seedValue.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("federated recipe: seed must be an integer in the 64-bit range, got "
                    + Json.number(seedValue));
        }
        HyperParameters hyperParameters;
        try {
            hyperParameters = HyperParameters.of(algorithm, hyper);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("federated recipe: " + e.getMessage(), e);
        }
        return new FederatedRecipe(engine, algorithm, features, label, classes, means, scales, hyperParameters, seed);
    }

    /**
     * Builds the round-0 global model: the network exactly as the non-federated trainer builds it from
     * {@link #seed()} (same layers, same initial weights), the input scaling of the recipe as its
     * scaler, the recipe's classes. The same recipe always gives the same model hash.
     *
     * @return the initial model
     */
    public Model initialModel() {
        return NetworkModels.assemble(algorithm, features, label, classes, scaler(), network(seed));
    }

    /**
     * Returns the number of trainable parameters (weights and biases) of the model.
     *
     * @return the parameter count, the length of every update's {@link Parameters#of} vector
     */
    public long parameterCount() {
        long count = 0;
        long width = features.size();
        if (algorithm != Algorithm.LOGISTIC_REGRESSION) {
            for (int units : hyperParameters.getIntList("hiddenLayers")) {
                count += (width + 1) * units;
                width = units;
            }
        }
        return count + (width + 1) * outputs();
    }

    /**
     * Returns the work of one participant's local training: parameters × rows × local epochs, a
     * deterministic measure of the cost (not a time).
     *
     * @param rows the participant's training rows
     * @return the product, or {@link Long#MAX_VALUE} if it overflows
     * @throws IllegalArgumentException if {@code rows} is negative
     */
    public long localTrainingCost(long rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative, not " + rows);
        }
        try {
            return Math.multiplyExact(Math.multiplyExact(parameterCount(), rows), (long) epochs());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Returns the local epochs per round.
     *
     * @return {@code hyperParameters.epochs}
     */
    public int epochs() {
        return hyperParameters.getInt("epochs");
    }

    /** Whether the label is categorical (a classifier) rather than a numeric target. */
    boolean classifier() {
        return algorithm != Algorithm.MLP_REGRESSOR;
    }

    /** Network outputs: one per class, one for a binary logistic regression or for the regressor. */
    int outputs() {
        if (algorithm == Algorithm.MLP_REGRESSOR
                || (algorithm == Algorithm.LOGISTIC_REGRESSION && classes.size() == 2)) {
            return 1;
        }
        return classes.size();
    }

    /** The input scaling as the model's scaler. */
    Standardizer scaler() {
        double[] m = new double[means.size()];
        double[] s = new double[scales.size()];
        for (int j = 0; j < m.length; j++) {
            m[j] = means.get(j).doubleValue();
            s[j] = scales.get(j).doubleValue();
        }
        return new Standardizer(m, s);
    }

    /** The recipe's network with weights drawn from {@code networkSeed} (dropout masks too). */
    Network network(long networkSeed) {
        if (algorithm == Algorithm.LOGISTIC_REGRESSION) {
            return Network.builder(features.size(), networkSeed).dense(outputs()).build();
        }
        return NetworkModels.mlpNetwork(features.size(), outputs(), mlpConfig(networkSeed));
    }

    /** The training settings with shuffling drawn from {@code trainingSeed}; never early stopping. */
    TrainingConfig trainingConfig(long trainingSeed) {
        HyperParameters h = hyperParameters;
        Optimizer optimizer = h.getString("optimizer").equals("adam")
                ? new Optimizer.Adam(h.getDouble("beta1"), h.getDouble("beta2"), h.getDouble("epsilon"))
                : new Optimizer.Sgd(h.getDouble("momentum"));
        LearningRateSchedule schedule = new LearningRateSchedule(h.getDouble("learningRate"), h.getDouble("decayRate"),
                h.getLong("decaySteps"), h.getBoolean("staircase"));
        return new TrainingConfig(h.getInt("epochs"), h.getInt("batchSize"), optimizer, schedule, null, trainingSeed);
    }

    private MlpConfig mlpConfig(long networkSeed) {
        HyperParameters h = hyperParameters;
        return new MlpConfig(h.getIntList("hiddenLayers"), Activation.fromId(h.getString("activation")), false,
                h.getDouble("dropout"), trainingConfig(networkSeed));
    }







}
