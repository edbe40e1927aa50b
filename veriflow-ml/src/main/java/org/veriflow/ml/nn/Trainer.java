package org.veriflow.ml.nn;

import java.util.ArrayList;
import java.util.List;
import org.veriflow.ml.metrics.EpochRecord;
import org.veriflow.ml.metrics.History;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Mini-batch training of a {@link Network}.
 *
 * <p>Each epoch draws a permutation of the training rows (Fisher–Yates on the identity, from
 * {@code Xoshiro256StarStar.forStream(config.seed(), 2)}, continuing across epochs) and walks it in
 * batches of {@code batchSize}; each batch is forward pass (training mode), loss, backward pass and
 * one optimiser update with {@code schedule.rate(updatesSoFar)}. After the epoch the validation set,
 * if any, is evaluated in inference mode, the listener is called, and early stopping is applied.
 * Everything is a function of the arguments: the same call gives the same bits for any parallelism.
 */
public final class Trainer {

    static final long SHUFFLE_STREAM = 2;

    private Trainer() {
    }

    /**
     * Trains {@code network} in place.
     *
     * @param validationX validation inputs, or null
     * @param validationY validation targets, or null (both or neither)
     * @throws IllegalArgumentException if shapes disagree, the training set is empty or a value is not
     *     finite
     * @throws IllegalStateException    if the loss becomes NaN or infinite (training diverged)
     */
    public static TrainingOutcome fit(Network network, Loss loss, Matrix x, Matrix y, Matrix validationX,
            Matrix validationY, TrainingConfig config, EpochMetric metric, Parallelism parallelism,
            TrainingListener listener) {
        checkData(network, x, y, "training");
        if ((validationX == null) != (validationY == null)) {
            throw new IllegalArgumentException("validation inputs and targets must be given together");
        }
        boolean validate = validationX != null && validationX.rows() > 0;
        if (validationX != null) {
            checkShapes(network, validationX, validationY, "validation");
        }
        int n = x.rows();
        StepTrainer steps = new StepTrainer(network, loss, config.optimizer(), config.schedule(), parallelism);
        Xoshiro256StarStar shuffler = Xoshiro256StarStar.forStream(config.seed(), SHUFFLE_STREAM);
        int[] order = new int[n];
        List<EpochRecord> records = new ArrayList<>();
        EarlyStopping stopping = config.earlyStopping();
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        int sinceImprovement = 0;
        double[][] bestState = null;
        boolean stoppedEarly = false;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            shuffler.shuffle(order);
            double lossTotal = 0.0;
            double metricTotal = 0.0;
            long metricCount = 0;
            for (int start = 0; start < n; start += config.batchSize()) {
                int end = Math.min(n, start + config.batchSize());
                int[] batch = java.util.Arrays.copyOfRange(order, start, end);
                Matrix yb = y.selectRows(batch);
                double batchLoss;
                try {
                    batchLoss = steps.step(x.selectRows(batch), yb);
                } catch (IllegalStateException e) {
                    throw new IllegalStateException("epoch " + epoch + ": " + e.getMessage(), e);
                }
                lossTotal += batchLoss * (end - start);
                metricTotal += metric.batchTotal(steps.lastOutput(), yb);
                metricCount += metric.count(yb);
            }
            double trainLoss = lossTotal / n;
            double trainMetric = metricTotal / metricCount;
            double validationLoss = Double.NaN;
            double validationMetric = Double.NaN;
            if (validate) {
                Matrix out = network.predict(validationX, parallelism);
                validationLoss = loss.evaluate(out, validationY, null);
                validationMetric = metric.batchTotal(out, validationY) / metric.count(validationY);
                if (!Double.isFinite(validationLoss)) {
                    throw new IllegalStateException("training diverged at epoch " + epoch
                            + ": validation loss is " + validationLoss + "; lower the learning rate");
                }
            }
            EpochRecord record = new EpochRecord(epoch, trainLoss, trainMetric, validationLoss, validationMetric,
                    steps.lastLearningRate());
            records.add(record);
            listener.onEpochEnd(record, config.epochs());
            double monitored = validate ? validationLoss : trainLoss;
            double threshold = stopping == null ? best : best - stopping.minDelta();
            if (monitored < threshold || bestEpoch == 0) {
                best = monitored;
                bestEpoch = epoch;
                sinceImprovement = 0;
                if (stopping != null && stopping.restoreBestWeights()) {
                    bestState = network.snapshot();
                }
            } else {
                sinceImprovement++;
            }
            if (stopping != null && sinceImprovement >= stopping.patience() && epoch < config.epochs()) {
                stoppedEarly = true;
                break;
            }
        }
        if (bestState != null && bestEpoch != records.size()) {
            network.restore(bestState);
        }
        return new TrainingOutcome(new History(metric.name(), records), bestEpoch, stoppedEarly,
                steps.updates());
    }

    private static void checkData(Network network, Matrix x, Matrix y, String what) {
        if (x.rows() == 0) {
            throw new IllegalArgumentException("the " + what + " set is empty");
        }
        checkShapes(network, x, y, what);
    }

    private static void checkShapes(Network network, Matrix x, Matrix y, String what) {
        if (x.rows() != y.rows()) {
            throw new IllegalArgumentException(what + " inputs have " + x.rows() + " rows but targets have "
                    + y.rows());
        }
        if (x.cols() != network.inputSize()) {
            throw new IllegalArgumentException(what + " inputs have " + x.cols() + " columns, the network takes "
                    + network.inputSize());
        }
        if (y.cols() != network.outputSize()) {
            throw new IllegalArgumentException(what + " targets have " + y.cols()
                    + " columns, the network produces " + network.outputSize());
        }
        requireFinite(x, what + " inputs");
        requireFinite(y, what + " targets");
    }

    static void requireFinite(Matrix m, String what) {
        for (int i = 0; i < m.rows(); i++) {
            double[] r = m.row(i);
            for (int j = 0; j < r.length; j++) {
                if (!Double.isFinite(r[j])) {
                    throw new IllegalArgumentException(what + ": row " + i + ", column " + j + " is " + r[j]
                            + "; values must be finite");
                }
            }
        }
    }
}
