package org.veriflow.ml.nn;

/**
 * Element-wise activation functions. Transcendentals use {@link StrictMath} so that every JVM gives the
 * same bits.
 */
public enum Activation {
    /** {@code max(0, x)}; its derivative at 0 is taken as 0. */
    RELU("relu"),
    /** Hyperbolic tangent. */
    TANH("tanh"),
    /** Logistic function {@code 1 / (1 + e^-x)}. */
    SIGMOID("sigmoid");

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    /** The name used in recipes and model files. */
    public String id() {
        return id;
    }

    /**
     * Returns the activation named {@code id}.
     *
     * @throws IllegalArgumentException naming the unknown value and the known ones
     */
    public static Activation fromId(String id) {
        for (Activation a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + id + "'; known: relu, tanh, sigmoid");
    }

    double apply(double x) {
        return switch (this) {
            case RELU -> x > 0.0 ? x : 0.0;
            case TANH -> StrictMath.tanh(x);
            case SIGMOID -> sigmoid(x);
        };
    }

    /** Derivative expressed through the input {@code x} and the output {@code y}. */
    double derivative(double x, double y) {
        return switch (this) {
            case RELU -> x > 0.0 ? 1.0 : 0.0;
            case TANH -> 1.0 - y * y;
            case SIGMOID -> y * (1.0 - y);
        };
    }

    static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + StrictMath.exp(-x));
        }
        double e = StrictMath.exp(x);
        return e / (1.0 + e);
    }
}
