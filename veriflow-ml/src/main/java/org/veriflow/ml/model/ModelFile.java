package org.veriflow.ml.model;

import org.veriflow.ml.EngineVersion;
import org.veriflow.ml.io.CanonicalInput;
import org.veriflow.ml.io.CanonicalOutput;
import org.veriflow.ml.io.MalformedModelException;
import org.veriflow.ml.io.Sha256;

/**
 * The canonical model file, whose SHA-256 is the model hash.
 *
 * <p>Layout (all integers 32-bit big-endian, doubles IEEE-754 binary64 big-endian, strings a 32-bit
 * byte count then UTF-8): the magic {@code "VFML"}, the format version {@value #FORMAT_VERSION}, the
 * engine version, the algorithm name, then the algorithm's body: feature names, normalisation
 * parameters, architecture and weights. docs/ml-engine.md describes every body. Writing is a pure
 * function of the model, so equal models give equal bytes and equal hashes.
 */
public final class ModelFile {

    /** "VFML" in ASCII. */
    static final int MAGIC = 0x56464D4C;
    /** Version of this layout. */
    public static final int FORMAT_VERSION = 1;

    private ModelFile() {
    }

    /** Returns the canonical bytes of {@code model}. */
    public static byte[] write(Model model) {
        CanonicalOutput out = new CanonicalOutput();
        out.writeInt(MAGIC).writeInt(FORMAT_VERSION).writeString(EngineVersion.CURRENT)
                .writeString(model.algorithm().id());
        if (model instanceof MlpRegressor m) {
            m.writeBody(out);
        } else if (model instanceof MlpClassifier m) {
            m.writeBody(out);
        } else if (model instanceof LogisticRegression m) {
            m.writeBody(out);
        } else if (model instanceof KMeans m) {
            m.writeBody(out);
        } else {
            ((IsolationForest) model).writeBody(out);
        }
        return out.toByteArray();
    }

    /** Returns the model hash: SHA-256 of {@link #write}. */
    public static Sha256 hash(Model model) {
        return Sha256.of(write(model));
    }

    /**
     * Reads a model file.
     *
     * @throws MalformedModelException if the bytes are not a complete, valid model file of this format
     *     and engine version
     */
    public static Model read(byte[] bytes) {
        CanonicalInput in = new CanonicalInput(bytes);
        if (bytes.length < 4 || in.readInt("magic") != MAGIC) {
            throw new MalformedModelException("not a Veriflow model file (no VFML magic)");
        }
        int version = in.readInt("format version");
        if (version != FORMAT_VERSION) {
            throw new MalformedModelException("format version " + version + " is not supported; this engine reads "
                    + FORMAT_VERSION);
        }
        String engine = in.readString("engine version");
        if (!engine.equals(EngineVersion.CURRENT)) {
            throw new MalformedModelException("written by engine " + engine + ", this engine is "
                    + EngineVersion.CURRENT);
        }
        String id = in.readString("algorithm");
        Algorithm algorithm;
        try {
            algorithm = Algorithm.fromId(id);
        } catch (IllegalArgumentException e) {
            throw new MalformedModelException(e.getMessage());
        }
        Model model = switch (algorithm) {
            case MLP_REGRESSOR -> MlpRegressor.readBody(in);
            case MLP_CLASSIFIER -> MlpClassifier.readBody(in);
            case LOGISTIC_REGRESSION -> LogisticRegression.readBody(in);
            case K_MEANS -> KMeans.readBody(in);
            case ISOLATION_FOREST -> IsolationForest.readBody(in);
        };
        in.requireEnd();
        return model;
    }
}
