package org.veriflow.ml.nn;

/**
 * Gradient-descent update rules and their hyper-parameters.
 *
 * <p>Each element's update depends only on its own value, gradient and state, so the update is split
 * across threads by rows without changing any bit.
 */
public sealed interface Optimizer permits Optimizer.Adam, Optimizer.Sgd {

    /**
     * Adam (Kingma and Ba, 2015) with bias correction: {@code m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
     * m^ = m / (1 - b1^t); v^ = v / (1 - b2^t); theta = theta - lr * m^ / (sqrt(v^) + epsilon)}, with
     * {@code t} counting updates from 1. The seed paper writes {@code -m^ / sqrt(v^ + epsilon) * lr}
     * (epsilon inside the root); this engine uses the standard form, see docs/ml-engine.md.
     */
    record Adam(double beta1, double beta2, double epsilon) implements Optimizer {
        public Adam {
            requireInUnitInterval(beta1, "adam beta1");
            requireInUnitInterval(beta2, "adam beta2");
            if (!(epsilon > 0.0) || !Double.isFinite(epsilon)) {
                throw new IllegalArgumentException("adam epsilon must be positive, not " + epsilon);
            }
        }

        /** The usual defaults: beta1 0.9, beta2 0.999, epsilon 1e-8. */
        public static Adam defaults() {
            return new Adam(0.9, 0.999, 1e-8);
        }
    }

    /**
     * Stochastic gradient descent with classical momentum: {@code velocity = momentum * velocity -
     * lr * g; theta = theta + velocity}. Momentum 0 is plain SGD.
     */
    record Sgd(double momentum) implements Optimizer {
        public Sgd {
            if (!(momentum >= 0.0 && momentum < 1.0)) {
                throw new IllegalArgumentException("sgd momentum must be in [0, 1), not " + momentum);
            }
        }
    }

    private static void requireInUnitInterval(double value, String name) {
        if (!(value >= 0.0 && value < 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), not " + value);
        }
    }
}
