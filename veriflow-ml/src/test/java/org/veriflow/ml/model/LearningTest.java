package org.veriflow.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.metrics.Metrics;
import org.veriflow.ml.nn.Activation;
import org.veriflow.ml.nn.EarlyStopping;
import org.veriflow.ml.nn.LearningRateSchedule;
import org.veriflow.ml.nn.Optimizer;
import org.veriflow.ml.nn.TrainingConfig;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/** The engine learns what it should: each test is a problem with a known answer. */
class LearningTest {

    private static final Parallelism SEQ = Parallelism.sequential();

    private static TrainingConfig adam(int epochs, int batch, double lr, double decay, long decaySteps, long seed) {
        return new TrainingConfig(epochs, batch, Optimizer.Adam.defaults(),
                new LearningRateSchedule(lr, decay, decaySteps, false), null, seed);
    }

    @Test
    void fit_xorData_reachesFullAccuracy() {
        Table xor = Table.builder().numeric("a", new double[] {0, 0, 1, 1}).numeric("b", new double[] {0, 1, 0, 1})
                .label("xor", List.of("0", "1", "1", "0")).build();
        MlpConfig config = new MlpConfig(List.of(8), Activation.TANH, false, 0.0, adam(500, 4, 0.05, 1.0, 1, 7));
        TrainedModel<MlpClassifier> trained = MlpClassifier.fit(xor, null, List.of("a", "b"), config, SEQ,
                TrainingListener.none());
        assertThat(trained.model().predict(xor)).containsExactly("0", "1", "1", "0");
        assertThat(trained.outcome().history().epochs().get(499).trainMetric()).isEqualTo(1.0);
    }

    /** y = 3 x1 - 2 x2 + 0.5 + N(0, 0.1^2). */
    private static Table linearData(int n, long seed) {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(seed);
        double[] x1 = new double[n];
        double[] x2 = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x1[i] = r.nextGaussian();
            x2[i] = 2 * r.nextDouble() - 1;
            y[i] = 3 * x1[i] - 2 * x2[i] + 0.5 + 0.1 * r.nextGaussian();
        }
        return Table.builder().numeric("x1", x1).numeric("x2", x2).numeric("y", y).build();
    }

    /** Training MSE of the ordinary least-squares fit, by the normal equations (3x3, Cramer's rule). */
    private static double leastSquaresMse(Table t) {
        double[] x1 = t.column("x1");
        double[] x2 = t.column("x2");
        double[] y = t.column("y");
        int n = y.length;
        double[][] a = new double[3][3];
        double[] b = new double[3];
        for (int i = 0; i < n; i++) {
            double[] row = {1, x1[i], x2[i]};
            for (int p = 0; p < 3; p++) {
                for (int q = 0; q < 3; q++) {
                    a[p][q] += row[p] * row[q];
                }
                b[p] += row[p] * y[i];
            }
        }
        double det = det(a);
        double[] w = new double[3];
        for (int c = 0; c < 3; c++) {
            double[][] m = new double[3][];
            for (int p = 0; p < 3; p++) {
                m[p] = a[p].clone();
                m[p][c] = b[p];
            }
            w[c] = det(m) / det;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double e = y[i] - (w[0] + w[1] * x1[i] + w[2] * x2[i]);
            sum += e * e;
        }
        return sum / n;
    }

    private static double det(double[][] m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    }

    @Test
    void fit_noisyLinearData_mseWithinOnePercentOfLeastSquares() {
        Table data = linearData(500, 11);
        double ls = leastSquaresMse(data);
        MlpConfig config = new MlpConfig(List.of(), Activation.RELU, false, 0.0, adam(400, 50, 0.05, 0.5, 800, 3));
        MlpRegressor model = MlpRegressor.fit(data, null, List.of("x1", "x2"), "y", config, SEQ,
                TrainingListener.none()).model();
        double mse = Metrics.meanSquaredError(data.column("y"), model.predict(data));
        assertThat(ls).isBetween(0.007, 0.013);
        assertThat(Math.abs(mse - ls) / ls).isLessThan(0.01);
    }

    @Test
    void fit_noisyLinearDataWithHiddenLayer_mseWithinOnePercentOfLeastSquares() {
        Table data = linearData(500, 12);
        double ls = leastSquaresMse(data);
        TrainingConfig training = new TrainingConfig(600, 50, Optimizer.Adam.defaults(),
                new LearningRateSchedule(0.003, 0.5, 3000, false), new EarlyStopping(50, 0.0, true), 4);
        MlpConfig config = new MlpConfig(List.of(16), Activation.RELU, false, 0.0, training);
        MlpRegressor model = MlpRegressor.fit(data, null, List.of("x1", "x2"), "y", config, SEQ,
                TrainingListener.none()).model();
        double mse = Metrics.meanSquaredError(data.column("y"), model.predict(data));
        assertThat(Math.abs(mse - ls) / ls).isLessThan(0.01);
    }

    /** Two Gaussian blobs with unit variance around (-2, -2) and (2, 2). */
    private static Table blobs(int perClass, long seed) {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(seed);
        double[] a = new double[2 * perClass];
        double[] b = new double[2 * perClass];
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 2 * perClass; i++) {
            double centre = i % 2 == 0 ? -2 : 2;
            a[i] = centre + r.nextGaussian();
            b[i] = centre + r.nextGaussian();
            labels.add(i % 2 == 0 ? "left" : "right");
        }
        return Table.builder().numeric("a", a).numeric("b", b).label("side", labels).build();
    }

    @Test
    void fit_twoGaussianBlobs_atLeast98PercentTestAccuracy() {
        Table train = blobs(200, 21);
        Table test = blobs(200, 22);
        Matrix testX = test.matrix(List.of("a", "b"));
        LogisticRegression logistic = LogisticRegression.fit(train, null, List.of("a", "b"),
                adam(50, 16, 0.05, 1.0, 1, 5), SEQ, TrainingListener.none()).model();
        MlpClassifier mlp = MlpClassifier.fit(train, null, List.of("a", "b"),
                new MlpConfig(List.of(16), Activation.RELU, true, 0.1, adam(30, 16, 0.01, 1.0, 1, 5)), SEQ,
                TrainingListener.none()).model();
        assertThat(Metrics.accuracy(test.labels(), logistic.predict(testX))).isGreaterThanOrEqualTo(0.98);
        assertThat(Metrics.accuracy(test.labels(), mlp.predict(testX))).isGreaterThanOrEqualTo(0.98);
        assertThat(logistic.coefficients().get(0, 0)).isPositive();
        assertThat(logistic.classes()).containsExactly("left", "right");
    }

    @Test
    void fit_threeClasses_softmaxLogisticRegressionSeparatesThem() {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(31);
        int n = 300;
        double[] a = new double[n];
        double[] b = new double[n];
        List<String> labels = new ArrayList<>();
        double[][] centres = {{0, 4}, {-4, -2}, {4, -2}};
        for (int i = 0; i < n; i++) {
            a[i] = centres[i % 3][0] + r.nextGaussian();
            b[i] = centres[i % 3][1] + r.nextGaussian();
            labels.add("c" + i % 3);
        }
        Table t = Table.builder().numeric("a", a).numeric("b", b).label("k", labels).build();
        LogisticRegression model = LogisticRegression.fit(t, null, List.of("a", "b"), adam(60, 16, 0.05, 1.0, 1, 2),
                SEQ, TrainingListener.none()).model();
        assertThat(model.coefficients().cols()).isEqualTo(3);
        assertThat(Metrics.accuracy(labels, model.predict(t.matrix(List.of("a", "b"))))).isGreaterThan(0.97);
    }

    @Test
    void isolationForest_plantedOutliers_aucAtLeast095() {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(41);
        int normal = 1000;
        int outliers = 20;
        double[] a = new double[normal + outliers];
        double[] b = new double[normal + outliers];
        boolean[] planted = new boolean[normal + outliers];
        for (int i = 0; i < normal; i++) {
            a[i] = r.nextGaussian();
            b[i] = r.nextGaussian();
        }
        for (int i = normal; i < normal + outliers; i++) {
            double radius = r.nextDouble(5, 8);
            double angle = r.nextDouble(0, 2 * Math.PI);
            a[i] = radius * StrictMath.cos(angle);
            b[i] = radius * StrictMath.sin(angle);
            planted[i] = true;
        }
        Table t = Table.builder().numeric("a", a).numeric("b", b).build();
        IsolationForest forest = IsolationForest.fit(t, List.of("a", "b"), new IsolationForest.Config(100, 256, 0.6, 9),
                SEQ);
        double[] scores = forest.score(t);
        assertThat(Metrics.rocAuc(planted, scores)).isGreaterThanOrEqualTo(0.95);
        boolean[] flagged = forest.predict(t.matrix(List.of("a", "b")));
        int flaggedOutliers = 0;
        for (int i = normal; i < normal + outliers; i++) {
            flaggedOutliers += flagged[i] ? 1 : 0;
        }
        assertThat(flaggedOutliers).isGreaterThanOrEqualTo(15);
    }

    @Test
    void kMeans_wellSeparatedBlobs_recoversCentres() {
        double[][] centres = {{0, 0}, {10, 10}, {-10, 10}};
        Xoshiro256StarStar r = Xoshiro256StarStar.create(51);
        int n = 600;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = centres[i % 3][0] + 0.5 * r.nextGaussian();
            b[i] = centres[i % 3][1] + 0.5 * r.nextGaussian();
        }
        Table t = Table.builder().numeric("a", a).numeric("b", b).build();
        KMeans model = KMeans.fit(t, List.of("a", "b"), new KMeans.Config(3, 100, 1e-6, 3, false, 5), SEQ);
        Matrix found = model.centres();
        for (double[] expected : centres) {
            double best = Double.POSITIVE_INFINITY;
            for (int k = 0; k < 3; k++) {
                best = Math.min(best, Math.hypot(found.get(k, 0) - expected[0], found.get(k, 1) - expected[1]));
            }
            assertThat(best).as("distance to centre (%s, %s)", expected[0], expected[1]).isLessThan(0.15);
        }
        int[] clusters = model.predict(t.matrix(List.of("a", "b")));
        for (int i = 3; i < n; i++) {
            assertThat(clusters[i]).isEqualTo(clusters[i % 3]);
        }
        assertThat(model.inertia() / n).isBetween(0.3, 0.7);
    }
}
