package org.veriflow.ml.federated;

import java.util.Objects;
import org.veriflow.ml.io.Sha256;

/**
 * One participant's committed update, as the aggregator found it.
 *
 * @param participant the participant's identity id
 * @param hash        the update hash committed on chain
 * @param examples    the examples the participant declared, 1 or more
 * @param modelFile   the blob's bytes, or null if the blob could not be obtained; copied in and out
 */
public record UpdateInput(String participant, Sha256 hash, long examples, byte[] modelFile) {

    /**
     * @throws IllegalArgumentException if the participant id is blank or {@code examples} below 1
     */
    public UpdateInput {
        Objects.requireNonNull(participant, "participant");
        Objects.requireNonNull(hash, "hash");
        if (participant.isBlank()) {
            throw new IllegalArgumentException("the participant id must not be blank");
        }
        if (examples < 1) {
            throw new IllegalArgumentException("participant " + participant + " declares " + examples
                    + " examples; at least 1 is needed");
        }
        modelFile = modelFile == null ? null : modelFile.clone();
    }

    /**
     * Returns the blob's bytes.
     *
     * @return a copy, or null if the blob is missing
     */
    @Override
    public byte[] modelFile() {
        return modelFile == null ? null : modelFile.clone();
    }

    /** The bytes without a copy, for the aggregation's read-only use. */
    byte[] bytes() {
        return modelFile;
    }
}
