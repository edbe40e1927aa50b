package org.veriflow.ml.model;

import java.util.List;
import org.veriflow.ml.io.Sha256;

/**
 * A fitted model. Models are immutable and thread-safe; {@link #toCanonicalBytes()} is the canonical
 * model file (see {@link ModelFile}) and {@link #hash()} its SHA-256, the model hash.
 */
public sealed interface Model permits MlpRegressor, MlpClassifier, LogisticRegression, KMeans, IsolationForest {

    Algorithm algorithm();

    /** Names of the input features, in the order the model reads them. */
    List<String> featureNames();

    /** The canonical model file. */
    default byte[] toCanonicalBytes() {
        return ModelFile.write(this);
    }

    /** SHA-256 of {@link #toCanonicalBytes()}. */
    default Sha256 hash() {
        return Sha256.of(toCanonicalBytes());
    }
}
