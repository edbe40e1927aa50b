package org.veriflow.ml.tensor;

import java.util.Arrays;

/**
 * A dense matrix of doubles stored as one array per row, the layout that lets the JIT vectorise the
 * engine's kernels (every inner loop runs over a whole row from index 0).
 *
 * <p>Matrices are mutable work buffers and not thread-safe. {@link #row(int)} exposes a live row;
 * {@link #ofRows(double[][])} builds a view that shares the given row arrays, which is how mini-batches
 * are assembled without copying. Values that enter the public API of models are copied.
 */
public final class Matrix {

    private final int rows;
    private final int cols;
    private final double[][] data;

    private Matrix(int rows, int cols, double[][] data) {
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /**
     * Returns a zero matrix.
     *
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Matrix zeros(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("matrix dimensions must not be negative: " + rows + "x" + cols);
        }
        return new Matrix(rows, cols, new double[rows][cols]);
    }

    /**
     * Returns a matrix holding a copy of {@code values}.
     *
     * @throws IllegalArgumentException if the rows do not all have the same length
     */
    public static Matrix of(double[][] values) {
        Matrix view = ofRows(values);
        Matrix copy = zeros(view.rows, view.cols);
        for (int i = 0; i < view.rows; i++) {
            System.arraycopy(values[i], 0, copy.data[i], 0, view.cols);
        }
        return copy;
    }

    /**
     * Returns a matrix that shares the given row arrays (no copy).
     *
     * @throws IllegalArgumentException if the rows do not all have the same length
     */
    public static Matrix ofRows(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw new IllegalArgumentException(
                        "row " + i + " has " + rows[i].length + " columns, row 0 has " + cols);
            }
        }
        return new Matrix(rows.length, cols, rows);
    }

    /** Returns a single-column matrix holding a copy of {@code values}. */
    public static Matrix column(double[] values) {
        Matrix m = zeros(values.length, 1);
        for (int i = 0; i < values.length; i++) {
            m.data[i][0] = values[i];
        }
        return m;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public double get(int row, int col) {
        return data[row][col];
    }

    public void set(int row, int col, double value) {
        data[row][col] = value;
    }

    /** Returns the live array of row {@code i}: writes to it change this matrix. */
    public double[] row(int i) {
        return data[i];
    }

    /** Returns a deep copy. */
    public Matrix copy() {
        return of(data);
    }

    /** Returns a deep copy as a plain array. */
    public double[][] toArray() {
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = data[i].clone();
        }
        return out;
    }

    /** Returns a copy of column {@code j}. */
    public double[] columnCopy(int j) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = data[i][j];
        }
        return out;
    }

    /** Returns a matrix that shares the rows with the given indices, in that order. */
    public Matrix selectRows(int[] indices) {
        double[][] picked = new double[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            picked[i] = data[indices[i]];
        }
        return new Matrix(indices.length, cols, picked);
    }

    /** Sets every element to {@code value}. */
    public void fill(double value) {
        for (double[] r : data) {
            Arrays.fill(r, value);
        }
    }

    /** Copies {@code source} into this matrix. */
    public void copyFrom(Matrix source) {
        requireSameShape(source, "copyFrom");
        for (int i = 0; i < rows; i++) {
            System.arraycopy(source.data[i], 0, data[i], 0, cols);
        }
    }

    /** Returns true if both matrices have the same shape and bit-identical elements. */
    public boolean contentEquals(Matrix other) {
        if (other.rows != rows || other.cols != cols) {
            return false;
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (Double.doubleToLongBits(data[i][j]) != Double.doubleToLongBits(other.data[i][j])) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Throws unless {@code other} has this matrix's shape.
     *
     * @throws IllegalArgumentException naming {@code what} and both shapes
     */
    public void requireSameShape(Matrix other, String what) {
        if (other.rows != rows || other.cols != cols) {
            throw new IllegalArgumentException(
                    what + ": shape " + other.shape() + " does not match " + shape());
        }
    }

    /** Returns the shape as {@code rowsxcols}. */
    public String shape() {
        return rows + "x" + cols;
    }

    @Override
    public String toString() {
        return "Matrix[" + shape() + "]";
    }
}
