package org.veriflow.ml.nn;

import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Applies training steps to a {@link Network} one mini-batch at a time: forward pass in training mode,
 * loss, backward pass, one optimiser update at {@code schedule.rate(updates so far)}. {@link Trainer}
 * runs its epochs through this class; benchmarks and streaming callers can use it directly.
 *
 * <p>Not thread-safe; the network must not be trained by anything else meanwhile.
 */
public final class StepTrainer {

    private final Network network;
    private final Loss loss;
    private final LearningRateSchedule schedule;
    private final Parallelism parallelism;
    private final OptimizerState optimizer;
    private Matrix gradient;
    private Matrix lastOutput;
    private double lastRate;

    /** Prepares fresh optimiser state for every parameter of {@code network}. */
    public StepTrainer(Network network, Loss loss, Optimizer optimizer, LearningRateSchedule schedule,
            Parallelism parallelism) {
        this.network = network;
        this.loss = loss;
        this.schedule = schedule;
        this.parallelism = parallelism;
        this.optimizer = new OptimizerState(optimizer, network.parameters());
        this.lastRate = schedule.rate(0);
    }

    /**
     * Trains on one batch and returns its loss (before the update).
     *
     * @throws IllegalArgumentException if the shapes do not fit the network and loss
     * @throws IllegalStateException    if the loss is NaN or infinite; the update is then not applied
     */
    public double step(Matrix x, Matrix y) {
        Matrix out = network.forward(x, true, parallelism);
        if (gradient == null || gradient.rows() != out.rows() || gradient.cols() != out.cols()) {
            gradient = Matrix.zeros(out.rows(), out.cols());
        }
        double batchLoss = loss.evaluate(out, y, gradient);
        if (!Double.isFinite(batchLoss)) {
            throw new IllegalStateException("training diverged at update " + (optimizer.updates() + 1) + ": loss is "
                    + batchLoss + "; lower the learning rate");
        }
        lastOutput = out;
        network.backward(gradient, parallelism);
        lastRate = schedule.rate(optimizer.updates());
        optimizer.step(lastRate, parallelism);
        return batchLoss;
    }

    /** Number of updates applied so far. */
    public long updates() {
        return optimizer.updates();
    }

    /** The learning rate of the last update (the initial rate before any). */
    public double lastLearningRate() {
        return lastRate;
    }

    /** Network outputs of the last step's forward pass (owned by the network; valid until the next step). */
    Matrix lastOutput() {
        return lastOutput;
    }
}
