package org.veriflow.bench.ml;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.veriflow.ml.nn.Activation;
import org.veriflow.ml.nn.LearningRateSchedule;
import org.veriflow.ml.nn.Loss;
import org.veriflow.ml.nn.Network;
import org.veriflow.ml.nn.Optimizer;
import org.veriflow.ml.nn.StepTrainer;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * Training steps per second of the deterministic engine, for comparison with
 * {@code bench/pytorch/train_steps.py} (same architectures, batch sizes, losses and optimiser).
 *
 * <p>A step is forward pass, loss, backward pass and one Adam update on one batch, drawn in turn from
 * a pool of 16 random batches. {@code mnist}: 784-128-10 with ReLU, batch 64, softmax cross-entropy.
 * {@code seed}: 2-64-64-1 with ReLU, batch 32, mean squared error. {@code threads} is 1 or {@code all}
 * (one per available processor).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainingStepBenchmark {

    private static final int POOL = 16;

    @Param({"mnist", "seed"})
    public String model;

    @Param({"1", "all"})
    public String threads;

    private Parallelism parallelism;
    private StepTrainer trainer;
    private Matrix[] xs;
    private Matrix[] ys;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        parallelism = threads.equals("all") ? Parallelism.allProcessors() : Parallelism.threads(Integer.parseInt(threads));
        boolean mnist = model.equals("mnist");
        int inputs = mnist ? 784 : 2;
        int outputs = mnist ? 10 : 1;
        int batch = mnist ? 64 : 32;
        Network network = mnist
                ? Network.builder(784, 42).dense(128).activation(Activation.RELU).dense(10).build()
                : Network.builder(2, 42).dense(64).activation(Activation.RELU).dense(64).activation(Activation.RELU)
                        .dense(1).build();
        trainer = new StepTrainer(network, mnist ? Loss.SOFTMAX_CROSS_ENTROPY : Loss.MEAN_SQUARED_ERROR,
                Optimizer.Adam.defaults(), LearningRateSchedule.constant(1e-3), parallelism);
        Xoshiro256StarStar random = Xoshiro256StarStar.create(7);
        xs = new Matrix[POOL];
        ys = new Matrix[POOL];
        for (int b = 0; b < POOL; b++) {
            xs[b] = Matrix.zeros(batch, inputs);
            ys[b] = Matrix.zeros(batch, outputs);
            for (int i = 0; i < batch; i++) {
                for (int j = 0; j < inputs; j++) {
                    xs[b].set(i, j, random.nextGaussian());
                }
                if (mnist) {
                    ys[b].set(i, random.nextInt(outputs), 1.0);
                } else {
                    ys[b].set(i, 0, random.nextGaussian());
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallelism.close();
    }

    @Benchmark
    public double trainingStep() {
        int b = next;
        next = (next + 1) % POOL;
        return trainer.step(xs[b], ys[b]);
    }
}
