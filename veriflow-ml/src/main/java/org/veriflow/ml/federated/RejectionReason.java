package org.veriflow.ml.federated;

/** Why an update did not go into a round's aggregate; the names are the chain's stable codes. */
public enum RejectionReason {
    /** The model file is not the global model's shape (engine, algorithm, features, label, classes, scaler, architecture) or not a model file at all. */
    WRONG_SHAPE,
    /** A parameter is NaN, infinite, or of magnitude above {@value RoundAggregation#MAX_ABS_PARAMETER}. */
    NON_FINITE,
    /** Every parameter is bit-identical to the global model's: a free ride. */
    NO_CHANGE,
    /** The blob is missing or its bytes do not hash to the committed update hash. */
    MISSING_BLOB,
    /** Krum or Multi-Krum chose other updates; the score is the update's Krum score. */
    KRUM_NOT_SELECTED,
    /** FLTrust gave it no trust (its cosine with the root update is 0 or below); the score is the cosine. */
    ZERO_TRUST
}
