package org.veriflow.ml.model;

/** The model families of the engine, with the names used in recipes and model files. */
public enum Algorithm {
    MLP_REGRESSOR("mlp-regressor"),
    MLP_CLASSIFIER("mlp-classifier"),
    LOGISTIC_REGRESSION("logistic-regression"),
    K_MEANS("k-means"),
    ISOLATION_FOREST("isolation-forest");

    private final String id;

    Algorithm(String id) {
        this.id = id;
    }

    /** The name used in recipes and model files. */
    public String id() {
        return id;
    }

    /**
     * Returns the algorithm called {@code id}.
     *
     * @throws IllegalArgumentException naming the unknown algorithm and listing the known ones
     */
    public static Algorithm fromId(String id) {
        for (Algorithm a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        StringBuilder known = new StringBuilder();
        for (Algorithm a : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(a.id);
        }
        throw new IllegalArgumentException("unknown algorithm '" + id + "'; known: " + known);
    }
}
