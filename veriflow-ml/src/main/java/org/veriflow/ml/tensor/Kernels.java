package org.veriflow.ml.tensor;

/**
 * Matrix kernels used by the layers and models.
 *
 * <p><b>Bit-exactness.</b> Every output element is a sum accumulated strictly in index order of the
 * summed dimension, starting from its initial value (zero or the bias), with every product and sum
 * rounded to double (no fused multiply-add). The loops are blocked (two output rows by four summed
 * indices) and unrolled so that the JIT vectorises them across output columns, but the blocked
 * expression {@code c = c + x0*v0 + x1*v1 + x2*v2 + x3*v3} evaluates left to right, which is exactly the
 * sequential sum. Results therefore equal the naive triple loop bit for bit, whatever the blocking,
 * the vector width of the CPU or the thread count. Parallel kernels split the output rows into
 * chunks of {@value #ROWS_PER_CHUNK}; no element is ever summed across chunks.
 *
 * <p>Arguments are not modified except {@code out}; {@code out} must not share rows with an input.
 */
public final class Kernels {

    /** Output rows per parallel chunk. */
    static final int ROWS_PER_CHUNK = 16;

    /** Below this many multiply-adds a kernel runs on the calling thread (same result, less overhead). */
    private static final long PARALLEL_THRESHOLD = 1 << 16;

    private Kernels() {
    }

    /**
     * Computes {@code out = a · b}, plus {@code bias} added as the initial value of every row if it is
     * not null.
     *
     * @throws IllegalArgumentException if the shapes do not agree
     */
    public static void multiply(Matrix a, Matrix b, double[] bias, Matrix out, Parallelism parallelism) {
        int m = a.rows();
        int k = a.cols();
        int n = b.cols();
        if (b.rows() != k) {
            throw new IllegalArgumentException("multiply: a is " + a.shape() + " but b is " + b.shape());
        }
        if (out.rows() != m || out.cols() != n) {
            throw new IllegalArgumentException("multiply: out is " + out.shape() + ", expected " + m + "x" + n);
        }
        if (bias != null && bias.length != n) {
            throw new IllegalArgumentException("multiply: bias has " + bias.length + " values, expected " + n);
        }
        int chunks = (m + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
        Parallelism p = (long) m * k * n < PARALLEL_THRESHOLD ? Parallelism.sequential() : parallelism;
        p.forEachChunk(chunks, c -> multiplyRows(a, b, bias, out, c * ROWS_PER_CHUNK,
                Math.min(m, (c + 1) * ROWS_PER_CHUNK)));
    }

    private static void multiplyRows(Matrix a, Matrix b, double[] bias, Matrix out, int from, int to) {
        int k = a.cols();
        int n = b.cols();
        int i = from;
        for (; i + 1 < to; i += 2) {
            double[] c0 = out.row(i);
            double[] c1 = out.row(i + 1);
            double[] a0 = a.row(i);
            double[] a1 = a.row(i + 1);
            init(c0, bias);
            init(c1, bias);
            int p = 0;
            for (; p + 3 < k; p += 4) {
                double[] w0 = b.row(p);
                double[] w1 = b.row(p + 1);
                double[] w2 = b.row(p + 2);
                double[] w3 = b.row(p + 3);
                double x00 = a0[p];
                double x01 = a0[p + 1];
                double x02 = a0[p + 2];
                double x03 = a0[p + 3];
                double x10 = a1[p];
                double x11 = a1[p + 1];
                double x12 = a1[p + 2];
                double x13 = a1[p + 3];
                for (int j = 0; j < n; j++) {
                    double v0 = w0[j];
                    double v1 = w1[j];
                    double v2 = w2[j];
                    double v3 = w3[j];
                    c0[j] = c0[j] + x00 * v0 + x01 * v1 + x02 * v2 + x03 * v3;
                    c1[j] = c1[j] + x10 * v0 + x11 * v1 + x12 * v2 + x13 * v3;
                }
            }
            for (; p < k; p++) {
                double[] w = b.row(p);
                double x0 = a0[p];
                double x1 = a1[p];
                for (int j = 0; j < n; j++) {
                    double v = w[j];
                    c0[j] = c0[j] + x0 * v;
                    c1[j] = c1[j] + x1 * v;
                }
            }
        }
        if (i < to) {
            double[] c0 = out.row(i);
            double[] a0 = a.row(i);
            init(c0, bias);
            int p = 0;
            for (; p + 3 < k; p += 4) {
                double[] w0 = b.row(p);
                double[] w1 = b.row(p + 1);
                double[] w2 = b.row(p + 2);
                double[] w3 = b.row(p + 3);
                double x0 = a0[p];
                double x1 = a0[p + 1];
                double x2 = a0[p + 2];
                double x3 = a0[p + 3];
                for (int j = 0; j < n; j++) {
                    c0[j] = c0[j] + x0 * w0[j] + x1 * w1[j] + x2 * w2[j] + x3 * w3[j];
                }
            }
            for (; p < k; p++) {
                double[] w = b.row(p);
                double x0 = a0[p];
                for (int j = 0; j < n; j++) {
                    c0[j] = c0[j] + x0 * w[j];
                }
            }
        }
    }

    private static void init(double[] row, double[] bias) {
        if (bias == null) {
            java.util.Arrays.fill(row, 0.0);
        } else {
            System.arraycopy(bias, 0, row, 0, row.length);
        }
    }

    /**
     * Computes {@code out = aᵀ · b} where {@code a} is m×k and {@code b} is m×n; each element is summed
     * over the m rows in order.
     *
     * @throws IllegalArgumentException if the shapes do not agree
     */
    public static void multiplyTransposedA(Matrix a, Matrix b, Matrix out, Parallelism parallelism) {
        int m = a.rows();
        int k = a.cols();
        int n = b.cols();
        if (b.rows() != m) {
            throw new IllegalArgumentException(
                    "multiplyTransposedA: a is " + a.shape() + " but b is " + b.shape());
        }
        if (out.rows() != k || out.cols() != n) {
            throw new IllegalArgumentException(
                    "multiplyTransposedA: out is " + out.shape() + ", expected " + k + "x" + n);
        }
        int chunks = (k + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
        Parallelism p = (long) m * k * n < PARALLEL_THRESHOLD ? Parallelism.sequential() : parallelism;
        p.forEachChunk(chunks, c -> transposedARows(a, b, out, c * ROWS_PER_CHUNK,
                Math.min(k, (c + 1) * ROWS_PER_CHUNK)));
    }

    private static void transposedARows(Matrix a, Matrix b, Matrix out, int from, int to) {
        int m = a.rows();
        int n = b.cols();
        int r = from;
        for (; r + 1 < to; r += 2) {
            double[] c0 = out.row(r);
            double[] c1 = out.row(r + 1);
            java.util.Arrays.fill(c0, 0.0);
            java.util.Arrays.fill(c1, 0.0);
            int i = 0;
            for (; i + 3 < m; i += 4) {
                double[] a0 = a.row(i);
                double[] a1 = a.row(i + 1);
                double[] a2 = a.row(i + 2);
                double[] a3 = a.row(i + 3);
                double[] g0 = b.row(i);
                double[] g1 = b.row(i + 1);
                double[] g2 = b.row(i + 2);
                double[] g3 = b.row(i + 3);
                double x00 = a0[r];
                double x01 = a1[r];
                double x02 = a2[r];
                double x03 = a3[r];
                double x10 = a0[r + 1];
                double x11 = a1[r + 1];
                double x12 = a2[r + 1];
                double x13 = a3[r + 1];
                for (int j = 0; j < n; j++) {
                    double v0 = g0[j];
                    double v1 = g1[j];
                    double v2 = g2[j];
                    double v3 = g3[j];
                    c0[j] = c0[j] + x00 * v0 + x01 * v1 + x02 * v2 + x03 * v3;
                    c1[j] = c1[j] + x10 * v0 + x11 * v1 + x12 * v2 + x13 * v3;
                }
            }
            for (; i < m; i++) {
                double[] g = b.row(i);
                double x0 = a.row(i)[r];
                double x1 = a.row(i)[r + 1];
                for (int j = 0; j < n; j++) {
                    double v = g[j];
                    c0[j] = c0[j] + x0 * v;
                    c1[j] = c1[j] + x1 * v;
                }
            }
        }
        if (r < to) {
            double[] c0 = out.row(r);
            java.util.Arrays.fill(c0, 0.0);
            int i = 0;
            for (; i + 3 < m; i += 4) {
                double[] g0 = b.row(i);
                double[] g1 = b.row(i + 1);
                double[] g2 = b.row(i + 2);
                double[] g3 = b.row(i + 3);
                double x0 = a.row(i)[r];
                double x1 = a.row(i + 1)[r];
                double x2 = a.row(i + 2)[r];
                double x3 = a.row(i + 3)[r];
                for (int j = 0; j < n; j++) {
                    c0[j] = c0[j] + x0 * g0[j] + x1 * g1[j] + x2 * g2[j] + x3 * g3[j];
                }
            }
            for (; i < m; i++) {
                double[] g = b.row(i);
                double x0 = a.row(i)[r];
                for (int j = 0; j < n; j++) {
                    c0[j] = c0[j] + x0 * g[j];
                }
            }
        }
    }

    /**
     * Computes {@code out = a · bᵀ} where {@code a} is m×n and {@code b} is k×n, by transposing
     * {@code b} into {@code scratch} (n×k) and calling {@link #multiply}.
     *
     * @throws IllegalArgumentException if the shapes do not agree
     */
    public static void multiplyTransposedB(Matrix a, Matrix b, Matrix scratch, Matrix out,
            Parallelism parallelism) {
        if (a.cols() != b.cols()) {
            throw new IllegalArgumentException(
                    "multiplyTransposedB: a is " + a.shape() + " but b is " + b.shape());
        }
        transpose(b, scratch);
        multiply(a, scratch, null, out, parallelism);
    }

    /**
     * Writes the transpose of {@code a} into {@code out}.
     *
     * @throws IllegalArgumentException if {@code out} is not cols×rows of {@code a}
     */
    public static void transpose(Matrix a, Matrix out) {
        if (out.rows() != a.cols() || out.cols() != a.rows()) {
            throw new IllegalArgumentException(
                    "transpose: out is " + out.shape() + ", expected " + a.cols() + "x" + a.rows());
        }
        for (int i = 0; i < a.rows(); i++) {
            double[] src = a.row(i);
            for (int j = 0; j < src.length; j++) {
                out.row(j)[i] = src[j];
            }
        }
    }

    /**
     * Writes the column sums of {@code a} into {@code out}, each summed over the rows in order.
     *
     * @throws IllegalArgumentException if {@code out} does not have one entry per column
     */
    public static void sumRows(Matrix a, double[] out) {
        if (out.length != a.cols()) {
            throw new IllegalArgumentException(
                    "sumRows: out has " + out.length + " entries, a has " + a.cols() + " columns");
        }
        java.util.Arrays.fill(out, 0.0);
        for (int i = 0; i < a.rows(); i++) {
            double[] r = a.row(i);
            for (int j = 0; j < out.length; j++) {
                out[j] = out[j] + r[j];
            }
        }
    }
}
