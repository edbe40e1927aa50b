package org.veriflow.ml.nn;

import java.util.ArrayList;
import java.util.List;
import org.veriflow.ml.io.CanonicalInput;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.io.MalformedModelException;
import org.veriflow.ml.random.Xoshiro256StarStar;
import org.veriflow.ml.tensor.Matrix;
import org.veriflow.ml.tensor.Parallelism;

/**
 * A feed-forward network: a sequence of dense, activation, batch-normalisation and dropout layers.
 *
 * <p>Weights are initialised at {@link Builder#build()} from the builder's seed, layer by layer and row
 * by row, from {@code Xoshiro256StarStar.forStream(seed, 1)}: uniform in {@code ±sqrt(6 / fanIn)} (He)
 * for a dense layer followed by ReLU (batch normalisation in between allowed), otherwise uniform in
 * {@code ±sqrt(6 / (fanIn + fanOut))} (Glorot); biases start at 0. Dropout layer {@code i} (position
 * in the layer list) draws its masks from {@code Xoshiro256StarStar.create(forStream(seed, 1000 +
 * i).nextLong())}.
 *
 * <p>{@link #predict} keeps no state and may be called concurrently; training (package-private, driven
 * by {@link Trainer}) is not thread-safe.
 */
public final class Network {

    static final long INIT_STREAM = 1;
    static final long DROPOUT_STREAM_BASE = 1000;

    private final int inputSize;
    private final List<Layer> layers;

    private Network(int inputSize, List<Layer> layers) {
        this.inputSize = inputSize;
        this.layers = List.copyOf(layers);
    }

    /**
     * Starts a network with {@code inputs} input features whose random choices derive from {@code seed}.
     *
     * @throws IllegalArgumentException if {@code inputs} is not positive
     */
    public static Builder builder(int inputs, long seed) {
        return new Builder(inputs, seed);
    }

    /** Assembles the layers of a {@link Network}. Not thread-safe. */
    public static final class Builder {

        private final int inputs;
        private final long seed;
        private final List<Object[]> specs = new ArrayList<>();
        private int width;

        private Builder(int inputs, long seed) {
            if (inputs < 1) {
                throw new IllegalArgumentException("a network needs at least one input, not " + inputs);
            }
            this.inputs = inputs;
            this.seed = seed;
            this.width = inputs;
        }

        /** Adds a dense layer with {@code units} outputs. */
        public Builder dense(int units) {
            if (units < 1) {
                throw new IllegalArgumentException("a dense layer needs at least one unit, not " + units);
            }
            specs.add(new Object[] {"dense", width, units});
            width = units;
            return this;
        }

        /** Adds an activation layer. */
        public Builder activation(Activation activation) {
            specs.add(new Object[] {"activation", activation});
            return this;
        }

        /** Adds batch normalisation with momentum 0.99 and epsilon 0.001. */
        public Builder batchNorm() {
            return batchNorm(0.99, 1e-3);
        }

        /** Adds batch normalisation with the given running-statistics momentum and epsilon. */
        public Builder batchNorm(double momentum, double epsilon) {
            BatchNormLayer.fresh(width, momentum, epsilon);
            specs.add(new Object[] {"batch-norm", momentum, epsilon});
            return this;
        }

        /** Adds inverted dropout with the given drop probability. */
        public Builder dropout(double rate) {
            new DropoutLayer(width, rate, 0L);
            specs.add(new Object[] {"dropout", rate});
            return this;
        }

        /**
         * Creates the network and draws its initial weights.
         *
         * @throws IllegalStateException if the network has no dense layer
         */
        public Network build() {
            Xoshiro256StarStar random = Xoshiro256StarStar.forStream(seed, INIT_STREAM);
            List<Layer> layers = new ArrayList<>();
            int w = inputs;
            boolean anyDense = false;
            for (int i = 0; i < specs.size(); i++) {
                Object[] spec = specs.get(i);
                switch ((String) spec[0]) {
                    case "dense" -> {
                        int in = (Integer) spec[1];
                        int out = (Integer) spec[2];
                        double limit = followedByRelu(i) ? Math.sqrt(6.0 / in) : Math.sqrt(6.0 / (in + out));
                        Matrix weights = Matrix.zeros(in, out);
                        for (int r = 0; r < in; r++) {
                            double[] row = weights.row(r);
                            for (int c = 0; c < out; c++) {
                                row[c] = random.nextDouble(-limit, limit);
                            }
                        }
                        layers.add(new DenseLayer(weights, new double[out]));
                        w = out;
                        anyDense = true;
                    }
                    case "activation" -> layers.add(new ActivationLayer((Activation) spec[1], w));
                    case "batch-norm" -> layers.add(BatchNormLayer.fresh(w, (Double) spec[1], (Double) spec[2]));
                    case "dropout" -> layers.add(new DropoutLayer(w, (Double) spec[1],
                            Xoshiro256StarStar.forStream(seed, DROPOUT_STREAM_BASE + i).nextLong()));
                    default -> throw new IllegalStateException("unknown layer spec " + spec[0]);
                }
            }
            if (!anyDense) {
                throw new IllegalStateException("a network needs at least one dense layer");
            }
            return new Network(inputs, layers);
        }

        private boolean followedByRelu(int denseIndex) {
            for (int j = denseIndex + 1; j < specs.size(); j++) {
                Object[] s = specs.get(j);
                if (s[0].equals("batch-norm") || s[0].equals("dropout")) {
                    continue;
                }
                return s[0].equals("activation") && s[1] == Activation.RELU;
            }
            return false;
        }
    }

    public int inputSize() {
        return inputSize;
    }

    public int outputSize() {
        return layers.get(layers.size() - 1).outputSize();
    }

    /** Total number of trainable scalars. */
    public long parameterCount() {
        long count = 0;
        for (Parameter p : parameters()) {
            count += (long) p.value.rows() * p.value.cols();
        }
        return count;
    }

    /**
     * Returns every trainable scalar in one array, in the order the model file writes them: layer by
     * layer, for a dense layer its weights row by row (inputs×outputs) then its bias, for batch
     * normalisation gamma then beta (running statistics are not trainable and not included).
     *
     * @return a new array of {@link #parameterCount()} values
     */
    public double[] parameterValues() {
        double[] values = new double[Math.toIntExact(parameterCount())];
        int k = 0;
        for (Parameter p : parameters()) {
            for (int r = 0; r < p.value.rows(); r++) {
                double[] row = p.value.row(r);
                System.arraycopy(row, 0, values, k, row.length);
                k += row.length;
            }
        }
        return values;
    }

    /**
     * Returns a copy of this network whose trainable scalars are {@code values} (in the order of
     * {@link #parameterValues()}); everything else (architecture, running statistics) is copied.
     * Values are taken as given, non-finite ones included: callers that need finite weights check them.
     *
     * @param values one value per trainable scalar
     * @return a new, independent network
     * @throws IllegalArgumentException if {@code values.length} differs from {@link #parameterCount()}
     */
    public Network withParameterValues(double[] values) {
        if (values.length != parameterCount()) {
            throw new IllegalArgumentException("the network has " + parameterCount() + " parameters, given "
                    + values.length + " values");
        }
        Network copy = copy();
        int k = 0;
        for (Parameter p : copy.parameters()) {
            for (int r = 0; r < p.value.rows(); r++) {
                double[] row = p.value.row(r);
                System.arraycopy(values, k, row, 0, row.length);
                k += row.length;
            }
        }
        return copy;
    }

    /** Describes the layers, e.g. {@code dense(2->64) relu(64) dense(64->1)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Layer l : layers) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(l.tag()).append('(');
            if (l instanceof DenseLayer) {
                sb.append(l.inputSize()).append("->");
            }
            sb.append(l.outputSize()).append(')');
        }
        return sb.toString();
    }

    /**
     * Returns a copy of the weights (inputs×outputs) of the {@code index}-th dense layer (0 = first).
     *
     * @throws IllegalArgumentException if there is no such dense layer
     */
    public Matrix denseWeights(int index) {
        return dense(index).weights.value.copy();
    }

    /**
     * Returns a copy of the bias of the {@code index}-th dense layer (0 = first).
     *
     * @throws IllegalArgumentException if there is no such dense layer
     */
    public double[] denseBias(int index) {
        return dense(index).bias.value.row(0).clone();
    }

    private DenseLayer dense(int index) {
        int seen = 0;
        for (Layer l : layers) {
            if (l instanceof DenseLayer d && seen++ == index) {
                return d;
            }
        }
        throw new IllegalArgumentException("the network has " + seen + " dense layers, no index " + index);
    }

    /**
     * Inference-mode outputs (raw scores for classification networks) for every row of {@code x}.
     *
     * @throws IllegalArgumentException if {@code x} does not have {@link #inputSize()} columns
     */
    public Matrix predict(Matrix x, Parallelism parallelism) {
        Matrix current = x;
        for (Layer layer : layers) {
            current = layer.infer(current, parallelism);
        }
        return current;
    }

    /**
     * Returns d(output {@code output})/d(input) at {@code input}, in inference mode: the gradient used
     * for input-times-gradient attributions.
     *
     * @throws IllegalArgumentException if the input width or the output index is wrong
     */
    public double[] inputGradient(double[] input, int output) {
        if (input.length != inputSize) {
            throw new IllegalArgumentException("input has " + input.length + " features, expected " + inputSize);
        }
        if (output < 0 || output >= outputSize()) {
            throw new IllegalArgumentException("output index " + output + " not in [0, " + outputSize() + ")");
        }
        Network work = copy();
        Matrix x = Matrix.of(new double[][] {input});
        work.forward(x, false, Parallelism.sequential());
        Matrix grad = Matrix.zeros(1, outputSize());
        grad.set(0, output, 1.0);
        Matrix g = grad;
        for (int i = work.layers.size() - 1; i >= 0; i--) {
            g = work.layers.get(i).backward(g, true, Parallelism.sequential());
        }
        return g.row(0).clone();
    }

    Matrix forward(Matrix x, boolean training, Parallelism parallelism) {
        Matrix current = x;
        for (Layer layer : layers) {
            current = layer.forward(current, training, parallelism);
        }
        return current;
    }

    /** Back-propagates {@code gradOutput}; the first layer's input gradient is not computed. */
    void backward(Matrix gradOutput, Parallelism parallelism) {
        Matrix g = gradOutput;
        for (int i = layers.size() - 1; i >= 0; i--) {
            g = layers.get(i).backward(g, i > 0, parallelism);
        }
    }

    List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer l : layers) {
            all.addAll(l.parameters());
        }
        return all;
    }

    List<Layer> layers() {
        return layers;
    }

    /** Copies every state array (parameters and running statistics). */
    double[][] snapshot() {
        List<double[]> arrays = new ArrayList<>();
        for (Layer l : layers) {
            for (double[] a : l.state()) {
                arrays.add(a.clone());
            }
        }
        return arrays.toArray(new double[0][]);
    }

    /** Restores a {@link #snapshot()}. */
    void restore(double[][] snapshot) {
        int k = 0;
        for (Layer l : layers) {
            for (double[] a : l.state()) {
                System.arraycopy(snapshot[k++], 0, a, 0, a.length);
            }
        }
    }

    /** Returns an independent copy with the same weights and statistics (dropout streams restart). */
    public Network copy() {
        List<Layer> copies = new ArrayList<>();
        for (Layer l : layers) {
            copies.add(l.copy());
        }
        return new Network(inputSize, copies);
    }

    /**
     * Writes the canonical description: input count, layer count, then per layer its tag and body
     * (see docs/ml-engine.md, "Model file").
     */
    public void write(CanonicalOutput out) {
        out.writeInt(inputSize).writeInt(layers.size());
        for (Layer l : layers) {
            out.writeString(l.tag());
            l.writeBody(out);
        }
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws MalformedModelException if the description is inconsistent or corrupt
     */
    public static Network read(CanonicalInput in) {
        int inputs = in.readInt("network input count", 1, 1 << 24);
        int count = in.readInt("network layer count", 1, 4096);
        List<Layer> layers = new ArrayList<>();
        int width = inputs;
        for (int i = 0; i < count; i++) {
            String tag = in.readString("layer " + i + " type");
            Layer layer;
            switch (tag) {
                case DenseLayer.TAG -> {
                    int rows = in.readInt("dense input count", 1, 1 << 24);
                    int cols = in.readInt("dense output count", 1, 1 << 24);
                    requireWidth(rows, width, i);
                    Matrix weights = Matrix.zeros(rows, cols);
                    for (int r = 0; r < rows; r++) {
                        System.arraycopy(in.readDoubles(cols, "dense weights"), 0, weights.row(r), 0, cols);
                    }
                    layer = new DenseLayer(weights, in.readDoubles(cols, "dense bias"));
                }
                case BatchNormLayer.TAG -> {
                    int size = in.readInt("batch-norm size", 1, 1 << 24);
                    requireWidth(size, width, i);
                    double momentum = in.readDouble("batch-norm momentum");
                    double epsilon = in.readDouble("batch-norm epsilon");
                    double[] gamma = in.readDoubles(size, "batch-norm gamma");
                    double[] beta = in.readDoubles(size, "batch-norm beta");
                    double[] mean = in.readDoubles(size, "batch-norm running mean");
                    double[] variance = in.readDoubles(size, "batch-norm running variance");
                    try {
                        layer = new BatchNormLayer(size, momentum, epsilon, gamma, beta, mean, variance);
                    } catch (IllegalArgumentException e) {
                        throw new MalformedModelException(e.getMessage());
                    }
                }
                case DropoutLayer.TAG -> {
                    int size = in.readInt("dropout size", 1, 1 << 24);
                    requireWidth(size, width, i);
                    double rate = in.readDouble("dropout rate");
                    try {
                        layer = new DropoutLayer(size, rate, 0L);
                    } catch (IllegalArgumentException e) {
                        throw new MalformedModelException(e.getMessage());
                    }
                }
                default -> {
                    Activation activation;
                    try {
                        activation = Activation.fromId(tag);
                    } catch (IllegalArgumentException e) {
                        throw new MalformedModelException("unknown layer type '" + tag + "' at layer " + i);
                    }
                    int size = in.readInt(tag + " size", 1, 1 << 24);
                    requireWidth(size, width, i);
                    layer = new ActivationLayer(activation, size);
                }
            }
            layers.add(layer);
            width = layer.outputSize();
        }
        return new Network(inputs, layers);
    }

    private static void requireWidth(int actual, int expected, int layer) {
        if (actual != expected) {
            throw new MalformedModelException(
                    "layer " + layer + " takes " + actual + " inputs but the previous layer gives " + expected);
        }
    }
}
