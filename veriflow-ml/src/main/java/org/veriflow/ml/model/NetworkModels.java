package org.veriflow.ml.model;

import java.util.List;
import java.util.Objects;
import org.veriflow.ml.data.Standardizer;
import org.veriflow.ml.nn.Network;

/**
 * Takes the network models ({@link MlpClassifier}, {@link MlpRegressor}, {@link LogisticRegression})
 * apart and puts them together from given parts, for training schemes that fix the input scaling and
 * the classes up front instead of fitting them on one training set (federated learning: every
 * participant must train the same architecture on the same scaled inputs).
 *
 * <p>A regressor assembled here has target mean 0 and scale 1: its network predicts the target in the
 * target's own units. Stateless and thread-safe.
 */
public final class NetworkModels {

    private NetworkModels() {
    }

    /**
     * Builds a network model from its parts.
     *
     * @param algorithm {@code MLP_CLASSIFIER}, {@code LOGISTIC_REGRESSION} or {@code MLP_REGRESSOR}
     * @param features  input columns, in the network's input order
     * @param label     the label (classifiers) or target (regressor) column
     * @param classes   the classes in ascending order (classifiers), empty for the regressor
     * @param scaler    the input standardisation, one mean and scale per feature
     * @param network   the network on standardised inputs: one output per class, or one output for a
     *                  binary logistic regression and for the regressor; it is copied
     * @return the model
     * @throws IllegalArgumentException if the algorithm is not a network model or the parts disagree
     *     (feature count, scaler width, network input or output size, classes not sorted or fewer than
     *     two for a classifier, classes given for the regressor)
     */
    public static Model assemble(Algorithm algorithm, List<String> features, String label, List<String> classes,
            Standardizer scaler, Network network) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(scaler, "scaler");
        Objects.requireNonNull(network, "network");
        Inputs.requireFeatureNames(features);
        Network copy = network.copy();
        return switch (algorithm) {
            case MLP_CLASSIFIER -> {
                if (copy.outputSize() != classes.size()) {
                    throw new IllegalArgumentException("an MLP classifier needs one network output per class: "
                            + classes.size() + " classes, " + copy.outputSize() + " outputs");
                }
                yield new MlpClassifier(new ClassifierCore(features, label, classes, scaler, copy));
            }
            case LOGISTIC_REGRESSION -> new LogisticRegression(
                    new ClassifierCore(features, label, classes, scaler, copy));
            case MLP_REGRESSOR -> {
                if (!classes.isEmpty()) {
                    throw new IllegalArgumentException("a regressor has no classes, given " + classes);
                }
                yield new MlpRegressor(features, label, scaler, 0.0, 1.0, copy);
            }
            default -> throw new IllegalArgumentException("algorithm " + algorithm.id() + " is not a network model");
        };
    }

    /**
     * Builds the network an MLP of {@code config} starts from, exactly as {@link MlpClassifier#fit} and
     * {@link MlpRegressor#fit} build it (weights drawn from {@code config.training().seed()}).
     *
     * @param inputs  number of input features
     * @param outputs number of outputs
     * @param config  architecture and seed
     * @return a freshly initialised network
     * @throws IllegalArgumentException if {@code inputs} or {@code outputs} is below 1
     */
    public static Network mlpNetwork(int inputs, int outputs, MlpConfig config) {
        return Inputs.mlp(inputs, outputs, config);
    }

    /**
     * Returns a copy of the network of a network model.
     *
     * @param model an MLP classifier, MLP regressor or logistic regression
     * @return a copy of its network
     * @throws IllegalArgumentException for any other model
     */
    public static Network network(Model model) {
        if (model instanceof MlpClassifier m) {
            return m.network();
        }
        if (model instanceof MlpRegressor m) {
            return m.network();
        }
        if (model instanceof LogisticRegression m) {
            return m.core().network.copy();
        }
        throw new IllegalArgumentException("algorithm " + model.algorithm().id() + " is not a network model");
    }

    /**
     * Returns the input standardisation of a network model.
     *
     * @param model an MLP classifier, MLP regressor or logistic regression
     * @return its scaler (immutable)
     * @throws IllegalArgumentException for any other model
     */
    public static Standardizer scaler(Model model) {
        if (model instanceof MlpClassifier m) {
            return m.core().scaler;
        }
        if (model instanceof MlpRegressor m) {
            return m.inputScaler();
        }
        if (model instanceof LogisticRegression m) {
            return m.core().scaler;
        }
        throw new IllegalArgumentException("algorithm " + model.algorithm().id() + " is not a network model");
    }

    /**
     * Returns a model equal to {@code template} except for its network.
     *
     * @param template a network model
     * @param network  the new network (copied); it must have the template network's input and output size
     * @return the new model
     * @throws IllegalArgumentException if the template is not a network model or the sizes disagree
     */
    public static Model withNetwork(Model template, Network network) {
        if (template instanceof MlpClassifier m) {
            ClassifierCore c = m.core();
            return new MlpClassifier(new ClassifierCore(c.features, c.labelName, c.classes, c.scaler, network.copy()));
        }
        if (template instanceof MlpRegressor m) {
            return m.withNetwork(network.copy());
        }
        if (template instanceof LogisticRegression m) {
            ClassifierCore c = m.core();
            return new LogisticRegression(
                    new ClassifierCore(c.features, c.labelName, c.classes, c.scaler, network.copy()));
        }
        throw new IllegalArgumentException("algorithm " + template.algorithm().id() + " is not a network model");
    }
}
