package org.veriflow.ml;

/**
 * The engine's version, written into every model file and recipe. Replaying a recipe needs the same
 * engine version: a new version may change numerics and therefore hashes.
 */
public final class EngineVersion {

    /** The current version string. */
    public static final String CURRENT = "veriflow-ml/0.1.0";

    private EngineVersion() {
    }
}
