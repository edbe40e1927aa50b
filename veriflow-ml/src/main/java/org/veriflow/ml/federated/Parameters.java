package org.veriflow.ml.federated;

import org.veriflow.ml.model.Model;
import org.veriflow.ml.model.NetworkModels;
import org.veriflow.ml.nn.Network;

/**
 * A network model's trainable parameters as one vector, the space in which federated updates are
 * compared and averaged. The order is the model file's: layer by layer, each dense layer's weights row
 * by row (inputs×outputs), then its bias (see {@link Network#parameterValues()}).
 *
 * <p>Stateless and thread-safe.
 */
public final class Parameters {

    private Parameters() {
    }

    /**
     * Returns the parameters of a network model.
     *
     * @param model an MLP classifier, MLP regressor or logistic regression
     * @return a new array of the network's parameter count
     * @throws IllegalArgumentException if the model is not a network model
     */
    public static double[] of(Model model) {
        return NetworkModels.network(model).parameterValues();
    }

    /**
     * Returns a model equal to {@code template} (algorithm, features, label, classes, scaler,
     * architecture) with the given parameters.
     *
     * @param template a network model
     * @param values   its new parameters, in the order of {@link #of}
     * @return the new model
     * @throws IllegalArgumentException if the template is not a network model, the length differs from
     *     its parameter count, or a value is NaN or infinite
     */
    public static Model with(Model template, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("parameter " + i + " is " + values[i] + "; parameters must be finite");
            }
        }
        Network network = NetworkModels.network(template);
        return NetworkModels.withNetwork(template, network.withParameterValues(values));
    }
}
