package org.veriflow.ml.federated;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.veriflow.ml.io.Sha256;
import org.veriflow.ml.model.Model;

/**
 * What a round's aggregation came to: the chain's {@code RoundResult} before encoding.
 *
 * @param globalModel        the new global model (the old one, bit for bit, if no update was accepted)
 * @param globalModelFile    its canonical model file; copied in and out
 * @param globalHash         SHA-256 of {@code globalModelFile}
 * @param accepted           the updates that went in, sorted by participant
 * @param rejected           the updates that did not, sorted by participant
 * @param contributionMicros each accepted participant's leave-one-out contribution in millionths
 *                           (validation loss without its update minus with it), sorted by participant
 * @param validationLoss     the new global model's validation loss
 * @param validationAccuracy its validation accuracy (R² for the regressor)
 */
public record RoundOutcome(Model globalModel, byte[] globalModelFile, Sha256 globalHash, List<Accepted> accepted,
        List<Rejected> rejected, SortedMap<String, Long> contributionMicros, double validationLoss,
        double validationAccuracy) {

    /**
     * An update that went into the aggregate.
     *
     * @param participant the participant's id
     * @param hash        the update hash
     * @param weight      its share of the aggregate: FedAvg examples / all examples; median and
     *                    trimmed mean 1/n; Krum 1; Multi-Krum 1/m'; FLTrust trust / all trust
     */
    public record Accepted(String participant, Sha256 hash, double weight) {
        /** @throws NullPointerException if the participant or hash is null */
        public Accepted {
            Objects.requireNonNull(participant, "participant");
            Objects.requireNonNull(hash, "hash");
        }
    }

    /**
     * An update that did not.
     *
     * @param participant the participant's id
     * @param hash        the update hash
     * @param reason      why
     * @param score       Krum score ({@code KRUM_NOT_SELECTED}), cosine ({@code ZERO_TRUST}), else 0
     */
    public record Rejected(String participant, Sha256 hash, RejectionReason reason, double score) {
        /** @throws NullPointerException if an argument is null */
        public Rejected {
            Objects.requireNonNull(participant, "participant");
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * @throws IllegalArgumentException if the hash is not the file's, or a list is not sorted by
     *     participant
     */
    public RoundOutcome {
        Objects.requireNonNull(globalModel, "globalModel");
        Objects.requireNonNull(globalHash, "globalHash");
        globalModelFile = globalModelFile.clone();
        if (!Sha256.of(globalModelFile).equals(globalHash)) {
            throw new IllegalArgumentException("the global hash is not the SHA-256 of the global model file");
        }
        accepted = List.copyOf(accepted);
        rejected = List.copyOf(rejected);
        List<String> a = new ArrayList<>();
        accepted.forEach(x -> a.add(x.participant()));
        List<String> r = new ArrayList<>();
        rejected.forEach(x -> r.add(x.participant()));
        requireSorted(a, "accepted");
        requireSorted(r, "rejected");
        contributionMicros = Collections.unmodifiableSortedMap(new TreeMap<>(contributionMicros));
    }

    private static void requireSorted(List<String> ids, String what) {
        for (int i = 1; i < ids.size(); i++) {
            if (ids.get(i - 1).compareTo(ids.get(i)) >= 0) {
                throw new IllegalArgumentException("the " + what + " updates must be sorted by participant, distinct");
            }
        }
    }

    /**
     * Returns the new global model's canonical file.
     *
     * @return a copy of the bytes
     */
    @Override
    public byte[] globalModelFile() {
        return globalModelFile.clone();
    }
}
