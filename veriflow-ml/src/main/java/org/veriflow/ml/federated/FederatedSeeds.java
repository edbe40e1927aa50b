package org.veriflow.ml.federated;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.veriflow.ml.io.Sha256;

/**
 * The seeds of a federated task's trainings, derived so that anyone can recompute them: a participant's
 * local training in a round, and the aggregator's root training (FLTrust).
 *
 * <p>A seed is the first 8 bytes (big-endian) of SHA-256 over {@code "veriflow-fl-seed/1"}, a purpose
 * ({@code "local"} or {@code "root"}), the recipe hash, the task id, the round and, for a local seed,
 * the participant id; every string is written as its UTF-8 byte count (4 bytes, big-endian) then its
 * bytes, the round as 4 bytes big-endian. Different tasks, rounds or participants therefore get
 * unrelated seeds, and the same inputs always the same one. Stateless and thread-safe.
 */
public final class FederatedSeeds {

    private static final String DOMAIN = "veriflow-fl-seed/1";

    private FederatedSeeds() {
    }

    /**
     * Returns the seed of a participant's local training (weights' dropout masks and shuffling).
     *
     * @param recipe        the task's recipe
     * @param taskId        the task id
     * @param round         the round, 1 or more
     * @param participantId the participant's identity id
     * @return the seed
     * @throws IllegalArgumentException if the round is below 1 or an id is blank
     */
    public static long local(FederatedRecipe recipe, String taskId, int round, String participantId) {
        requireText(participantId, "participant id");
        return derive("local", recipe, taskId, round, participantId);
    }

    /**
     * Returns the seed of the aggregator's training on the root dataset (FLTrust).
     *
     * @param recipe the task's recipe
     * @param taskId the task id
     * @param round  the round, 1 or more
     * @return the seed
     * @throws IllegalArgumentException if the round is below 1 or the task id is blank
     */
    public static long root(FederatedRecipe recipe, String taskId, int round) {
        return derive("root", recipe, taskId, round, null);
    }

    private static long derive(String purpose, FederatedRecipe recipe, String taskId, int round, String participant) {
        Objects.requireNonNull(recipe, "recipe");
        requireText(taskId, "task id");
        if (round < 1) {
            throw new IllegalArgumentException("rounds count from 1, not " + round);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeString(out, DOMAIN);
        writeString(out, purpose);
        out.writeBytes(recipe.hash().bytes());
        writeString(out, taskId);
        out.writeBytes(ByteBuffer.allocate(4).putInt(round).array());
        if (participant != null) {
            writeString(out, participant);
        }
        return ByteBuffer.wrap(Sha256.of(out.toByteArray()).bytes()).getLong();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the " + what + " must not be blank");
        }
    }
}
