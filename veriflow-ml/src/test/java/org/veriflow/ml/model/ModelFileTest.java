package org.veriflow.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veriflow.ml.data.Table;
import org.veriflow.ml.io.MalformedModelException;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.nn.Activation;
import org.veriflow.ml.nn.LearningRateSchedule;
import org.veriflow.ml.nn.Optimizer;
import org.veriflow.ml.nn.TrainingConfig;
import org.veriflow.ml.nn.TrainingListener;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

class ModelFileTest {

    private static final Parallelism SEQ = Parallelism.sequential();
    private static final TrainingConfig TRAINING = new TrainingConfig(3, 8, Optimizer.Adam.defaults(),
            LearningRateSchedule.constant(0.01), null, 1);

    static Table data() {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(77);
        int n = 60;
        double[] a = new double[n];
        double[] b = new double[n];
        double[] y = new double[n];
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            a[i] = r.nextGaussian();
            b[i] = r.nextGaussian() * 3 + 10;
            y[i] = a[i] - b[i];
            labels.add(i % 3 == 0 ? "x" : i % 3 == 1 ? "y" : "z");
        }
        return Table.builder().numeric("a", a).numeric("b", b).numeric("y", y).label("k", labels).build();
    }

    static List<Model> models() {
        Table t = data();
        List<String> f = List.of("a", "b");
        MlpConfig mlp = new MlpConfig(List.of(4), Activation.RELU, true, 0.1, TRAINING);
        List<Model> models = new ArrayList<>();
        models.add(MlpRegressor.fit(t, null, f, "y", mlp, SEQ, TrainingListener.none()).model());
        models.add(MlpClassifier.fit(t, null, f, mlp, SEQ, TrainingListener.none()).model());
        models.add(LogisticRegression.fit(t, null, f, TRAINING, SEQ, TrainingListener.none()).model());
        models.add(KMeans.fit(t, f, new KMeans.Config(3, 20, 0, 1, true, 1), SEQ));
        models.add(IsolationForest.fit(t, f, new IsolationForest.Config(5, 16, 0.5, 1), SEQ));
        return models;
    }

    @Test
    void writeReadWrite_everyAlgorithm_sameBytesAndPredictions() {
        Matrix x = data().matrix(List.of("a", "b"));
        for (Model model : models()) {
            byte[] bytes = ModelFile.write(model);
            Model read = ModelFile.read(bytes);
            assertThat(read.algorithm()).isEqualTo(model.algorithm());
            assertThat(ModelFile.write(read)).as(model.algorithm().id()).isEqualTo(bytes);
            assertThat(read.hash()).isEqualTo(Sha256.of(bytes)).isEqualTo(model.hash());
            assertThat(read.featureNames()).containsExactly("a", "b");
            assertThat(predictions(read, x)).isEqualTo(predictions(model, x));
        }
    }

    private static String predictions(Model m, Matrix x) {
        if (m instanceof MlpRegressor r) {
            return Arrays.toString(r.predict(x));
        } else if (m instanceof MlpClassifier c) {
            return c.predict(x) + Arrays.deepToString(c.predictProbabilities(x).toArray());
        } else if (m instanceof LogisticRegression l) {
            return Arrays.deepToString(l.predictProbabilities(x).toArray());
        } else if (m instanceof KMeans k) {
            return Arrays.toString(k.predict(x));
        }
        return Arrays.toString(((IsolationForest) m).score(x));
    }

    @Test
    void read_truncatedFile_rejectedAtEveryLength() {
        byte[] bytes = ModelFile.write(models().get(0));
        List<Integer> accepted = new ArrayList<>();
        for (int len = 0; len < bytes.length; len += 7) {
            try {
                ModelFile.read(Arrays.copyOf(bytes, len));
                accepted.add(len);
            } catch (MalformedModelException expected) {
                assertThat(expected.getMessage()).startsWith("malformed model file:");
            }
        }
        assertThat(accepted).isEmpty();
    }

    @Test
    void read_corruptHeaderOrTrailingBytes_rejectedWithReason() {
        byte[] bytes = ModelFile.write(models().get(1));
        byte[] badMagic = bytes.clone();
        badMagic[0] = 'X';
        assertThatThrownBy(() -> ModelFile.read(badMagic)).hasMessageContaining("no VFML magic");
        byte[] badVersion = bytes.clone();
        badVersion[7] = 9;
        assertThatThrownBy(() -> ModelFile.read(badVersion)).hasMessageContaining("format version 9");
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> ModelFile.read(trailing)).hasMessageContaining("trailing bytes");
    }

    @Test
    void read_nonFiniteWeight_rejected() {
        byte[] bytes = ModelFile.write(models().get(2));
        // the last 8 bytes are the final bias of the logistic regression's dense layer
        byte[] nan = bytes.clone();
        long bits = Double.doubleToRawLongBits(Double.NaN);
        for (int i = 0; i < 8; i++) {
            nan[nan.length - 8 + i] = (byte) (bits >>> (56 - 8 * i));
        }
        assertThatThrownBy(() -> ModelFile.read(nan)).hasMessageContaining("not finite");
    }

    @Test
    void hash_differentWeights_differentHash() {
        Table t = data();
        MlpConfig a = new MlpConfig(List.of(4), Activation.RELU, false, 0, TRAINING);
        MlpConfig b = new MlpConfig(List.of(4), Activation.RELU, false, 0, new TrainingConfig(3, 8,
                Optimizer.Adam.defaults(), LearningRateSchedule.constant(0.01), null, 2));
        Sha256 first = MlpRegressor.fit(t, null, List.of("a", "b"), "y", a, SEQ, TrainingListener.none()).model().hash();
        Sha256 again = MlpRegressor.fit(t, null, List.of("a", "b"), "y", a, SEQ, TrainingListener.none()).model().hash();
        Sha256 other = MlpRegressor.fit(t, null, List.of("a", "b"), "y", b, SEQ, TrainingListener.none()).model().hash();
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }
}
