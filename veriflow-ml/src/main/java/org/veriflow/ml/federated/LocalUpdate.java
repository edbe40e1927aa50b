package org.veriflow.ml.federated;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Model;

/**
 * A participant's model after one round of local training.
 *
 * @param model     the trained model
 * @param modelFile its canonical model file (the blob to upload); copied in and out
 * @param hash      SHA-256 of {@code modelFile} (the update hash submitted on chain)
 * @param examples  training rows used
 * @param metrics   local metrics by name, sorted: {@code train.loss} and, for classifiers,
 *                  {@code train.accuracy}, of the trained model on all its training rows
 */
public record LocalUpdate(Model model, byte[] modelFile, Sha256 hash, long examples,
        SortedMap<String, Double> metrics) {

    /**
     * @throws IllegalArgumentException if the hash is not the file's or {@code examples} is below 1
     */
    public LocalUpdate {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(hash, "hash");
        modelFile = modelFile.clone();
        if (!Sha256.of(modelFile).equals(hash)) {
            throw new IllegalArgumentException("the update hash is not the SHA-256 of the model file");
        }
        if (examples < 1) {
            throw new IllegalArgumentException("an update needs at least one example, not " + examples);
        }
        metrics = Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
    }

    /**
     * Returns the canonical model file.
     *
     * @return a copy of the bytes
     */
    @Override
    public byte[] modelFile() {
        return modelFile.clone();
    }
}
