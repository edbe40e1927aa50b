package org.veriflow.ml.io;

/** Thrown when a model file is truncated, corrupt or not in the canonical format. */
public final class MalformedModelException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public MalformedModelException(String message) {
        super("malformed model file: " + message);
    }
}
