package org.veriflow.ml.recipe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.ml.EngineVersion;
import org.veriflow.ml.data.CsvReader;
import org.veriflow.ml.data.SplitRule;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.metrics.ConfusionMatrix;
import org.veriflow.ml.metrics.History;
import org.veriflow.ml.metrics.Metrics;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.ml.model.IsolationForest;
import org.veriflow.ml.model.KMeans;
import org.veriflow.ml.model.LogisticRegression;
import org.veriflow.ml.model.MlpClassifier;
import org.veriflow.ml.model.MlpConfig;
import org.veriflow.ml.model.MlpRegressor;
import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.TrainedModel;
import org.veriflow.ml.nn.Activation;
import org.veriflow.ml.nn.EarlyStopping;
import org.veriflow.ml.nn.LearningRateSchedule;
import org.veriflow.ml.nn.Optimizer;
import org.veriflow.ml.nn.TrainingConfig;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Runs a {@link Recipe} on the bytes of its data file: checks the engine version and the data hash,
 * reads the CSV (features numeric; the label numeric for the regressor, categorical otherwise),
 * splits with the recipe's seed, fits the model on the training split (the validation split drives
 * early stopping), and evaluates every non-empty split. The model hash depends only on the recipe
 * and the data, never on the parallelism or the listener.
 */
public final class RecipeRunner {

    private RecipeRunner() {
    }

    /**
     * Trains what {@code recipe} describes on {@code data}.
     *
     * @throws IllegalArgumentException if the engine version or data hash differs from the recipe's,
     *     or the data does not fit the recipe (missing column, bad value, too few rows or classes)
     * @throws IllegalStateException    if training diverges
     */
    public static TrainingRun run(Recipe recipe, byte[] data, Parallelism parallelism, TrainingListener listener) {
        if (!recipe.engineVersion().equals(EngineVersion.CURRENT)) {
            throw new IllegalArgumentException("recipe needs engine " + recipe.engineVersion() + ", this engine is "
                    + EngineVersion.CURRENT);
        }
        Sha256 actual = Sha256.of(data);
        if (!actual.equals(recipe.dataSha256())) {
            throw new IllegalArgumentException("data hash mismatch for '" + recipe.dataReference() + "': the recipe"
                    + " expects " + recipe.dataSha256().hex() + ", the data has " + actual.hex());
        }
        Algorithm algorithm = recipe.algorithm();
        List<String> numeric = new ArrayList<>(recipe.features());
        String categorical = null;
        if (algorithm == Algorithm.MLP_REGRESSOR) {
            numeric.add(recipe.label());
        } else {
            categorical = recipe.label();
        }
        Table table = CsvReader.read(data, numeric, categorical);
        SplitRule.Parts parts = recipe.split().toRule().apply(table.rowCount(),
                categorical == null ? null : table.labels(), recipe.seed());
        Table train = table.selectRows(parts.train());
        Table validation = parts.validation().length == 0 ? null : table.selectRows(parts.validation());
        Table test = parts.test().length == 0 ? null : table.selectRows(parts.test());
        HyperParameters h = recipe.hyperParameters();
        SortedMap<String, Double> metrics = new TreeMap<>();
        SortedMap<String, ConfusionMatrix> confusion = new TreeMap<>();
        Model model;
        Optional<History> history = Optional.empty();
        switch (algorithm) {
            case MLP_REGRESSOR -> {
                TrainedModel<MlpRegressor> t = MlpRegressor.fit(train, validation, recipe.features(), recipe.label(),
                        mlpConfig(h, recipe.seed()), parallelism, listener);
                model = t.model();
                history = Optional.of(t.outcome().history());
                for (Object[] part : parts(train, validation, test)) {
                    Table p = (Table) part[1];
                    double[] truth = p.column(recipe.label());
                    double[] predicted = t.model().predict(p);
                    metrics.put(part[0] + ".mse", Metrics.meanSquaredError(truth, predicted));
                    metrics.put(part[0] + ".mae", Metrics.meanAbsoluteError(truth, predicted));
                    metrics.put(part[0] + ".r2", Metrics.r2(truth, predicted));
                }
            }
            case MLP_CLASSIFIER -> {
                TrainedModel<MlpClassifier> t = MlpClassifier.fit(train, validation, recipe.features(),
                        mlpConfig(h, recipe.seed()), parallelism, listener);
                model = t.model();
                history = Optional.of(t.outcome().history());
                for (Object[] part : parts(train, validation, test)) {
                    Table p = (Table) part[1];
                    Matrix x = p.matrix(recipe.features());
                    classification(metrics, confusion, (String) part[0], p.labels(), t.model().predict(x),
                            t.model().predictProbabilities(x), t.model().classes());
                }
            }
            case LOGISTIC_REGRESSION -> {
                TrainedModel<LogisticRegression> t = LogisticRegression.fit(train, validation, recipe.features(),
                        trainingConfig(h, recipe.seed()), parallelism, listener);
                model = t.model();
                history = Optional.of(t.outcome().history());
                for (Object[] part : parts(train, validation, test)) {
                    Table p = (Table) part[1];
                    Matrix x = p.matrix(recipe.features());
                    classification(metrics, confusion, (String) part[0], p.labels(), t.model().predict(x),
                            t.model().predictProbabilities(x), t.model().classes());
                }
            }
            case K_MEANS -> {
                KMeans k = KMeans.fit(train, recipe.features(), new KMeans.Config(h.getInt("clusters"),
                        h.getInt("maxIterations"), h.getDouble("tolerance"), h.getInt("initializations"),
                        h.getBoolean("standardize"), recipe.seed()), parallelism);
                model = k;
                metrics.put("train.inertia", k.inertia());
            }
            case ISOLATION_FOREST -> {
                IsolationForest f = IsolationForest.fit(train, recipe.features(), new IsolationForest.Config(
                        h.getInt("trees"), h.getInt("sampleSize"), h.getDouble("threshold"), recipe.seed()),
                        parallelism);
                model = f;
                if (recipe.label() != null) {
                    for (Object[] part : parts(train, validation, test)) {
                        Table p = (Table) part[1];
                        boolean[] positive = new boolean[p.rowCount()];
                        boolean anyPositive = false;
                        boolean anyNegative = false;
                        for (int i = 0; i < positive.length; i++) {
                            String v = p.labels().get(i);
                            if (!v.equals("0") && !v.equals("1")) {
                                throw new IllegalArgumentException("isolation-forest label '" + recipe.label()
                                        + "' must be 0 or 1, found '" + v + "'");
                            }
                            positive[i] = v.equals("1");
                            anyPositive |= positive[i];
                            anyNegative |= !positive[i];
                        }
                        if (anyPositive && anyNegative) {
                            metrics.put(part[0] + ".auc", Metrics.rocAuc(positive, f.score(p)));
                        }
                    }
                }
            }
            default -> throw new IllegalStateException("unhandled algorithm " + algorithm);
        }
        return new TrainingRun(recipe, recipe.hash(), model, model.hash(), history, metrics, parts.train().length,
                parts.validation().length, parts.test().length, confusion);
    }

    private static List<Object[]> parts(Table train, Table validation, Table test) {
        List<Object[]> out = new ArrayList<>();
        out.add(new Object[] {"train", train});
        if (validation != null) {
            out.add(new Object[] {"validation", validation});
        }
        if (test != null) {
            out.add(new Object[] {"test", test});
        }
        return out;
    }

    private static void classification(SortedMap<String, Double> metrics, SortedMap<String, ConfusionMatrix> confusion,
            String part, List<String> truth, List<String> predicted, Matrix probabilities, List<String> classes) {
        metrics.put(part + ".accuracy", Metrics.accuracy(truth, predicted));
        if (classes.containsAll(truth)) {
            confusion.put(part, ConfusionMatrix.of(classes, truth, predicted));
        }
        if (classes.containsAll(truth)) {
            metrics.put(part + ".log_loss", Metrics.logLoss(truth, probabilities, classes));
        }
    }

    /** The network training settings a recipe's hyper-parameters describe. */
    static TrainingConfig trainingConfig(HyperParameters h, long seed) {
        Optimizer optimizer = h.getString("optimizer").equals("adam")
                ? new Optimizer.Adam(h.getDouble("beta1"), h.getDouble("beta2"), h.getDouble("epsilon"))
                : new Optimizer.Sgd(h.getDouble("momentum"));
        LearningRateSchedule schedule = new LearningRateSchedule(h.getDouble("learningRate"), h.getDouble("decayRate"),
                h.getLong("decaySteps"), h.getBoolean("staircase"));
        int patience = h.getInt("earlyStoppingPatience");
        EarlyStopping stopping = patience == 0 ? null
                : new EarlyStopping(patience, h.getDouble("earlyStoppingMinDelta"), h.getBoolean("restoreBestWeights"));
        return new TrainingConfig(h.getInt("epochs"), h.getInt("batchSize"), optimizer, schedule, stopping, seed);
    }

    static MlpConfig mlpConfig(HyperParameters h, long seed) {
        return new MlpConfig(h.getIntList("hiddenLayers"), Activation.fromId(h.getString("activation")),
                h.getBoolean("batchNorm"), h.getDouble("dropout"), trainingConfig(h, seed));
    }
}
