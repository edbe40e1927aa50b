package org.veriflow.ml.nn;

import java.util.ArrayList;
import java.util.List;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/** Per-parameter moment buffers and the update counter of an {@link Optimizer}. Not thread-safe. */
final class OptimizerState {

    private static final int ROWS_PER_CHUNK = 16;

    private final Optimizer config;
    private final List<Parameter> parameters;
    private final List<Matrix> first = new ArrayList<>();
    private final List<Matrix> second = new ArrayList<>();
    private long updates;

    OptimizerState(Optimizer config, List<Parameter> parameters) {
        this.config = config;
        this.parameters = List.copyOf(parameters);
        for (Parameter p : parameters) {
            first.add(Matrix.zeros(p.value.rows(), p.value.cols()));
            second.add(Matrix.zeros(p.value.rows(), p.value.cols()));
        }
    }

    long updates() {
        return updates;
    }

    /** Applies one update with learning rate {@code lr} using the gradients now in the parameters. */
    void step(double lr, Parallelism parallelism) {
        updates++;
        if (config instanceof Optimizer.Adam adam) {
            double b1 = adam.beta1();
            double b2 = adam.beta2();
            double c1 = 1.0 - b1;
            double c2 = 1.0 - b2;
            double correction1 = 1.0 - StrictMath.pow(b1, updates);
            double correction2 = 1.0 - StrictMath.pow(b2, updates);
            double eps = adam.epsilon();
            forEachRowChunk(parallelism, (k, row) -> {
                double[] p = parameters.get(k).value.row(row);
                double[] g = parameters.get(k).grad.row(row);
                double[] m = first.get(k).row(row);
                double[] v = second.get(k).row(row);
                for (int j = 0; j < p.length; j++) {
                    double gj = g[j];
                    m[j] = b1 * m[j] + c1 * gj;
                    v[j] = b2 * v[j] + c2 * (gj * gj);
                    double mHat = m[j] / correction1;
                    double vHat = v[j] / correction2;
                    p[j] = p[j] - lr * mHat / (Math.sqrt(vHat) + eps);
                }
            });
        } else {
            double mu = ((Optimizer.Sgd) config).momentum();
            forEachRowChunk(parallelism, (k, row) -> {
                double[] p = parameters.get(k).value.row(row);
                double[] g = parameters.get(k).grad.row(row);
                double[] vel = first.get(k).row(row);
                for (int j = 0; j < p.length; j++) {
                    vel[j] = mu * vel[j] - lr * g[j];
                    p[j] = p[j] + vel[j];
                }
            });
        }
    }

    private interface RowUpdate {
        void apply(int parameter, int row);
    }

    private void forEachRowChunk(Parallelism parallelism, RowUpdate update) {
        List<int[]> chunks = new ArrayList<>();
        long elements = 0;
        for (int k = 0; k < parameters.size(); k++) {
            Matrix v = parameters.get(k).value;
            elements += (long) v.rows() * v.cols();
            for (int r = 0; r < v.rows(); r += ROWS_PER_CHUNK) {
                chunks.add(new int[] {k, r, Math.min(v.rows(), r + ROWS_PER_CHUNK)});
            }
        }
        Parallelism p = elements < 16_384 ? Parallelism.sequential() : parallelism;
        p.forEachChunk(chunks.size(), c -> {
            int[] chunk = chunks.get(c);
            for (int r = chunk[1]; r < chunk[2]; r++) {
                update.apply(chunk[0], r);
            }
        });
    }
}
