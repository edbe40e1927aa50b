package org.veriflow.ml.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.veriflow.ml.random.Xoshiro256StarStar;

class KernelsTest {

    private static Matrix random(int rows, int cols, long seed) {
        Xoshiro256StarStar r = Xoshiro256StarStar.create(seed);
        Matrix m = Matrix.zeros(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m.set(i, j, r.nextGaussian());
            }
        }
        return m;
    }

    /** The naive triple loop, summing in index order: the reference the blocked kernels must match bit for bit. */
    private static Matrix naive(Matrix a, Matrix b, double[] bias) {
        Matrix c = Matrix.zeros(a.rows(), b.cols());
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < b.cols(); j++) {
                double s = bias == null ? 0.0 : bias[j];
                for (int k = 0; k < a.cols(); k++) {
                    s = s + a.get(i, k) * b.get(k, j);
                }
                c.set(i, j, s);
            }
        }
        return c;
    }

    private static Matrix transposeOf(Matrix a) {
        Matrix t = Matrix.zeros(a.cols(), a.rows());
        Kernels.transpose(a, t);
        return t;
    }

    @Test
    void multiply_oddShapes_bitIdenticalToNaiveLoop() {
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {17, 33, 9}, {64, 100, 10}, {5, 4, 130}, {35, 131, 66}};
        for (int[] s : shapes) {
            Matrix a = random(s[0], s[1], 1);
            Matrix b = random(s[1], s[2], 2);
            double[] bias = random(1, s[2], 3).row(0);
            Matrix out = Matrix.zeros(s[0], s[2]);
            Kernels.multiply(a, b, bias, out, Parallelism.sequential());
            assertThat(out.contentEquals(naive(a, b, bias))).as("shape %s", java.util.Arrays.toString(s)).isTrue();
        }
    }

    @Test
    void multiplyTransposedA_oddShapes_bitIdenticalToNaiveLoop() {
        int[][] shapes = {{1, 1, 1}, {7, 3, 5}, {33, 17, 9}, {64, 101, 128}, {6, 35, 3}};
        for (int[] s : shapes) {
            Matrix a = random(s[0], s[1], 4);
            Matrix b = random(s[0], s[2], 5);
            Matrix out = Matrix.zeros(s[1], s[2]);
            Kernels.multiplyTransposedA(a, b, out, Parallelism.sequential());
            assertThat(out.contentEquals(naive(transposeOf(a), b, null))).isTrue();
        }
    }

    @Test
    void multiplyTransposedB_oddShapes_bitIdenticalToNaiveLoop() {
        Matrix a = random(19, 23, 6);
        Matrix b = random(11, 23, 7);
        Matrix out = Matrix.zeros(19, 11);
        Kernels.multiplyTransposedB(a, b, Matrix.zeros(23, 11), out, Parallelism.sequential());
        assertThat(out.contentEquals(naive(a, transposeOf(b), null))).isTrue();
    }

    @Test
    void multiply_oneTwoAndEightThreads_sameBits() {
        Matrix a = random(200, 300, 8);
        Matrix b = random(300, 70, 9);
        Matrix at = random(200, 90, 10);
        Matrix[] results = new Matrix[3];
        Matrix[] gradients = new Matrix[3];
        int[] threads = {1, 2, 8};
        for (int t = 0; t < 3; t++) {
            try (Parallelism p = Parallelism.threads(threads[t])) {
                results[t] = Matrix.zeros(200, 70);
                Kernels.multiply(a, b, null, results[t], p);
                gradients[t] = Matrix.zeros(300, 90);
                Kernels.multiplyTransposedA(a, at, gradients[t], p);
            }
        }
        assertThat(results[1].contentEquals(results[0])).isTrue();
        assertThat(results[2].contentEquals(results[0])).isTrue();
        assertThat(gradients[1].contentEquals(gradients[0])).isTrue();
        assertThat(gradients[2].contentEquals(gradients[0])).isTrue();
    }

    @Test
    void multiply_mismatchedShapes_rejectedNamingShapes() {
        assertThatThrownBy(() -> Kernels.multiply(Matrix.zeros(2, 3), Matrix.zeros(4, 5), null, Matrix.zeros(2, 5),
                Parallelism.sequential()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2x3").hasMessageContaining("4x5");
        assertThatThrownBy(() -> Kernels.multiply(Matrix.zeros(2, 3), Matrix.zeros(3, 5), null, Matrix.zeros(2, 4),
                Parallelism.sequential()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out is 2x4");
        assertThatThrownBy(() -> Kernels.multiply(Matrix.zeros(2, 3), Matrix.zeros(3, 5), new double[4],
                Matrix.zeros(2, 5), Parallelism.sequential()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bias has 4");
    }

    @Test
    void sumRows_sumsEachColumnInRowOrder() {
        Matrix a = Matrix.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        double[] out = new double[2];
        Kernels.sumRows(a, out);
        assertThat(out).containsExactly(9, 12);
    }
}
