package org.veriflow.ml.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.veriflow.ml.random.Xoshiro256StarStar;

/**
 * How rows are divided into training, validation and test sets.
 *
 * <p>Random: the row indices 0..n-1 are shuffled (Fisher–Yates, {@code Xoshiro256StarStar.forStream(
 * seed, 3)}); the first {@code round(n * testFraction)} go to test, the next {@code round(n *
 * validationFraction)} to validation, the rest to training. Stratified: the same per class, classes
 * taken in ascending string order, each class's indices in ascending order before its shuffle, all
 * classes drawing from the one stream. {@code round(v)} is {@code floor(v + 0.5)}. Each part is
 * returned sorted ascending.
 *
 * @param kind               random or stratified
 * @param validationFraction share of rows for validation, in [0, 1)
 * @param testFraction       share of rows for test, in [0, 1)
 */
public record SplitRule(Kind kind, double validationFraction, double testFraction) {

    static final long SPLIT_STREAM = 3;

    /** Whether the split keeps class proportions. */
    public enum Kind {
        RANDOM("random"),
        STRATIFIED("stratified");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /**
         * @throws IllegalArgumentException naming the unknown kind
         */
        public static Kind fromId(String id) {
            for (Kind k : values()) {
                if (k.id.equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown split kind '" + id + "'; known: random, stratified");
        }
    }

    /**
     * @throws IllegalArgumentException if a fraction is outside [0, 1) or they sum to 1 or more
     */
    public SplitRule {
        java.util.Objects.requireNonNull(kind, "kind");
        if (!(validationFraction >= 0.0 && validationFraction < 1.0)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), not " + validationFraction);
        }
        if (!(testFraction >= 0.0 && testFraction < 1.0)) {
            throw new IllegalArgumentException("test fraction must be in [0, 1), not " + testFraction);
        }
        if (validationFraction + testFraction >= 1.0) {
            throw new IllegalArgumentException("validation and test fractions sum to "
                    + (validationFraction + testFraction) + ", leaving no training rows");
        }
    }

    /** The split into train, validation and test index sets. Arrays are copied in and out. */
    public record Parts(int[] train, int[] validation, int[] test) {
        public Parts {
            train = train.clone();
            validation = validation.clone();
            test = test.clone();
        }

        @Override
        public int[] train() {
            return train.clone();
        }

        @Override
        public int[] validation() {
            return validation.clone();
        }

        @Override
        public int[] test() {
            return test.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Parts p && Arrays.equals(train, p.train) && Arrays.equals(validation, p.validation)
                    && Arrays.equals(test, p.test);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(train) * 961 + Arrays.hashCode(validation) * 31 + Arrays.hashCode(test);
        }

        @Override
        public String toString() {
            return "Parts[train=" + train.length + ", validation=" + validation.length + ", test=" + test.length + "]";
        }
    }

    /**
     * Splits {@code rows} rows.
     *
     * @param labels one label per row (required for stratified, ignored for random)
     * @throws IllegalArgumentException if there are no rows, labels are missing or mis-sized for a
     *     stratified split, or the training part would be empty
     */
    public Parts apply(int rows, List<String> labels, long seed) {
        if (rows <= 0) {
            throw new IllegalArgumentException("cannot split an empty data set");
        }
        Xoshiro256StarStar random = Xoshiro256StarStar.forStream(seed, SPLIT_STREAM);
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        if (kind == Kind.RANDOM) {
            int[] all = new int[rows];
            for (int i = 0; i < rows; i++) {
                all[i] = i;
            }
            distribute(all, random, train, validation, test);
        } else {
            if (labels == null || labels.size() != rows) {
                throw new IllegalArgumentException("a stratified split needs one label per row ("
                        + rows + " rows, " + (labels == null ? "no" : labels.size()) + " labels)");
            }
            Map<String, List<Integer>> byClass = new TreeMap<>();
            for (int i = 0; i < rows; i++) {
                byClass.computeIfAbsent(labels.get(i), k -> new ArrayList<>()).add(i);
            }
            for (List<Integer> members : byClass.values()) {
                int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
                distribute(idx, random, train, validation, test);
            }
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException("the split leaves no training rows out of " + rows);
        }
        return new Parts(sorted(train), sorted(validation), sorted(test));
    }

    private void distribute(int[] indices, Xoshiro256StarStar random, List<Integer> train,
            List<Integer> validation, List<Integer> test) {
        random.shuffle(indices);
        int n = indices.length;
        int nTest = (int) Math.floor(n * testFraction + 0.5);
        int nValidation = (int) Math.floor(n * validationFraction + 0.5);
        if (nTest + nValidation > n) {
            nValidation = n - nTest;
        }
        for (int i = 0; i < n; i++) {
            if (i < nTest) {
                test.add(indices[i]);
            } else if (i < nTest + nValidation) {
                validation.add(indices[i]);
            } else {
                train.add(indices[i]);
            }
        }
    }

    private static int[] sorted(List<Integer> values) {
        int[] out = values.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(out);
        return out;
    }
}
