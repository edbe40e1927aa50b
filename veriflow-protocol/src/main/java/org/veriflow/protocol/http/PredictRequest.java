package org.veriflow.protocol.http;

import java.util.List;

/**
 * {@code POST /v1/models/{id}/predict}: exactly one of {@code input} or {@code inputs}. The
 * inputs are JSON values on the wire; here each is its JSON text, written as the value itself (not
 * as a string) and read back as its compact text.
 *
 * @param keepInput whether the chain may keep the inputs themselves (absent: only their digests)
 * @param requester must be null (absent): the node refuses a body that names one, since the
 *     requester of a decision is the identity that signs the request
 * @param input one input, the JSON text of an object of feature values, or null (absent)
 * @param inputs several inputs, each the JSON text of an object of feature values, or null (absent)
 */
public record PredictRequest(Boolean keepInput, String requester, String input, List<String> inputs) {
  /** Copies the list, if any. */
  public PredictRequest {
    inputs = inputs == null ? null : List.copyOf(inputs);
  }
}
