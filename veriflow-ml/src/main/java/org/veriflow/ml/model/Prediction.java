package org.veriflow.ml.model;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.veriflow.ml.io.CanonicalDecimal;
import org.veriflow.ml.io.Json;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.tensor.Matrix;

/**
 * One answer of a model, in the canonical form a decision log keeps: the input and the output as
 * canonical JSON (no whitespace, members in a fixed order, numbers as {@link CanonicalDecimal}), so
 * that the same model on the same input gives the same bytes on every machine and JDK, and a
 * recorded decision can be replayed and compared byte for byte.
 *
 * <ul>
 *   <li>Input: an object with one member per feature, in the model's feature order.
 *   <li>Output: {@code {"<target>":y}} for a regressor; {@code {"class":"c","probabilities":{...}}}
 *       (classes in the model's order) for a classifier; {@code {"cluster":i}} for k-means; {@code
 *       {"anomaly":true|false,"score":s}} for an isolation forest.
 *   <li>Attributions: input × gradient per feature for networks and logistic regression (of the
 *       predicted class's score for classifiers); none for k-means and isolation forests.
 * </ul>
 *
 * @param input        the canonical input bytes (UTF-8 JSON)
 * @param inputSha256  SHA-256 of {@code input}
 * @param output       the canonical output bytes (UTF-8 JSON)
 * @param attributions one per feature, in feature order, or empty
 */
public record Prediction(byte[] input, Sha256 inputSha256, byte[] output, List<FeatureAttribution> attributions) {

    public Prediction {
        input = input.clone();
        output = output.clone();
        attributions = List.copyOf(attributions);
    }

    @Override
    public byte[] input() {
        return input.clone();
    }

    @Override
    public byte[] output() {
        return output.clone();
    }

    /**
     * Answers {@code inputJson}, a JSON object holding a finite number for each of the model's
     * features and nothing else.
     *
     * @throws IllegalArgumentException naming the problem if the input is not such an object
     */
    public static Prediction of(Model model, String inputJson) {
        double[] row = parseInput(model.featureNames(), inputJson);
        Map<String, Object> canonical = new LinkedHashMap<>();
        for (int j = 0; j < row.length; j++) {
            canonical.put(model.featureNames().get(j), decimal(row[j]));
        }
        byte[] input = json(canonical);
        Map<String, Object> out = new LinkedHashMap<>();
        List<FeatureAttribution> attributions = List.of();
        if (model instanceof MlpRegressor m) {
            out.put(m.target(), decimal(m.predict(row)));
            attributions = m.explain(row);
        } else if (model instanceof MlpClassifier m) {
            String predicted = classify(out, m.classes(), m.predictProbabilities(Matrix.of(new double[][] {row})));
            attributions = m.explain(row, predicted);
        } else if (model instanceof LogisticRegression m) {
            String predicted = classify(out, m.classes(), m.predictProbabilities(Matrix.of(new double[][] {row})));
            attributions = m.explain(row, predicted);
        } else if (model instanceof KMeans m) {
            out.put("cluster", (long) m.predict(Matrix.of(new double[][] {row}))[0]);
        } else {
            IsolationForest f = (IsolationForest) model;
            Matrix x = Matrix.of(new double[][] {row});
            out.put("anomaly", f.predict(x)[0]);
            out.put("score", decimal(f.score(x)[0]));
        }
        for (FeatureAttribution a : attributions) {
            if (!Double.isFinite(a.attribution())) {
                throw new IllegalArgumentException("the attribution of feature '" + a.feature() + "' is not finite for this input");
            }
        }
        return new Prediction(input, Sha256.of(input), json(out), attributions);
    }

    /** The input as canonical JSON text. */
    public String inputJson() {
        return new String(input, StandardCharsets.UTF_8);
    }

    /** The output as canonical JSON text. */
    public String outputJson() {
        return new String(output, StandardCharsets.UTF_8);
    }

    private static String classify(Map<String, Object> out, List<String> classes, Matrix probabilities) {
        int best = 0;
        for (int c = 1; c < classes.size(); c++) {
            if (probabilities.get(0, c) > probabilities.get(0, best)) {
                best = c;
            }
        }
        Map<String, Object> p = new LinkedHashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            p.put(classes.get(c), decimal(probabilities.get(0, c)));
        }
        out.put("class", classes.get(best));
        out.put("probabilities", p);
        return classes.get(best);
    }

    private static double[] parseInput(List<String> features, String inputJson) {
        Object parsed;
        try {
            parsed = Json.parse(inputJson);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the input is not JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("the input must be a JSON object of feature values, e.g. {\"" + features.get(0) + "\": 1.5}");
        }
        List<String> unknown = new ArrayList<>();
        for (Object k : map.keySet()) {
            if (!features.contains((String) k)) {
                unknown.add((String) k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the model has no feature " + unknown + "; its features are " + features);
        }
        double[] row = new double[features.size()];
        for (int j = 0; j < row.length; j++) {
            Object v = map.get(features.get(j));
            if (v == null) {
                throw new IllegalArgumentException("the input lacks feature '" + features.get(j) + "'; the model reads " + features);
            }
            if (!(v instanceof BigDecimal d)) {
                throw new IllegalArgumentException("feature '" + features.get(j) + "' must be a number");
            }
            row[j] = d.doubleValue();
            if (!Double.isFinite(row[j])) {
                throw new IllegalArgumentException("feature '" + features.get(j) + "' is out of the double range");
            }
        }
        return row;
    }

    private static BigDecimal decimal(double v) {
        return new BigDecimal(CanonicalDecimal.format(v));
    }

    private static byte[] json(Map<String, Object> value) {
        StringBuilder sb = new StringBuilder();
        Json.write(sb, value);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
