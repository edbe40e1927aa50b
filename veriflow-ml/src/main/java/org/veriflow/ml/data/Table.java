package org.veriflow.ml.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.veriflow.ml.tensor.Matrix;

/**
 * An immutable table of named numeric columns, all finite, plus an optional categorical label column
 * (one string per row).
 *
 * <p>Thread-safe. Every accessor returns a copy.
 */
public final class Table {

    private final List<String> names;
    private final double[][] columns;
    private final String labelName;
    private final String[] labels;

    private Table(List<String> names, double[][] columns, String labelName, String[] labels) {
        this.names = names;
        this.columns = columns;
        this.labelName = labelName;
        this.labels = labels;
    }

    /** Starts an empty table definition. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects the columns of a {@link Table}. Not thread-safe. */
    public static final class Builder {

        private final List<String> names = new ArrayList<>();
        private final List<double[]> columns = new ArrayList<>();
        private String labelName;
        private String[] labels;

        private Builder() {
        }

        /** Adds a numeric column (copied). */
        public Builder numeric(String name, double[] values) {
            requireName(name);
            if (names.contains(name) || name.equals(labelName)) {
                throw new IllegalArgumentException("duplicate column '" + name + "'");
            }
            names.add(name);
            columns.add(values.clone());
            return this;
        }

        /** Sets the categorical label column (copied). */
        public Builder label(String name, List<String> values) {
            requireName(name);
            if (names.contains(name)) {
                throw new IllegalArgumentException("duplicate column '" + name + "'");
            }
            if (labelName != null) {
                throw new IllegalArgumentException("the label column is already '" + labelName + "'");
            }
            labelName = name;
            labels = values.toArray(new String[0]);
            return this;
        }

        /**
         * Builds the table.
         *
         * @throws IllegalArgumentException if columns have different lengths, a value is NaN or
         *     infinite, or a label is null or empty; the message names the column and row
         */
        public Table build() {
            if (names.isEmpty() && labelName == null) {
                throw new IllegalArgumentException("a table needs at least one column");
            }
            int rows = !columns.isEmpty() ? columns.get(0).length : labels.length;
            for (int c = 0; c < names.size(); c++) {
                double[] values = columns.get(c);
                if (values.length != rows) {
                    throw new IllegalArgumentException("column '" + names.get(c) + "' has " + values.length
                            + " rows, column '" + names.get(0) + "' has " + rows);
                }
                for (int i = 0; i < rows; i++) {
                    if (!Double.isFinite(values[i])) {
                        throw new IllegalArgumentException("column '" + names.get(c) + "', row " + i + ": "
                                + values[i] + " is not allowed, values must be finite");
                    }
                }
            }
            if (labelName != null) {
                if (labels.length != rows) {
                    throw new IllegalArgumentException("label column '" + labelName + "' has " + labels.length
                            + " rows, the numeric columns have " + rows);
                }
                for (int i = 0; i < rows; i++) {
                    if (labels[i] == null || labels[i].isEmpty()) {
                        throw new IllegalArgumentException("label column '" + labelName + "', row " + i
                                + ": the label is missing");
                    }
                }
            }
            return new Table(List.copyOf(names), columns.toArray(new double[0][]), labelName,
                    labelName == null ? null : labels.clone());
        }

        private static void requireName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("column names must not be blank");
            }
        }
    }

    /** Number of rows. */
    public int rowCount() {
        return columns.length > 0 ? columns[0].length : labels.length;
    }

    /** Names of the numeric columns, in order. */
    public List<String> numericColumns() {
        return names;
    }

    /** Name of the label column, if there is one. */
    public Optional<String> labelColumn() {
        return Optional.ofNullable(labelName);
    }

    /** True if the table has a numeric column or the label column with this name. */
    public boolean hasColumn(String name) {
        return names.contains(name) || name.equals(labelName);
    }

    /**
     * Returns a copy of a numeric column.
     *
     * @throws IllegalArgumentException naming the column if it does not exist or is the label
     */
    public double[] column(String name) {
        return columns[indexOf(name)].clone();
    }

    private int indexOf(String name) {
        int index = names.indexOf(name);
        if (index < 0) {
            if (name.equals(labelName)) {
                throw new IllegalArgumentException("column '" + name + "' is the categorical label, not numeric");
            }
            throw new IllegalArgumentException("column '" + name + "' not found; numeric columns: " + names
                    + (labelName == null ? "" : ", label: " + labelName));
        }
        return index;
    }

    /**
     * Returns the labels, one per row.
     *
     * @throws IllegalStateException if the table has no label column
     */
    public List<String> labels() {
        if (labelName == null) {
            throw new IllegalStateException("the table has no label column");
        }
        return List.of(labels);
    }

    /** Distinct labels in ascending string order. */
    public List<String> labelClasses() {
        return List.copyOf(new TreeSet<>(labels()));
    }

    /**
     * Returns the given numeric columns as a rows×columns matrix (a copy).
     *
     * @throws IllegalArgumentException naming the first missing column
     */
    public Matrix matrix(List<String> columnNames) {
        int[] idx = new int[columnNames.size()];
        for (int c = 0; c < idx.length; c++) {
            idx[c] = indexOf(columnNames.get(c));
        }
        Matrix m = Matrix.zeros(rowCount(), idx.length);
        for (int i = 0; i < m.rows(); i++) {
            double[] row = m.row(i);
            for (int c = 0; c < idx.length; c++) {
                row[c] = columns[idx[c]][i];
            }
        }
        return m;
    }

    /** Returns a table with the given rows, in the given order. */
    public Table selectRows(int[] rows) {
        double[][] picked = new double[columns.length][rows.length];
        for (int c = 0; c < columns.length; c++) {
            for (int i = 0; i < rows.length; i++) {
                picked[c][i] = columns[c][rows[i]];
            }
        }
        String[] pickedLabels = null;
        if (labels != null) {
            pickedLabels = new String[rows.length];
            for (int i = 0; i < rows.length; i++) {
                pickedLabels[i] = labels[rows[i]];
            }
        }
        return new Table(names, picked, labelName, pickedLabels);
    }

    @Override
    public String toString() {
        return "Table[" + rowCount() + " rows, numeric " + names + (labelName == null ? "" : ", label " + labelName)
                + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Table t && names.equals(t.names) && Arrays.deepEquals(columns, t.columns)
                && java.util.Objects.equals(labelName, t.labelName) && Arrays.equals(labels, t.labels);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + Arrays.deepHashCode(columns);
    }
}
